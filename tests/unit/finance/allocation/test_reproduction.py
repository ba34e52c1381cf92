"""NHS England's published 2023/24 and 2024/25 recurrent allocations, reproduced for all 42
ICBs by the packaged policies' rules, from inputs only.

Expected values are the published ``recurrent_allocation_k`` read straight from the tidy
files. The engine is run on a copy of each file with every published output column
(convergence, recurrent allocation, post-convergence distance, growth of the recurrent
allocation, totals) removed, so it cannot have read an answer.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.finance.allocation.conftest import (
    csv_text,
    published_recurrent,
    published_rows,
)

from integrated_care.finance.allocation.engine import allocate
from integrated_care.finance.allocation.policy import load_policy
from integrated_care.finance.allocation.workbook import parse_allocations

INPUT_COLUMNS = [
    "allocation_year", "stream", "icb24_code", "icb_ods_code", "icb_name", "nhser_ods_code",
    "nhser_name", "baseline_year", "baseline_k", "fair_shares_target_k",
    "distance_from_target", "base_growth", "convergence_rule",
]  # fmt: skip
ONE_K = Decimal(1)


def inputs_only(year: str) -> str:
    return csv_text(list(published_rows(year)), INPUT_COLUMNS)


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
@pytest.mark.parametrize("stream", ["core", "pmc"])
def test_multiplicative_streams_reproduce_every_icb_to_the_thousand(year: str, stream: str) -> None:
    expected = published_recurrent(year, stream)
    data = parse_allocations(inputs_only(year), f"inputs {year}")
    result = allocate(data, load_policy(year), [stream]).stream(stream)
    computed = {line.icb_ods_code: line.recurrent_k for line in result.lines}
    assert len(expected) == 42
    assert set(computed) == set(expected)
    misses = {
        code: (computed[code], expected[code])
        for code in expected
        if computed[code] is None or abs(computed[code] - expected[code]) >= ONE_K  # type: ignore[operator]
    }
    assert misses == {}
    # NHS England rounds to the £k half up, as the engine does: the figures agree exactly.
    assert computed == expected
    assert result.overrides == ()
    assert all(not line.overridden for line in result.lines)


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_other_primary_care_is_additive_and_unrounded(year: str) -> None:
    expected = published_recurrent(year, "other_primary_care")
    data = parse_allocations(inputs_only(year), f"inputs {year}")
    result = allocate(data, load_policy(year), ["other_primary_care"]).stream("other_primary_care")
    assert len(result.lines) == 42
    for line in result.lines:
        assert line.recurrent_k is not None
        # The published figures carry binary-float noise of about 1e-10 £k.
        assert abs(line.recurrent_k - expected[line.icb_ods_code]) < Decimal("0.000001")
        assert line.rule == f"region {line.region_code} rate"


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_running_cost_allowance_is_shown_not_computed(year: str) -> None:
    data = parse_allocations(csv_text(list(published_rows(year))), year)
    result = allocate(data, load_policy(year), ["rca"]).stream("rca")
    expected = published_recurrent(year, "rca")
    assert {line.icb_ods_code: line.recurrent_k for line in result.lines} == expected
    assert all(not line.computed and line.difference_k is None for line in result.lines)
    assert result.max_abs_difference_k is None


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_published_columns_are_compared_never_used(year: str) -> None:
    """With the published figures present, the results are the same and the differences are
    computed minus published."""
    full = parse_allocations(csv_text(list(published_rows(year))), "full")
    bare = parse_allocations(inputs_only(year), "bare")
    policy = load_policy(year)
    with_outputs = allocate(full, policy, ["core", "pmc"])
    without = allocate(bare, policy, ["core", "pmc"])
    for stream in ("core", "pmc"):
        a, b = with_outputs.stream(stream), without.stream(stream)
        assert [line.recurrent_k for line in a.lines] == [line.recurrent_k for line in b.lines]
        assert a.max_abs_difference_k == 0
        assert b.max_abs_difference_k is None
        assert a.published_total_k == sum(published_recurrent(year, stream).values())
        assert a.total_k == a.published_total_k


def test_england_totals_match_the_published_england_rows() -> None:
    # SOURCE.md: core recurrent 2023/24 £101,260,119k, 2024/25 £103,817,368k; PMC £10,611,684k
    # and £11,008,325k.
    totals = {
        year: {
            s: allocate(parse_allocations(inputs_only(year), year), load_policy(year), [s])
            .stream(s)
            .total_k
            for s in ("core", "pmc")
        }
        for year in ("2023/24", "2024/25")
    }
    assert totals == {
        "2023/24": {"core": 101_260_119, "pmc": 10_611_684},
        "2024/25": {"core": 103_817_368, "pmc": 11_008_325},
    }


def test_published_convergence_follows_the_recovered_rules() -> None:
    """The policy's convergence equals NHS England's published rate for every ICB (to 1e-8;
    the 2024/25 core rates carry a uniform 5e-9 offset in the distance, see the policy)."""
    for year in ("2023/24", "2024/25"):
        rows = {(r["stream"], r["icb_ods_code"]): r for r in published_rows(year)}
        data = parse_allocations(inputs_only(year), year)
        for stream in ("core", "pmc"):
            for line in allocate(data, load_policy(year), [stream]).stream(stream).lines:
                published = Decimal(rows[(stream, line.icb_ods_code)]["convergence"])
                assert line.convergence is not None
                gap = abs(
                    Decimal(line.convergence.numerator) / line.convergence.denominator - published
                )
                assert gap < Decimal("1e-8"), (year, stream, line.icb_ods_code)
