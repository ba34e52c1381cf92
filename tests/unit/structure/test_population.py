"""Registered and resident population, and residents-weighted deprivation, by hand."""

from __future__ import annotations

import pytest

from integrated_care.structure.organisations import Practice
from integrated_care.structure.population import (
    CORE20_DECILES,
    Deprivation,
    deprivation,
    registered_population,
    resident_population,
)
from integrated_care.structure.system import AreaUnit

ICB = "E54000060"
AREA = {
    # code: LAD, ICB, residents, IMD decile, IMD score
    "L1": AreaUnit("L1", "E06000018", ICB, 1_000, 1, 40.0),
    "L2": AreaUnit("L2", "E06000018", ICB, 3_000, 6, 10.0),
    "L3": AreaUnit("L3", "E07000176", ICB, 2_000, 2, 25.0),
    "EMPTY": AreaUnit("EMPTY", "E07000176", ICB, 0, 3, 30.0),
}


def test_core20_is_the_two_most_deprived_deciles() -> None:
    assert frozenset({1, 2}) == CORE20_DECILES


def test_the_deprivation_score_is_the_residents_weighted_mean_of_lsoa_scores() -> None:
    # (1000 * 40 + 3000 * 10) / 4000 = 70000 / 4000 = 17.5
    # Core20: 1000 of 4000 residents live in decile 1 = 0.25
    assert deprivation(["L1", "L2"], AREA) == Deprivation(17.5, 0.25, 2)


def test_the_weighted_mean_of_three_lsoas_is_rounded_to_two_places() -> None:
    # (1000 * 40 + 3000 * 10 + 2000 * 25) / 6000 = 120000 / 6000 = 20.0
    # Core20: deciles 1 and 2 hold 1000 + 2000 = 3000 of 6000 = 0.5
    assert deprivation(["L1", "L2", "L3"], AREA) == Deprivation(20.0, 0.5, 3)


def test_a_weighted_mean_with_a_recurring_decimal_is_rounded() -> None:
    area = {
        "A": AreaUnit("A", "X", ICB, 1, 2, 10.0),
        "B": AreaUnit("B", "X", ICB, 2, 9, 20.0),
    }
    # (1 * 10 + 2 * 20) / 3 = 16.666... -> 16.67; Core20 1/3 -> 0.3333
    assert deprivation(["A", "B"], area) == Deprivation(16.67, 0.3333, 2)


def test_an_lsoa_named_twice_is_counted_once() -> None:
    assert deprivation(["L1", "L1", "L2"], AREA) == Deprivation(17.5, 0.25, 2)


def test_lsoas_without_area_facts_are_left_out() -> None:
    assert deprivation(["L1", "L2", "E01999999"], AREA) == Deprivation(17.5, 0.25, 2)


def test_an_lsoa_with_no_residents_adds_nothing_to_the_weighted_mean() -> None:
    assert deprivation(["L1", "L2", "EMPTY"], AREA) == Deprivation(17.5, 0.25, 3)


@pytest.mark.parametrize("lsoas", [[], ["E01999999"], ["EMPTY"]], ids=["none", "unknown", "empty"])
def test_there_is_no_deprivation_summary_without_residents(lsoas: list[str]) -> None:
    assert deprivation(lsoas, AREA) is None


def test_resident_population_adds_the_census_residents_of_known_lsoas() -> None:
    assert resident_population(["L1", "L3", "E01999999"], AREA) == 3_000


def test_registered_population_adds_the_practice_lists() -> None:
    practices = [
        Practice("C84001", "A", "U78528", "52R", 12_345),
        Practice("C84002", "B", None, "52R", 655),
    ]
    assert registered_population(practices) == 13_000
    assert registered_population([]) == 0


def test_a_practice_list_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="C84001"):
        Practice("C84001", "A", None, "52R", -1)


def test_a_deprivation_summary_describes_itself_in_words() -> None:
    assert Deprivation(17.5, 0.25, 2).describe() == (
        "IMD score 17.5; 25% of residents in the most deprived 20%"
    )
