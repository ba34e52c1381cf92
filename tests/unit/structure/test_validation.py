"""The validation report on a tiny system around North Hertfordshire (see conftest.py).

Practices: P1 10,000 and P2 5,000 (PCN U1), P3 7,000 and P5 1,000 (PCN U2), P4 3,000 (no
PCN). LSOAs: H1 1,500 and H2 1,600 (North Hertfordshire, in the ICB), C1 1,700 (North
Hertfordshire, in Cambridgeshire and Peterborough ICB), S1 1,800 (Stevenage).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from integrated_care.structure.dates import Period
from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.system import SystemModel
from integrated_care.structure.validation import (
    Finding,
    PlacePopulation,
    Severity,
    validate,
)

AS_OF = date(2024, 1, 1)
NORTH_HERTS = "E07000099"
HWE_NAME = "NHS Hertfordshire and West Essex Integrated Care Board"
CAP_NAME = "NHS Cambridgeshire and Peterborough Integrated Care Board"

MakeModel = Callable[..., SystemModel]
MakePlace = Callable[..., PlaceVersion]


def findings(model: SystemModel, check: str) -> list[Finding]:
    return [f for f in validate(model, AS_OF).findings if f.check == check]


def test_the_published_split_table_has_thirteen_districts_split_between_icbs(
    split_table: dict[str, list[dict[str, str]]],
) -> None:
    split = sorted(code for code, rows in split_table.items() if len(rows) > 1)
    assert len(split) == 13
    assert NORTH_HERTS in split


def test_a_practice_in_no_place_is_a_warning_naming_it(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(make_place("north-herts", {"P1", "P2", "P3", "P5"}))
    [finding] = findings(model, "practice_in_no_place")
    assert finding == Finding(
        Severity.WARNING,
        "practice_in_no_place",
        "P4",
        "Letchworth Practice (P4) is in no place.",
    )
    assert validate(model, AS_OF).ok


def test_every_practice_is_in_no_place_before_any_place_starts(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}))
    report = validate(model, date(2020, 1, 1))
    assert {f.subject for f in report.findings if f.check == "practice_in_no_place"} == {
        "P1",
        "P2",
        "P3",
        "P4",
        "P5",
    }
    assert report.places == ()


def test_a_practice_in_two_places_is_an_error_naming_both_places(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P3", "P4"}),
        make_place("stevenage", {"P2", "P3", "P5"}),
    )
    [finding] = findings(model, "practice_in_two_places")
    assert finding.severity is Severity.ERROR
    assert finding.subject == "P3"
    assert finding.message == "Hitchin Road (P3) is in 2 places: North Herts, Stevenage."
    report = validate(model, AS_OF)
    assert not report.ok
    assert report.count(Severity.ERROR) == 1


def test_places_that_follow_each_other_do_not_put_a_practice_in_two_places(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    old = make_place("herts", {"P1", "P2", "P3", "P4", "P5"})
    old = PlaceVersion(old.code, old.name, Period(old.period.start, AS_OF), old.practices)
    new = make_place("herts-new", {"P1", "P2", "P3", "P4", "P5"}, start=AS_OF)
    assert findings(make_model(old, new), "practice_in_two_places") == []


def test_a_district_split_between_icbs_is_noted_with_each_icbs_residents(
    make_model: MakeModel,
    make_place: MakePlace,
    split_table: dict[str, list[dict[str, str]]],
) -> None:
    rows = {r["icb24_name"]: int(r["pop_census2021"]) for r in split_table[NORTH_HERTS]}
    model = make_model(make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}))
    [finding] = findings(model, "lad_split_between_icbs")
    assert finding.severity is Severity.INFO
    assert finding.subject == NORTH_HERTS
    assert finding.message == (
        f"North Hertfordshire is split between ICBs ({HWE_NAME}: {rows[HWE_NAME]:,}, "
        f"{CAP_NAME}: {rows[CAP_NAME]:,} residents)."
    )


def test_a_district_wholly_in_the_icb_is_not_noted(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}))
    assert [f.subject for f in findings(model, "lad_split_between_icbs")] == [NORTH_HERTS]


def test_a_place_covering_a_split_district_crosses_the_icb_boundary(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}, lads=frozenset({NORTH_HERTS}))
    )
    [finding] = findings(model, "place_crosses_icb_boundary")
    assert finding.severity is Severity.WARNING
    assert finding.subject == "north-herts"
    # Only C1 (1,700 residents) lies outside the ICB.
    assert finding.message == f"North Herts covers 1 LSOAs (1,700 residents) outside {HWE_NAME}."


def test_a_place_made_of_the_icbs_own_lsoas_does_not_cross_the_boundary(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}, lsoas=frozenset({"H1", "H2"}))
    )
    assert findings(model, "place_crosses_icb_boundary") == []


def test_a_pcn_with_practices_in_two_places_is_a_warning_naming_the_places(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P3", "P4", "P5"}),
        make_place("stevenage", {"P2"}),
    )
    [finding] = findings(model, "pcn_split_across_places")
    assert finding == Finding(
        Severity.WARNING,
        "pcn_split_across_places",
        "U1",
        "North Herts PCN has practices in 2 places: North Herts, Stevenage.",
    )


def test_a_pcn_wholly_in_one_place_is_not_reported(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P2", "P4"}),
        make_place("stevenage", {"P3", "P5"}),
    )
    assert findings(model, "pcn_split_across_places") == []


def test_default_assignments_marked_for_review_are_listed_and_others_are_not(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    basis = (
        ("P1", "sub-ICB location lies within Hertfordshire"),
        ("P2", "the name 'North Herts PCN' names North Hertfordshire (review)"),
    )
    model = make_model(make_place("north-herts", {"P1", "P2", "P3", "P4", "P5"}, basis=basis))
    [finding] = findings(model, "default_assignment_to_review")
    assert finding.subject == "P2"
    assert finding.message == (
        "Stevenage Health (P2) was put in North Herts by default: the name 'North Herts PCN' "
        "names North Hertfordshire (review)."
    )


def test_registered_and_resident_population_are_reported_side_by_side_per_place(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P3"}, lads=frozenset({NORTH_HERTS})),
        make_place("stevenage", {"P2", "P4", "P5"}, lsoas=frozenset({"S1"})),
        make_place("practices-only", {"P3"}),
    )
    report = validate(model, AS_OF)
    by_code = {p.code: p for p in report.places}
    # North Herts: P1 + P3 = 17,000 registered; H1 + H2 + C1 = 4,800 residents.
    assert by_code["north-herts"] == PlacePopulation("north-herts", "North Herts", 2, 17_000, 4_800)
    assert by_code["north-herts"].ratio == round(17_000 / 4_800, 3)
    # Stevenage: P2 + P4 + P5 = 9,000 registered; S1 = 1,800 residents.
    assert by_code["stevenage"] == PlacePopulation("stevenage", "Stevenage", 3, 9_000, 1_800)
    assert by_code["stevenage"].ratio == 5.0
    # A place with no area has no resident population and no ratio.
    assert by_code["practices-only"].resident is None
    assert by_code["practices-only"].ratio is None


def test_the_report_as_a_dictionary_carries_every_finding_and_place(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    model = make_model(
        make_place("north-herts", {"P1", "P3"}, lads=frozenset({NORTH_HERTS})),
        make_place("stevenage", {"P2", "P3"}),
    )
    data = validate(model, AS_OF).to_dict()
    assert data["as_of"] == "2024-01-01"
    assert data["ok"] is False
    checks = sorted(f["check"] for f in data["findings"])
    assert checks == [
        "lad_split_between_icbs",
        "pcn_split_across_places",  # U1: P1 and P2
        "pcn_split_across_places",  # U2: P3 is in both places
        "place_crosses_icb_boundary",
        "practice_in_no_place",  # P4
        "practice_in_no_place",  # P5
        "practice_in_two_places",  # P3
    ]
    assert {p["code"]: p["registered_population"] for p in data["places"]} == {
        "north-herts": 17_000,
        "stevenage": 12_000,
    }
    assert set(data["places"][0]) == {
        "code",
        "name",
        "practices",
        "registered_population",
        "resident_population",
        "registered_per_resident",
    }


@pytest.mark.parametrize("severity", list(Severity))
def test_counting_findings_by_severity_adds_up_to_all_findings(
    make_model: MakeModel, make_place: MakePlace, severity: Severity
) -> None:
    model = make_model(make_place("north-herts", {"P1", "P3"}, lads=frozenset({NORTH_HERTS})))
    report = validate(model, AS_OF)
    assert sum(report.count(s) for s in Severity) == len(report.findings)
    assert report.count(severity) == sum(1 for f in report.findings if f.severity is severity)
