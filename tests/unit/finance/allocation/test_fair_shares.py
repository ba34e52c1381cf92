"""Target shares and need indices from practice weighted populations, against their
definition and NHS England's published figures."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from tests.unit.finance.allocation.conftest import published_rows

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.fair_shares import (
    icb_targets,
    need_index,
    need_indices,
    share,
)
from integrated_care.reference.weighted_population import (
    COMPONENTS,
    PracticeWeightedPopulation,
    practice_weighted_populations,
)


def practice(code: str, population: str, core: str, pmc: str = "1") -> PracticeWeightedPopulation:
    weighted = {key: Decimal(1) for key in COMPONENTS}
    weighted.update(core=Decimal(core), pmc=Decimal(pmc))
    return PracticeWeightedPopulation(
        "2026/27", code, "QT1", "E07000171", Decimal(population), weighted
    )


# Two practices in the place, four in the ICB (hand-worked):
# place: WP 1,200 + 900 = 2,100 over population 1,000 + 1,000 = 2,000 -> 1.05 per head
# ICB:   WP 2,100 + 1,000 + 700 = 3,800 over population 4,000 -> 0.95 per head
# index = 1.05 / 0.95 = 1.105263... -> 1.105; share = 2,100 / 3,800 = 21/38.
PLACE = [practice("A1", "1000", "1200"), practice("A2", "1000", "900")]
ICB = [*PLACE, practice("B1", "1200", "1000"), practice("B2", "800", "700")]


def test_need_index_is_the_ratio_of_weighted_population_per_head() -> None:
    assert need_index(PLACE, ICB, "core") == Decimal("1.105")


def test_share_is_exact() -> None:
    assert share(PLACE, ICB, "core") == Fraction(21, 38)


def test_indices_round_half_up_to_three_places() -> None:
    # index exactly 1.0005: members 2,001 WP per 2,000 people against 1 per head.
    members = [practice("C1", "2000", "2001")]
    reference = [practice("D1", "1000", "1000")]
    assert need_index(members, reference, "core") == Decimal("1.001")  # not banker's 1.000
    members = [practice("C2", "2000", "2000.998")]
    assert need_index(members, reference, "core") == Decimal("1.000")


def test_need_indices_cover_every_component() -> None:
    indices = need_indices(PLACE, ICB)
    assert set(indices) == set(COMPONENTS)
    assert indices["core"] == Decimal("1.105")
    assert indices["g_and_a"] == Decimal("1.000")  # every practice weighted 1


def test_unknown_components_and_empty_places_are_refused() -> None:
    with pytest.raises(InvalidInput, match="Unknown need component"):
        need_index(PLACE, ICB, "dental")
    with pytest.raises(InvalidInput, match="no population"):
        need_index([], ICB, "core")


# Research note section 7.3: core and PMC need indices on the 36-ICB map, 2026/27.
PUBLISHED_2026_27 = {
    "QOX": ("0.947", "0.952"), "QHL": ("1.030", "1.051"), "QUA": ("1.044", "1.046"),
    "QUY": ("0.980", "0.961"), "T01": ("0.908", "0.932"), "QYG": ("1.120", "1.073"),
    "QT6": ("1.118", "1.012"), "QWU": ("0.949", "0.994"), "QJ2": ("1.051", "1.001"),
    "QJK": ("1.041", "1.000"), "QVV": ("1.054", "1.010"), "T02": ("0.991", "0.971"),
    "QR1": ("0.951", "0.971"), "QOP": ("1.044", "1.059"), "QRL": ("0.987", "0.988"),
    "QGH": ("1.010", "0.996"), "QOQ": ("1.041", "1.026"), "QKS": ("0.995", "1.005"),
    "QE1": ("1.116", "1.059"), "QK1": ("0.907", "0.952"), "QJM": ("1.042", "1.023"),
    "T03": ("1.048", "1.008"), "T04": ("0.924", "0.974"), "QMF": ("0.936", "0.979"),
    "QHM": ("1.123", "1.068"), "QPM": ("0.959", "0.973"), "QT1": ("1.028", "1.008"),
    "QOC": ("1.045", "0.995"), "QSL": ("1.062", "0.998"), "QKK": ("0.970", "0.976"),
    "QWE": ("0.887", "0.935"), "QF7": ("1.047", "1.027"), "QNC": ("1.041", "1.000"),
    "T07": ("0.965", "0.981"), "T05": ("0.882", "0.931"), "QWO": ("1.011", "1.027"),
}  # fmt: skip


def test_2026_27_icb_indices_match_the_published_table() -> None:
    targets = icb_targets("2026/27")
    assert (len(targets.icbs), targets.practices) == (36, 6281)
    found = {
        icb.icb_ods_code: (str(icb.indices["core"]), str(icb.indices["pmc"]))
        for icb in targets.icbs
    }
    assert found == PUBLISHED_2026_27


@pytest.mark.parametrize("year", ["2023/24", "2024/25", "2026/27"])
def test_shares_sum_to_one_and_weighted_populations_to_england(year: str) -> None:
    targets = icb_targets(year)
    for key in COMPONENTS:
        assert sum(icb.shares[key] for icb in targets.icbs) == 1
        total = sum(icb.weighted[key] for icb in targets.icbs)
        assert abs(total - targets.population) < Decimal("0.001"), key  # SOURCE.md check


@pytest.mark.parametrize("year", ["2023/24", "2024/25", "2026/27"])
def test_the_pmc_blend_is_exactly_85_15(year: str) -> None:
    for p in practice_weighted_populations(year):
        blend = (
            Decimal("0.85") * p.weighted["pmc_need"]
            + Decimal("0.15") * p.weighted["health_inequalities"]
        )
        assert abs(p.weighted["pmc"] - blend) < Decimal("0.00001"), p.practice_code


@pytest.mark.parametrize("year", ["2023/24", "2024/25"])
def test_core_target_shares_are_nhs_englands_targets(year: str) -> None:
    """The allocation year's core target (the published target grown by the ICB's base
    growth) shared across England equals the ICB's core weighted-population share."""
    rows = [r for r in published_rows(year) if r["stream"] == "core"]
    grown = {
        r["icb_ods_code"]: Fraction(r["fair_shares_target_k"]) * (1 + Fraction(r["base_growth"]))
        for r in rows
    }
    england = sum(grown.values())
    targets = icb_targets(year).by_code()
    for code, target in grown.items():
        assert abs(target / england / targets[code].shares["core"] - 1) < Fraction(1, 10**9), code
