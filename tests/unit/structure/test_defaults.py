"""Default places: one per upper-tier authority, every practice in exactly one, rules recorded.

The rules (from ``structure/defaults.py``), applied to a whole PCN at a time:
1. the sub-ICB location lies (95% or more of its residents) in one authority;
2. the PCN's name (or, outside a PCN, the practice's) names exactly one candidate authority
   or one of its districts, as a whole word (to review);
3. otherwise the authority holding most of the sub-ICB location's residents (to review).

The made-up system below: sub-ICB 02Q lies wholly in Nottinghamshire; 52R holds 700
Nottinghamshire and 300 Nottingham residents (70% / 30%).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from integrated_care.structure.dates import Period
from integrated_care.structure.defaults import UpperTierArea, default_places
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.places import PlaceVersion

COUNTY = "E10000024"
CITY = "E06000018"
DERBYSHIRE = "E10000007"
EMPTY = "E10000099"
EFFECTIVE = date(2022, 7, 1)

AREAS = [
    UpperTierArea(COUNTY, "Nottinghamshire", frozenset({"N1", "N2"}), ("Broxtowe", "Rushcliffe")),
    UpperTierArea(CITY, "Nottingham", frozenset({"C1"}), ("Nottingham",)),
    UpperTierArea(DERBYSHIRE, "Derbyshire", frozenset({"D1"}), ("Erewash",)),
    UpperTierArea(EMPTY, "Nowhere", frozenset(), ()),
]
SUB_ICB_RESIDENTS = {
    "02Q": {COUNTY: 1_000},
    "52R": {COUNTY: 700, CITY: 300},
}

PCN_NAMES = {
    "U1": "BASSETLAW PCN",  # 02Q: rule 1
    "U2": "RUSHCLIFFE PCN",  # 52R: names a district of the county (rule 2)
    "U3": "NOTTINGHAM CITY EAST PCN",  # 52R: names the city (rule 2)
    "U4": "ASPIRE PCN",  # 52R: names nothing (rule 3)
    "U5": "NOTTINGHAM AND RUSHCLIFFE PCN",  # 52R: names both (rule 3)
    "U6": "MIXED PCN",  # mostly 52R by patients: rule 3, not rule 1
    "U8": "NOTTINGHAMSHIRE WEST PCN",  # 'Nottingham' is not a whole word here
}
PRACTICES = [
    Practice("Q1", "RETFORD SURGERY", "U1", "02Q", 6_000),
    Practice("Q2", "WORKSOP SURGERY", "U1", "02Q", 4_000),
    Practice("R1", "EAST LEAKE", "U2", "52R", 9_000),
    Practice("N1", "SNEINTON", "U3", "52R", 7_000),
    Practice("N2", "ST ANNS", "U3", "52R", 5_000),
    Practice("X1", "BULWELL", "U4", "52R", 3_000),
    Practice("A1", "WEST BRIDGFORD", "U5", "52R", 2_000),
    Practice("M1", "HUCKNALL", "U6", "52R", 8_000),
    Practice("M2", "OLLERTON", "U6", "02Q", 5_000),
    Practice("W1", "KIMBERLEY", "U8", "52R", 1_500),
    Practice("Z1", "ERDINGTON MEDICAL", None, "52R", 1_000),
    Practice("Z2", "THE NOTTINGHAM PRACTICE", None, "52R", 500),
]


def build(practices: list[Practice] = PRACTICES) -> dict[str, PlaceVersion]:
    places = default_places(
        areas=AREAS,
        practices={p.code: p for p in practices},
        pcns={c: Organisation(c, n, OrgKind.PCN, c) for c, n in PCN_NAMES.items()},
        sub_icb_residents=SUB_ICB_RESIDENTS,
        effective=EFFECTIVE,
    )
    return {p.code: p for p in places}


def home(places: dict[str, PlaceVersion], practice: str) -> str:
    [code] = [c for c, p in places.items() if practice in p.practices]
    return code


def basis(places: dict[str, PlaceVersion], practice: str) -> str:
    return places[home(places, practice)].basis_by_practice[practice]


def test_there_is_one_place_per_upper_tier_authority_with_area_or_practices() -> None:
    places = build()
    assert set(places) == {COUNTY, CITY, DERBYSHIRE}
    assert places[COUNTY].name == "Nottinghamshire"
    assert places[CITY].name == "Nottingham"


def test_each_default_place_covers_the_icbs_lsoas_in_its_authority() -> None:
    places = build()
    assert places[COUNTY].lsoas == frozenset({"N1", "N2"})
    assert places[CITY].lsoas == frozenset({"C1"})
    assert places[DERBYSHIRE].lsoas == frozenset({"D1"})
    assert places[DERBYSHIRE].practices == frozenset()


def test_default_places_start_on_the_date_given_and_stay_open() -> None:
    assert {p.period for p in build().values()} == {Period(EFFECTIVE)}


def test_every_practice_is_in_exactly_one_default_place() -> None:
    counts = Counter(c for p in build().values() for c in p.practices)
    assert counts == Counter({p.code: 1 for p in PRACTICES})


def test_every_practice_has_the_rule_that_placed_it_recorded() -> None:
    for place in build().values():
        assert set(place.basis_by_practice) == set(place.practices)


def test_rule_1_a_sub_icb_location_within_one_authority_places_its_pcns_there() -> None:
    places = build()
    assert home(places, "Q1") == home(places, "Q2") == COUNTY
    assert basis(places, "Q1") == "sub-ICB location lies within Nottinghamshire"


def test_rule_2_a_pcn_name_naming_a_district_places_it_in_that_districts_authority() -> None:
    places = build()
    assert home(places, "R1") == COUNTY
    assert basis(places, "R1") == "the name 'RUSHCLIFFE PCN' names Nottinghamshire (review)"


def test_rule_2_a_pcn_name_naming_an_authority_places_the_whole_pcn_there() -> None:
    places = build()
    assert home(places, "N1") == home(places, "N2") == CITY
    assert basis(places, "N1") == "the name 'NOTTINGHAM CITY EAST PCN' names Nottingham (review)"


def test_rule_2_only_matches_whole_words() -> None:
    places = build()
    # "NOTTINGHAMSHIRE WEST" does not name Nottingham, nor (as a whole word) anything else
    # than Nottinghamshire, which is a candidate: rule 2 places it in the county.
    assert home(places, "W1") == COUNTY
    assert "names Nottinghamshire (review)" in basis(places, "W1")


def test_rule_2_uses_the_practice_name_outside_a_pcn() -> None:
    places = build()
    assert home(places, "Z2") == CITY
    assert basis(places, "Z2") == "the name 'THE NOTTINGHAM PRACTICE' names Nottingham (review)"


def test_rule_3_a_pcn_named_after_nothing_goes_to_the_authority_with_most_residents() -> None:
    places = build()
    assert home(places, "X1") == COUNTY
    assert basis(places, "X1") == (
        "Nottinghamshire holds 70% of the sub-ICB location's residents (review)"
    )
    assert home(places, "Z1") == COUNTY


def test_rule_3_also_decides_a_pcn_whose_name_names_two_authorities() -> None:
    places = build()
    assert home(places, "A1") == COUNTY
    assert basis(places, "A1").startswith("Nottinghamshire holds 70%")


def test_a_pcns_sub_icb_location_is_the_one_holding_most_of_its_patients() -> None:
    places = build()
    # M1 (8,000, 52R) outweighs M2 (5,000, 02Q): the PCN is read as 52R, so rule 1 (which
    # 02Q would meet) does not apply and both practices follow rule 3 together.
    assert home(places, "M1") == home(places, "M2") == COUNTY
    assert basis(places, "M2").startswith("Nottinghamshire holds 70%")


def test_only_rules_2_and_3_are_marked_for_review() -> None:
    places = build()
    reviewed = {c for p in places.values() for c, b in p.basis if "(review)" in b}
    assert reviewed == {c.code for c in PRACTICES} - {"Q1", "Q2"}


def test_a_practice_whose_sub_icb_location_lies_outside_the_icb_still_gets_one_place() -> None:
    # NHS England assigns a few practices to an ICB other than their sub-ICB location's
    # parent (29 in December 2025); they belong to the ICB, so they need a place too.
    outsider = Practice("O1", "LARWOOD SURGERY", None, "99X", 3_700)
    places = build([*PRACTICES, outsider])
    assert home(places, "O1") == COUNTY
    assert "(review)" in basis(places, "O1")
    assert "99X" in basis(places, "O1")


@pytest.mark.parametrize("practices", [[], PRACTICES[:1]], ids=["none", "one"])
def test_an_authority_with_area_keeps_its_place_even_without_practices(
    practices: list[Practice],
) -> None:
    assert CITY in build(practices)
