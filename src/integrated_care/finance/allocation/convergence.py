"""Convergence: how far one year moves an ICB's allocation towards its fair-shares target.

The gap is the ICB's distance from its new target after base growth, ``g`` (negative below
target, positive above). On the side of target the ICB is on, the policy closes a share of
the gap, optionally closes it in full when it is small ("moved to target if within X%"),
raises small movements to a minimum (never past the target) and limits large ones to a cap
(for ICBs below target) or a floor (above target). The convergence rate is then ``-movement``
for an ICB above target and ``+movement`` below it, so that, as in NHS England's workbooks,
an ICB moved in full gets exactly ``-g``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from integrated_care.finance.allocation.policy import Side


@dataclass(frozen=True, slots=True)
class Convergence:
    rate: Fraction
    rule: str  # which part of the policy decided it, in words


def percent(value: Fraction, places: int = 2) -> str:
    """+0.20% style, exact half-up rounding."""
    from integrated_care.finance.allocation.exact import round_fraction

    shown = round_fraction(value * 100, places)
    return f"{'+' if shown > 0 else ''}{shown}%"


def share_text(share: Fraction) -> str:
    """1/15 stays a fraction; other shares are shown as a percentage."""
    if share == 1:
        return "all"
    if share.denominator <= 100 and share.numerator == 1:
        return f"{share.numerator}/{share.denominator}"
    return percent(share, 3).lstrip("+")


def converge(gap: Fraction, below: Side, above: Side) -> Convergence:
    """The convergence rate for an ICB whose gap to its new target is ``gap``."""
    if gap == 0:
        return Convergence(Fraction(0), "at target")
    side, where = (below, "below") if gap < 0 else (above, "above")
    distance = abs(gap)
    if side.to_target_within is not None and distance <= side.to_target_within:
        movement = distance
        rule = f"{where} target, within {percent(side.to_target_within)}: moved to target"
    else:
        movement = side.share_closed * distance
        rule = f"{where} target: {share_text(side.share_closed)} of gap closed"
        if side.minimum is not None and movement < min(side.minimum, distance):
            movement = min(side.minimum, distance)
            rule = f"{where} target: raised to the minimum movement"
        if side.limit is not None and movement > side.limit:
            movement = side.limit
            bound = "capped" if gap < 0 else "floored"
            rule = f"{where} target: {bound} at {percent(-gap / distance * side.limit)}"
    return Convergence(movement if gap < 0 else -movement, rule)
