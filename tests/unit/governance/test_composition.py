"""Composition rules per body kind: statute, NHS England policy and local rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.governance.composition import (
    Source,
    parse_local_rule,
    parse_local_rules,
    rules_for,
    validate_composition,
)
from integrated_care.governance.composition_rule import local_rule_to_data
from integrated_care.governance.model import (
    COUNCILLOR,
    DIRECTOR_OF_ADULT_SOCIAL_SERVICES,
    DIRECTOR_OF_CHILDRENS_SERVICES,
    DIRECTOR_OF_PUBLIC_HEALTH,
    FINANCE_DIRECTOR,
    HEALTHWATCH,
    LOCAL_AUTHORITY,
    MEDICAL_DIRECTOR,
    MENTAL_HEALTH_EXPERTISE,
    NHS,
    NURSING_DIRECTOR,
    BodyKind,
    Seat,
    SeatType,
)
from integrated_care.structure.dates import Period

DAY = date(2025, 4, 1)
ICB = "QT1"
CITY = "E06000018"
COUNTY = "E10000024"
SINCE_2022 = Period(date(2022, 7, 1))
NAMES = {CITY: "Nottingham City Council", COUNTY: "Nottinghamshire County Council"}


def seat(
    seat_id: str,
    seat_type: SeatType,
    *classes: str,
    org: str | None = ICB,
    nominated_by: str | None = None,
    term: Period = SINCE_2022,
) -> Seat:
    voting = seat_type not in (SeatType.PARTICIPANT, SeatType.OBSERVER)
    return Seat(
        seat_id,
        "board",
        seat_type,
        seat_id.replace("-", " "),
        f"Holder of {seat_id}",
        org,
        frozenset(classes),
        voting=voting,
        nominated_by=nominated_by,
        term=term,
    )


def icb_board() -> list[Seat]:
    """A board meeting every statutory and NHS England minimum, with a place member too."""
    return [
        seat("chair", SeatType.CHAIR, NHS),
        seat("chief-executive", SeatType.CHIEF_EXECUTIVE, NHS),
        seat("finance", SeatType.EXECUTIVE_DIRECTOR, NHS, FINANCE_DIRECTOR),
        seat("medical", SeatType.EXECUTIVE_DIRECTOR, NHS, MEDICAL_DIRECTOR),
        seat("nursing", SeatType.EXECUTIVE_DIRECTOR, NHS, NURSING_DIRECTOR),
        seat("nem-1", SeatType.NON_EXECUTIVE, NHS, MENTAL_HEALTH_EXPERTISE),
        seat("nem-2", SeatType.NON_EXECUTIVE, NHS),
        seat("trusts", SeatType.PARTNER_NHS_TRUST, NHS, org="RX1"),
        seat("primary", SeatType.PARTNER_PRIMARY_MEDICAL, NHS, org="C84001"),
        seat("city", SeatType.PARTNER_LOCAL_AUTHORITY, LOCAL_AUTHORITY, COUNCILLOR, org=CITY),
        seat("observer", SeatType.OBSERVER, org="HW1"),
    ]


def without(seats: list[Seat], *ids: str) -> list[Seat]:
    return [s for s in seats if s.seat_id not in ids]


def test_a_complete_icb_board_meets_every_rule() -> None:
    assert validate_composition(BodyKind.ICB_BOARD, icb_board(), DAY) == []


def test_too_few_non_executives_is_reported_with_its_source() -> None:
    (unmet,) = validate_composition(BodyKind.ICB_BOARD, without(icb_board(), "nem-2"), DAY)
    assert unmet.rule_id == "icb-non-executives"
    assert unmet.source is Source.POLICY
    assert unmet.found == 1
    assert (
        unmet.message == "ICB board needs at least 2 non-executive members; it has 1 on 2025-04-01"
    )


def test_statutory_minimum_of_the_board() -> None:
    seats = [
        seat("chair", SeatType.CHAIR),
        seat("chief-executive", SeatType.CHIEF_EXECUTIVE),
        seat("nem-1", SeatType.NON_EXECUTIVE),
        seat("nem-2", SeatType.NON_EXECUTIVE),
    ]
    statute = [
        u
        for u in validate_composition(BodyKind.ICB_BOARD, seats, DAY)
        if u.source is Source.STATUTE
    ]
    assert [u.message for u in statute] == [
        "ICB board needs at least 3 ordinary members (besides the chair and chief executive); "
        "it has 2 on 2025-04-01"
    ]
    assert statute[0].citation == "NHS Act 2006 Schedule 1B paragraph 3"


def test_exactly_one_chair_and_only_seats_held_on_the_day_count() -> None:
    seats = [*icb_board(), seat("second-chair", SeatType.CHAIR)]
    (unmet,) = validate_composition(BodyKind.ICB_BOARD, seats, DAY)
    assert unmet.message == "ICB board needs exactly one chair; it has 2 on 2025-04-01"
    ended = replace(seats[-1], term=Period(date(2022, 7, 1), date(2025, 3, 31)))
    assert validate_composition(BodyKind.ICB_BOARD, [*icb_board(), ended], DAY) == []
    not_yet = [
        s if s.seat_id != "chair" else replace(s, term=Period(date(2025, 4, 2)))
        for s in icb_board()
    ]
    (missing,) = validate_composition(BodyKind.ICB_BOARD, not_yet, DAY)
    assert missing.message == "ICB board needs exactly one chair; it has none on 2025-04-01"


def test_each_partner_sector_and_three_partners() -> None:
    seats = without(icb_board(), "primary")
    unmet = validate_composition(BodyKind.ICB_BOARD, seats, DAY)
    assert [u.message for u in unmet] == [
        "ICB board needs at least 3 partner members; it has 2 on 2025-04-01",
        "ICB board needs at least one partner member nominated by providers of primary medical "
        "services; it has none on 2025-04-01",
    ]


def test_participants_and_observers_never_count_towards_minima() -> None:
    seats = [
        *without(icb_board(), "medical"),
        seat("medical-observer", SeatType.OBSERVER, MEDICAL_DIRECTOR),
    ]
    (unmet,) = validate_composition(BodyKind.ICB_BOARD, seats, DAY)
    assert unmet.rule_id == "icb-medical-director"


LOCAL_COUNCILLOR = {
    "id": "councillor-on-board",
    "noun": "councillor",
    "classes_any": ["councillor"],
    "min": 2,
    "citation": "ICS agreement with Nottingham City Council, April 2019",
}


def test_a_local_rule_is_checked_and_attributed_to_local_source() -> None:
    rule = parse_local_rule(LOCAL_COUNCILLOR)
    (unmet,) = validate_composition(BodyKind.ICB_BOARD, icb_board(), DAY, local_rules=[rule])
    assert unmet.source is Source.LOCAL
    assert unmet.citation == "ICS agreement with Nottingham City Council, April 2019"
    assert unmet.message == "ICB board needs at least 2 councillors; it has 1 on 2025-04-01"
    observer = seat("county-observer", SeatType.OBSERVER, COUNCILLOR, org=COUNTY)
    assert validate_composition(
        BodyKind.ICB_BOARD, [*icb_board(), observer], DAY, local_rules=[rule]
    )
    counting = parse_local_rule({**LOCAL_COUNCILLOR, "include_participants_and_observers": True})
    assert (
        validate_composition(
            BodyKind.ICB_BOARD, [*icb_board(), observer], DAY, local_rules=[counting]
        )
        == []
    )


def test_local_rules_round_trip() -> None:
    data: dict[str, Any] = {
        "id": "x",
        "noun": "place member",
        "plural": "place members",
        "min": 1,
        "max": 4,
        "seat_types": ["place member"],
        "exclude_seat_types": ["observer"],
        "classes_any": ["nhs"],
        "organisation": CITY,
        "appointed_by": CITY,
        "voting_only": True,
    }
    rule = parse_local_rule(data)
    assert local_rule_to_data(rule) == {**data}
    assert parse_local_rule(local_rule_to_data(rule)) == rule


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        ({**LOCAL_COUNCILLOR, "minimum": 1}, "local_rule.minimum", "not a known field"),
        ({k: v for k, v in LOCAL_COUNCILLOR.items() if k != "noun"}, "local_rule.noun", "missing"),
        ({**LOCAL_COUNCILLOR, "min": -1}, "local_rule.min", "whole number"),
        ({**LOCAL_COUNCILLOR, "max": 1}, "local_rule.max", "below min"),
        ({**LOCAL_COUNCILLOR, "seat_types": ["mayor"]}, "local_rule.seat_types", "not a seat type"),
        ({**LOCAL_COUNCILLOR, "classes_any": "councillor"}, "local_rule.classes_any", "not a list"),
        ({**LOCAL_COUNCILLOR, "voting_only": "yes"}, "local_rule.voting_only", "true or false"),
    ],
)
def test_malformed_local_rules_name_the_field(data: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_local_rule(data)
    assert caught.value.input_name == path
    assert words in caught.value.message


def test_several_local_rules_need_unique_ids() -> None:
    assert len(parse_local_rules([LOCAL_COUNCILLOR])) == 1
    with pytest.raises(InvalidInput) as caught:
        parse_local_rules([LOCAL_COUNCILLOR, LOCAL_COUNCILLOR])
    assert caught.value.input_name == "local_rules[1].id"


def icp() -> list[Seat]:
    return [
        seat("icb-chair", SeatType.CHAIR, NHS, org=ICB, nominated_by=ICB),
        seat("city-leader", SeatType.MEMBER, COUNCILLOR, org=CITY),
        seat("county-leader", SeatType.MEMBER, COUNCILLOR, org=COUNTY, nominated_by=COUNTY),
        # Appointed by the partnership itself: counts for nobody's statutory appointment.
        seat("vcse", SeatType.MEMBER, org="VCSE1", nominated_by="ICP"),
    ]


def test_icp_needs_one_member_appointed_by_the_icb_and_by_each_responsible_authority() -> None:
    kw: dict[str, Any] = {
        "responsible_authorities": [CITY, COUNTY],
        "icbs": [ICB],
        "organisation_names": NAMES,
    }
    assert validate_composition(BodyKind.INTEGRATED_CARE_PARTNERSHIP, icp(), DAY, **kw) == []
    unmet = validate_composition(
        BodyKind.INTEGRATED_CARE_PARTNERSHIP,
        without(icp(), "county-leader", "icb-chair"),
        DAY,
        **kw,
    )
    assert [u.message for u in unmet] == [
        "Integrated care partnership needs at least one member appointed by the ICB, QT1; "
        "it has none on 2025-04-01",
        "Integrated care partnership needs at least one member appointed by Nottinghamshire "
        "County Council (E10000024); it has none on 2025-04-01",
    ]
    assert {u.citation for u in unmet} == {
        "Local Government and Public Involvement in Health Act 2007 s.116ZA"
    }


def test_a_county_nominee_from_the_city_counts_for_the_county_only() -> None:
    nominee = seat("nominee", SeatType.MEMBER, org=CITY, nominated_by=COUNTY)
    seats = [*without(icp(), "city-leader", "county-leader"), nominee]
    unmet = validate_composition(
        BodyKind.INTEGRATED_CARE_PARTNERSHIP,
        seats,
        DAY,
        responsible_authorities=[CITY, COUNTY],
        icbs=[ICB],
    )
    assert [u.rule_id for u in unmet] == [f"icp-appointed-by-{CITY}"]


def test_icp_and_hwb_need_their_organisations_as_input() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_composition(BodyKind.INTEGRATED_CARE_PARTNERSHIP, icp(), DAY, icbs=[ICB])
    assert caught.value.input_name == "responsible_authorities"
    with pytest.raises(InvalidInput) as caught:
        rules_for(BodyKind.HEALTH_AND_WELLBEING_BOARD)
    assert caught.value.input_name == "icbs"


def hwb() -> list[Seat]:
    return [
        seat("chair", SeatType.CHAIR, COUNCILLOR, LOCAL_AUTHORITY, org=CITY),
        seat("dass", SeatType.MEMBER, DIRECTOR_OF_ADULT_SOCIAL_SERVICES, org=CITY),
        seat("dcs", SeatType.MEMBER, DIRECTOR_OF_CHILDRENS_SERVICES, org=CITY),
        seat("dph", SeatType.MEMBER, DIRECTOR_OF_PUBLIC_HEALTH, org=CITY),
        seat("healthwatch", SeatType.MEMBER, HEALTHWATCH, org="HWNOTT"),
        seat("icb", SeatType.MEMBER, NHS, org=ICB),
    ]


def test_hwb_statutory_members() -> None:
    assert validate_composition(BodyKind.HEALTH_AND_WELLBEING_BOARD, hwb(), DAY, icbs=[ICB]) == []
    unmet = validate_composition(
        BodyKind.HEALTH_AND_WELLBEING_BOARD, without(hwb(), "dph", "icb"), DAY, icbs=[ICB]
    )
    assert [(u.rule_id, u.source) for u in unmet] == [
        ("hwb-public-health", Source.STATUTE),
        (f"hwb-icb-{ICB}", Source.STATUTE),
    ]
    assert unmet[1].message == (
        "Health and wellbeing board needs at least one representative of QT1; "
        "it has none on 2025-04-01"
    )


def test_other_kinds_have_only_local_rules() -> None:
    assert rules_for(BodyKind.COMMITTEE) == ()
    assert validate_composition(BodyKind.PLACE_PARTNERSHIP_BOARD, [], DAY) == []
    rule = parse_local_rule(LOCAL_COUNCILLOR)
    (unmet,) = validate_composition(BodyKind.PLACE_PARTNERSHIP_BOARD, [], DAY, local_rules=[rule])
    assert (
        unmet.message
        == "Place partnership board needs at least 2 councillors; it has none on 2025-04-01"
    )
