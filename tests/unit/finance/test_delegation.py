"""Place need indices and place budgets. Expected indices are computed here from the
definition, (place WP / place list) / (ICB WP / ICB list), on hand-made practices and on
NHS England's published 2026/27 practice file read raw from the shared data folder."""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrated_care.errors import InvalidInput
from integrated_care.finance.delegation import (
    PlaceMembers,
    choose_weights_year,
    place_need,
    split_budget,
)
from integrated_care.reference.weighted_population import (
    COMPONENTS,
    PracticeWeightedPopulation,
    practice_weighted_populations,
)

SHARED = Path("/work/shared/data/allocations")


def _practice(code: str, pop: str, core: str, icb: str = "QX1") -> PracticeWeightedPopulation:
    weighted = dict.fromkeys(COMPONENTS, Decimal(pop))
    weighted["core"] = Decimal(core)
    return PracticeWeightedPopulation("2026/27", code, icb, "E0", Decimal(pop), weighted)


# An ICB of three practices: P1 needs more per head than the ICB (1500 WP / 1000 people).
ICB = [
    _practice("P1", "1000", "1500"),
    _practice("P2", "2000", "1800"),
    _practice("P3", "1000", "700"),
]


def _index(wp: Fraction, pop: Fraction, icb_wp: Fraction, icb_pop: Fraction) -> Decimal:
    exact = (wp / pop) / (icb_wp / icb_pop)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def test_need_index_by_the_definition_on_hand_made_practices() -> None:
    places = [
        PlaceMembers("north", "North", frozenset({"P1"})),
        PlaceMembers("south", "South", frozenset({"P2", "P3"})),
    ]
    report = place_need(places, ICB, ICB, weights_year="2026/27", icb="QX1")
    north, south = report.places
    # ICB: 4000 WP over 4000 people. North 1500/1000 = 1.5; South 2500/3000 = 0.8333...
    assert north.indices["core"] == Decimal("1.500")
    assert south.indices["core"] == Decimal("0.833")
    assert north.shares["core"] == Fraction(1500, 4000)
    assert south.weighted["core"] == Decimal("2500")
    assert (report.unplaced, report.missing, report.in_several_places) == ((), {}, ())


def test_missing_unplaced_and_doubly_placed_practices_are_reported() -> None:
    places = [
        PlaceMembers("north", "North", frozenset({"P1", "GONE1"})),
        PlaceMembers("south", "South", frozenset({"P1", "P2"})),
    ]
    report = place_need(places, ICB, ICB, weights_year="2026/27", icb="QX1")
    assert report.missing == {"north": ("GONE1",)}
    assert report.unplaced == ("P3",)
    assert report.in_several_places == ("P1",)


def test_a_practice_filed_under_another_icb_counts_and_is_reported() -> None:
    elsewhere = _practice("Z9", "500", "500", icb="QY2")
    places = [PlaceMembers("north", "North", frozenset({"P1", "Z9"}))]
    report = place_need(places, ICB, [*ICB, elsewhere], weights_year="2026/27", icb="QX1")
    assert report.other_icb == {"Z9": "QY2"}
    assert report.places[0].practices == 2


def test_a_place_with_no_practice_in_the_weights_is_refused() -> None:
    places = [PlaceMembers("ghost", "Ghost", frozenset({"GONE1"}))]
    with pytest.raises(InvalidInput) as error:
        place_need(places, ICB, ICB, weights_year="2026/27", icb="QX1")
    assert error.value.input_name == "weights_year"


@cache
def _raw_2026_27_qt1() -> tuple[dict[str, str], ...]:
    with (SHARED / "practice_wp_2026_27.csv").open(encoding="utf-8-sig", newline="") as handle:
        return tuple(r for r in csv.DictReader(handle) if r["ICB"] == "QT1")


