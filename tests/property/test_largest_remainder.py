"""Largest-remainder splits (``finance.money.largest_remainder``): the parts always sum to the
whole, whatever the total and the weights."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from integrated_care.errors import InvalidInput
from integrated_care.finance.money import largest_remainder

SOME = settings(max_examples=300, deadline=None)
totals = st.integers(min_value=-(10**12), max_value=10**12)
weight = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.fractions(min_value=0, max_value=10**6, max_denominator=1000),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
)
weight_lists = st.lists(weight, min_size=1, max_size=30).filter(
    lambda ws: sum(map(Fraction, ws)) > 0
)


def exact(total: int, weights: list[int | Fraction | Decimal]) -> list[Fraction]:
    whole = sum(Fraction(w) for w in weights)
    return [total * Fraction(w) / whole for w in weights]


@SOME
@given(totals, weight_lists)
def test_parts_sum_exactly_to_the_total(
    total: int, weights: list[int | Fraction | Decimal]
) -> None:
    assert sum(largest_remainder(total, weights)) == total


@SOME
@given(totals, weight_lists)
def test_each_part_is_within_one_unit_of_its_exact_share(
    total: int, weights: list[int | Fraction | Decimal]
) -> None:
    for part, share in zip(largest_remainder(total, weights), exact(total, weights), strict=True):
        assert abs(part - share) < 1
        assert isinstance(part, int)


@SOME
@given(totals, weight_lists)
def test_zero_weights_get_zero(total: int, weights: list[int | Fraction | Decimal]) -> None:
    for part, w in zip(largest_remainder(total, weights), weights, strict=True):
        if w == 0:
            assert part == 0


@SOME
@given(totals, weight_lists, st.randoms(use_true_random=False))
def test_reordering_the_weights_reorders_the_parts(
    total: int, weights: list[int | Fraction | Decimal], rng: object
) -> None:
    # Ties between different weights with the same fractional remainder are broken by
    # position, so only splits without such ties must be order-independent; equal weights
    # are interchangeable, so the (weight, part) multiset is compared.
    remainders: dict[Fraction, set[Fraction]] = {}
    for w, share in zip(weights, exact(abs(total), weights), strict=True):
        remainders.setdefault(share - int(share), set()).add(Fraction(w))
    assume(all(len(ws) == 1 for r, ws in remainders.items() if r))
    shuffled = list(weights)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    before = Counter(zip(map(Fraction, weights), largest_remainder(total, weights), strict=True))
    after = Counter(zip(map(Fraction, shuffled), largest_remainder(total, shuffled), strict=True))
    assert before == after


@SOME
@given(totals, weight_lists)
def test_a_negated_total_splits_as_the_negated_parts(
    total: int, weights: list[int | Fraction | Decimal]
) -> None:
    assert largest_remainder(-total, weights) == [-p for p in largest_remainder(total, weights)]


def test_a_worked_split() -> None:
    # 100 pence in thirds: 33.33 each, one leftover penny to the first (ties to the earlier).
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    # 10 in 0.35 : 0.25 : 0.40 -> 3.5, 2.5, 4.0: leftover to the earlier half.
    assert largest_remainder(10, [Decimal("0.35"), Decimal("0.25"), Decimal("0.40")]) == [4, 2, 4]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_unsplittable_weights_are_refused(weights: list[int]) -> None:
    with pytest.raises(InvalidInput):
        largest_remainder(10, weights)
