"""Exact rounding of fractions, half away from zero (Excel's ROUND, as NHS England's tools use).

The engine works in ``Fraction`` so that no intermediate result is rounded; a figure is
rounded once, at the end, to the places NHS England publishes.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def round_fraction(value: Fraction, places: int) -> Decimal:
    """``value`` rounded to ``places`` decimal places, halves away from zero."""
    scaled = abs(value) * 10**places
    units = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    digits = str(units).rjust(places + 1, "0")
    sign = "-" if value < 0 and units else ""
    # Built from text so that zero keeps its places ('0.000', never '0E-3').
    return Decimal(f"{sign}{digits[:-places]}.{digits[-places:]}" if places else sign + digits)
