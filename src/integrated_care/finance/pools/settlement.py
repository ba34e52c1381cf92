"""Year-end settlement of a pooled budget: who pays in, who gets money back, what stays.

The overspend waterfall (research note §2, from real s75 risk-share clauses):

1. offset an overspend on one shared line against underspends on the others;
2. the risk pool inside the fund absorbs what is left;
3. allocations to schemes not yet committed are cut (if the rule allows);
4. the partners pay the rest, pro rata to their contributions or by fixed shares, each at
   most its cap; whatever the caps leave is reported as *unfunded* (the settlement is then
   incomplete: the partners must agree more, e.g. lift the caps).

An underspend left after (1), with any unused risk pool, stays in the pool or goes back to
the partners pro rata. Fixed lines are the host's own: their variance goes to the host.

Every split is in whole pence by the largest-remainder method, so the accounts close
exactly::

    contributions - outturn + sum(partner net) == retained - unfunded

where a partner's ``net`` is what it pays into the pool (negative: what it gets back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from integrated_care.finance.money import largest_remainder
from integrated_care.finance.pools.model import (
    Contribution,
    LineKind,
    Outturn,
    Pool,
    ShareBasis,
    UnderspendRule,
    check_contributions,
    check_outturns,
)


@dataclass(frozen=True, slots=True)
class LineResult:
    line: str
    name: str
    kind: LineKind
    budget: int  # the partners' contributions to the line
    spent: int
    uncommitted: int
    cut: int  # uncommitted allocation cut at stage 3
    outturn: int  # spent + uncommitted - cut

    @property
    def variance(self) -> int:
        """Budget minus outturn: positive is an underspend, negative an overspend."""
        return self.budget - self.outturn


@dataclass(frozen=True, slots=True)
class PartnerResult:
    partner: str
    contributed: int  # to every line
    shared: int  # to the shared lines (variable lines and the risk pool): the pro rata weight
    cap: int | None  # the most it can be asked for at stage 4 (None: uncapped)
    fixed_lines: int  # the host's fixed-line result: + it pays an overspend, - it gets back
    overspend_share: int  # stage 4, >= 0
    underspend_return: int  # >= 0, under the "return" rule

    @property
    def net(self) -> int:
        """What the partner pays into the pool at settlement (negative: it is paid back)."""
        return self.fixed_lines + self.overspend_share - self.underspend_return


@dataclass(frozen=True, slots=True)
class Waterfall:
    overspend: int  # total overspend on the variable lines, before the waterfall
    underspend: int  # total underspend on the variable lines
    offset: int  # stage 1
    risk_pool: int  # the risk pool's size
    risk_pool_used: int  # stage 2
    uncommitted_cut: int  # stage 3
    to_partners: int  # stage 4, charged
    unfunded: int  # left over by the caps
    underspend_left: int  # underspend after stage 1 plus the unused risk pool


@dataclass(frozen=True, slots=True)
class Settlement:
    pool: str
    lines: tuple[LineResult, ...]
    partners: tuple[PartnerResult, ...]
    waterfall: Waterfall
    underspend_rule: UnderspendRule
    retained: int  # stays in the pool
    returned: int  # paid back to partners (variable lines)

    @property
    def contributions(self) -> int:
        return sum(x.budget for x in self.lines)

    @property
    def outturn(self) -> int:
        return sum(x.outturn for x in self.lines)

    @property
    def unfunded(self) -> int:
        return self.waterfall.unfunded

    @property
    def complete(self) -> bool:
        return self.unfunded == 0

    @property
    def balanced(self) -> bool:
        """Every penny accounted for (always true; checked by the tests and the services)."""
        net = sum(p.net for p in self.partners)
        return self.contributions - self.outturn + net == self.retained - self.unfunded

    def partner(self, organisation: str) -> PartnerResult:
        return next(p for p in self.partners if p.partner == organisation)


def split_capped(
    total: int, weights: Mapping[str, Fraction | int], caps: Mapping[str, int | None]
) -> tuple[dict[str, int], int]:
    """Split ``total`` pence by ``weights``, nobody above its cap (None: no cap).

    Water-filling: split by largest remainder among those with room; what a cap turns away
    is split again among the rest. Returns the parts and what nobody could take.
    """
    parts = dict.fromkeys(weights, 0)
    active = [p for p, w in weights.items() if w > 0 and caps.get(p) != 0]
    remaining = total
    while remaining > 0 and active:
        split = largest_remainder(remaining, [weights[p] for p in active])
        remaining = 0
        still = []
        for p, share in zip(active, split, strict=True):
            cap = caps.get(p)
            give = share if cap is None else min(share, cap - parts[p])
            parts[p] += give
            remaining += share - give
            if cap is None or parts[p] < cap:
                still.append(p)
        active = still  # shrinks whenever anything was turned away, so this ends
    return parts, remaining


def settle(
    pool: Pool, contributions: Sequence[Contribution], outturns: Sequence[Outturn]
) -> Settlement:
    """The settlement of ``pool`` for these contributions and this spend (see module doc)."""
    check_contributions(pool, contributions)
    check_outturns(pool, outturns)
    rule = pool.risk_share
    budget = {x.code: 0 for x in pool.lines}
    by_partner = {p.organisation: 0 for p in pool.partners}
    shared = {p.organisation: 0 for p in pool.partners}
    for c in contributions:
        budget[c.line] += c.amount
        by_partner[c.partner] += c.amount
        if pool.line(c.line).kind is not LineKind.FIXED:
            shared[c.partner] += c.amount
    spent = {x.code: 0 for x in pool.lines}
    uncommitted = {x.code: 0 for x in pool.lines}
    for o in outturns:
        spent[o.line] += o.spent
        uncommitted[o.line] += o.uncommitted

    variable = [x for x in pool.lines if x.kind is LineKind.VARIABLE]
    forecast = {x.code: spent[x.code] + uncommitted[x.code] for x in pool.lines}
    over = sum(max(0, forecast[x.code] - budget[x.code]) for x in variable)
    under = sum(max(0, budget[x.code] - forecast[x.code]) for x in variable)
    offset = min(over, under)
    risk_pool = budget[pool.risk_pool.code] if pool.risk_pool else 0
    risk_used = min(over - offset, risk_pool)
    left = over - offset - risk_used

    cuts = dict.fromkeys(budget, 0)
    cut_total = 0
    cuttable = {x.code: uncommitted[x.code] for x in variable if uncommitted[x.code] > 0}
    if rule.cut_uncommitted and left > 0 and cuttable:
        cut_total = min(left, sum(cuttable.values()))
        cuts.update(
            zip(cuttable, largest_remainder(cut_total, list(cuttable.values())), strict=True)
        )
    left -= cut_total

    weights: dict[str, Fraction | int] = (
        dict(shared) if rule.basis is ShareBasis.PRO_RATA else dict(rule.fixed_shares)
    )
    caps: dict[str, int | None] = {
        p: None if rule.uncapped else rule.caps.get(p, shared[p]) for p in by_partner
    }
    charged, unfunded = (
        split_capped(left, weights, caps) if left > 0 else (dict.fromkeys(by_partner, 0), 0)
    )

    underspend_left = (under - offset) + (risk_pool - risk_used)
    returned = dict.fromkeys(by_partner, 0)
    retained = underspend_left
    if rule.underspend is UnderspendRule.RETURN and underspend_left > 0:
        # Only possible when some shared line has a budget, so some weight is positive.
        returned = dict(
            zip(shared, largest_remainder(underspend_left, list(shared.values())), strict=True)
        )
        retained = 0

    fixed_result = sum(
        forecast[x.code] - budget[x.code] for x in pool.lines if x.kind is LineKind.FIXED
    )
    lines = tuple(
        LineResult(
            x.code,
            x.name,
            x.kind,
            budget[x.code],
            spent[x.code],
            uncommitted[x.code],
            cuts[x.code],
            forecast[x.code] - cuts[x.code],
        )
        for x in pool.lines
    )
    partners = tuple(
        PartnerResult(
            p,
            by_partner[p],
            shared[p],
            caps[p],
            fixed_result if p == pool.host else 0,
            charged[p],
            returned[p],
        )
        for p in by_partner
    )
    waterfall = Waterfall(
        over,
        under,
        offset,
        risk_pool,
        risk_used,
        cut_total,
        sum(charged.values()),
        unfunded,
        underspend_left,
    )
    result = Settlement(
        pool.code, lines, partners, waterfall, rule.underspend, retained, sum(returned.values())
    )
    assert result.balanced, "a settlement lost or made a penny"  # a bug, never user input
    return result


def still_due(settlement: Settlement, called: Mapping[str, int]) -> dict[str, int]:
    """What each partner must still pay (+) or get back (-) given risk-share calls already
    paid in during the year."""
    return {p.partner: p.net - called.get(p.partner, 0) for p in settlement.partners}


def calls_due(settlement: Settlement, called: Mapping[str, int]) -> dict[str, int]:
    """In-year calls under the risk share: each partner's charge not yet called (never a
    refund: refunds wait for the year-end settlement)."""
    return {p: max(0, due) for p, due in still_due(settlement, called).items()}