@pytest.mark.parametrize(
    ("lad", "column", "component"),
    [
        ("E06000018", "Core WP", "core"),  # Nottingham
        ("E06000018", "Health Ineq WP", "health_inequalities"),
        ("E07000171", "Core WP", "core"),  # Bassetlaw
        ("E07000171", "Final PMC WP", "pmc"),
        ("E07000174", "MH WP", "mental_health"),  # Mansfield
    ],
)
def test_place_indices_match_nhs_englands_published_practice_file(
    lad: str, column: str, component: str
) -> None:
    raw = _raw_2026_27_qt1()
    members = [r for r in raw if r["LAD"] == lad]

    def total(rows: list[dict[str, str]] | tuple[dict[str, str], ...], key: str) -> Fraction:
        return sum((Fraction(r[key]) for r in rows), Fraction(0))

    expected = _index(
        total(members, column),
        total(members, "Registered Patients"),
        total(raw, column),
        total(raw, "Registered Patients"),
    )
    rows = practice_weighted_populations("2026/27", "QT1")
    place = PlaceMembers(lad, lad, frozenset(r["Practice_Code"] for r in members))
    report = place_need([place], rows, rows, weights_year="2026/27", icb="QT1")
    assert report.places[0].indices[component] == expected
    assert report.icb_practices == len(raw)


def test_the_weights_year_is_the_best_covering_and_then_the_latest() -> None:
    practices = {"A", "B", "C"}
    available = {"2023/24": {"A", "B", "C"}, "2024/25": {"A", "B", "C"}, "2026/27": {"A", "B"}}
    assert choose_weights_year(practices, available) == "2024/25"
    available["2026/27"] = {"A", "B", "C", "D"}
    assert choose_weights_year(practices, available) == "2026/27"
    with pytest.raises(InvalidInput):
        choose_weights_year(practices, {})


def _report() -> object:
    places = [
        PlaceMembers("a", "A", frozenset({"P1"})),
        PlaceMembers("b", "B", frozenset({"P2"})),
        PlaceMembers("c", "C", frozenset({"P3"})),
    ]
    equal = [_practice(c, "1000", "1000") for c in ("P1", "P2", "P3")]
    return place_need(places, equal, equal, weights_year="2026/27", icb="QX1")


def test_budgets_split_by_weighted_population_with_ties_to_the_first_code() -> None:
    report = _report()
    assert split_budget(100, report, "core") == {"a": 34, "b": 33, "c": 33}  # type: ignore[arg-type]
    assert split_budget(100, report, "core", ["c", "b"]) == {"b": 50, "c": 50}  # type: ignore[arg-type]


def test_budgets_split_in_proportion() -> None:
    report = place_need(
        [
            PlaceMembers("north", "North", frozenset({"P1"})),
            PlaceMembers("south", "South", frozenset({"P2", "P3"})),
        ],
        ICB,
        ICB,
        weights_year="2026/27",
        icb="QX1",
    )
    # core WP 1500 : 2500 of £1,000.00 -> £375.00 : £625.00
    assert split_budget(100_000, report, "core") == {"north": 37_500, "south": 62_500}


def test_unknown_component_or_place_is_refused() -> None:
    report = _report()
    with pytest.raises(InvalidInput) as error:
        split_budget(100, report, "dentistry")  # type: ignore[arg-type]
    assert error.value.input_name == "component"
    with pytest.raises(InvalidInput) as error2:
        split_budget(100, report, "core", ["zz"])  # type: ignore[arg-type]
    assert error2.value.input_name == "places"


@given(
    st.integers(min_value=0, max_value=10**13),
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8),
)
def test_place_budgets_always_sum_to_the_delegated_amount(total: int, wps: list[int]) -> None:
    practices = [_practice(f"P{i}", "1000", str(w)) for i, w in enumerate(wps)]
    places = [
        PlaceMembers(f"place-{i:02d}", "x", frozenset({p.practice_code}))
        for i, p in enumerate(practices)
    ]
    report = place_need(places, practices, practices, weights_year="2026/27", icb="QX1")
    parts = split_budget(total, report, "core")
    assert sum(parts.values()) == total
    for i, w in enumerate(wps):
        exact = Fraction(total * w, sum(wps))
        assert abs(parts[f"place-{i:02d}"] - exact) < 1
