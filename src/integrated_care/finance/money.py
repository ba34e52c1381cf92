"""Money arithmetic that never loses a penny.

Amounts are ``int`` pence. Published allocations are in £ thousand with fractions, so they
are read as ``Decimal`` from their text and converted with an explicit rounding rule.
NHS England's tools round like Excel (half away from zero), so ``round_half_up`` is the
rule wherever we reproduce their figures; Python's default (half to even) is never used
implicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from integrated_care.errors import InvalidInput

PENCE_PER_POUND = 100
PENCE_PER_THOUSAND = 100_000

Weight = int | Decimal | Fraction


def to_decimal(value: str | int | Decimal, *, input_name: str) -> Decimal:
    """A Decimal from text or an int; floats are refused (they cannot hold 0.1 exactly)."""
    if isinstance(value, float):
        raise InvalidInput(
            f"{input_name} was given as a binary float.",
            input_name=input_name,
            expected="a decimal written as text, e.g. '1234.56'",
        )
    try:
        number = Decimal(value.strip().replace(",", "") if isinstance(value, str) else value)
    except InvalidOperation:
        raise InvalidInput(
            f"{input_name} is not a number: '{value}'.",
            input_name=input_name,
            expected="a decimal number, e.g. 1234.56",
        ) from None
    if not number.is_finite():
        raise InvalidInput(
            f"{input_name} is not a finite number.",
            input_name=input_name,
            expected="a decimal number, e.g. 1234.56",
        )
    return number


def round_half_up(value: Decimal, places: int = 0) -> Decimal:
    """Round half away from zero, as Excel's ROUND does (2.675 -> 2.68, -2.5 -> -3)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def parse_pounds(text: str, *, input_name: str, allow_negative: bool = False) -> int:
    """'1,234.56' or '£1234.5' -> pence. More than two decimal places is an error."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    number = to_decimal(cleaned, input_name=input_name)
    if number != number.quantize(Decimal("0.01")):
        raise InvalidInput(
            f"{input_name} has fractions of a penny: '{text}'.",
            input_name=input_name,
            expected="pounds with at most two decimal places",
        )
    if number < 0 and not allow_negative:
        raise InvalidInput(
            f"{input_name} is negative: '{text}'.",
            input_name=input_name,
            expected="an amount of zero or more",
        )
    return int(number * PENCE_PER_POUND)


def thousands_to_pence(value_k: Decimal) -> int:
    """£ thousand (as published) -> pence, rounding half up at the penny."""
    return int(round_half_up(value_k * PENCE_PER_THOUSAND))


def pence_to_pounds(pence: int) -> Decimal:
    return Decimal(pence) / PENCE_PER_POUND


def format_gbp(pence: int) -> str:
    """-123456 -> '-£1,234.56'."""
    sign = "-" if pence < 0 else ""
    pounds, rem = divmod(abs(pence), PENCE_PER_POUND)
    return f"{sign}£{pounds:,}.{rem:02d}"


def format_gbp_k(pence: int) -> str:
    """Pence -> '£1,234k' (rounded half up to the £ thousand), for tables of allocations."""
    thousands = round_half_up(Decimal(pence) / PENCE_PER_THOUSAND)
    return f"£{int(thousands):,}k"


def largest_remainder(total: int, weights: Sequence[Weight]) -> list[int]:
    """Split ``total`` units in proportion to ``weights`` so the parts sum exactly to it.

    Each part gets the floor of its exact share; the units left over go one each to the
    largest fractional remainders, ties to the earlier position. Weights must be >= 0 and
    not all zero; a zero weight always gets zero. A negative total is split as its
    magnitude and negated, so splitting a reversal mirrors the original split.
    """
    if not weights:
        raise InvalidInput(
            "Nothing to split between.", input_name="weights", expected="one or more"
        )
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise InvalidInput("A split weight is negative.", input_name="weights", expected=">= 0")
    whole = sum(exact)
    if whole == 0:
        raise InvalidInput(
            "Every split weight is zero.", input_name="weights", expected="at least one > 0"
        )
    sign, magnitude = (-1, -total) if total < 0 else (1, total)
    shares = [magnitude * w / whole for w in exact]
    parts = [int(s) for s in shares]  # floor: shares are >= 0
    leftover = magnitude - sum(parts)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]
