"""From two places to three, with history kept (Nottingham and Nottinghamshire, 2018-19).

Seed: the area first planned two integrated care partnerships, "Greater Nottingham" and
"Mid Nottinghamshire"; in February 2019 it chose three: the City, South Nottinghamshire
and Mid Nottinghamshire. Here the two start on 2018-04-01 and on 2019-04-01 Greater
Nottingham is retired and Nottingham City and South Nottinghamshire begin. Places are
built from PCNs; expected practice counts and lists come from NHS England's practice map.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services.structure import (
    PlaceSpec,
    define_place,
    load_model,
    reconfigure_places,
)
from integrated_care.structure.dates import Period
from integrated_care.structure.system import SystemModel
from integrated_care.structure.tree import UNPLACED_CODE, build_tree
from integrated_care.structure.validation import validate
from integrated_care.workspace import Workspace

Rows = tuple[dict[str, str], ...]

CITY_PCNS = {
    "U78528",  # Aspire
    "U44561",  # Bestwood and Sherwood
    "U63129",  # Bulwell and Top Valley
    "U29053",  # City South
    "U19169",  # Clifton & Meadows
    "U47242",  # Nottingham City East
    "U94342",  # Radford and Mary Potter
    "U55117",  # Raleigh Healthcare
    "U59216",  # Unity (Nottingham)
}
SOUTH_PCNS = {
    "U51200",  # Arnold and Calverton
    "U47851",  # Arrow Health
    "U12949",  # Synergy Health
    "U99463",  # Nottingham West
    "U12563",  # Rushcliffe
    "U06437",  # Byron
}
MID_PCNS = {"U85198", "U53963", "U32323", "U18267", "U90349", "U65095"}

FIRST = date(2018, 4, 1)
CHANGE = date(2019, 4, 1)
BEFORE = date(2019, 3, 31)

GREATER = PlaceSpec(
    "greater-nottingham", "Greater Nottingham", pcns=frozenset(CITY_PCNS | SOUTH_PCNS)
)
MID = PlaceSpec("mid-nottinghamshire", "Mid Nottinghamshire", pcns=frozenset(MID_PCNS))
CITY = PlaceSpec("nottingham-city", "Nottingham City", pcns=frozenset(CITY_PCNS))
SOUTH = PlaceSpec("south-nottinghamshire", "South Nottinghamshire", pcns=frozenset(SOUTH_PCNS))


def published(rows: Rows, pcns: set[str]) -> dict[str, int]:
    """QT1's practices in these PCNs with their registered lists, from the practice map."""
    return {
        r["practice_code"]: int(r["registered_patients"])
        for r in rows
        if r["icb_ods_code"] == "QT1" and r["pcn_code"] in pcns
    }


@pytest.fixture
def notts(system: Callable[..., Workspace]) -> Workspace:
    ws = system("QT1", default_places=False)
    with ws.uow() as uow:
        define_place(uow, "QT1", GREATER, FIRST, actor=LOCAL_OPERATOR)
        define_place(uow, "QT1", MID, FIRST, actor=LOCAL_OPERATOR)
        uow.commit()
    with ws.uow() as uow:
        reconfigure_places(
            uow, "QT1", CHANGE, ["greater-nottingham"], [CITY, SOUTH], actor=LOCAL_OPERATOR
        )
        uow.commit()
    return ws


@pytest.fixture
def model(notts: Workspace) -> SystemModel:
    with notts.uow() as uow:
        return load_model(uow, "QT1")


def test_the_pcns_of_the_story_are_all_qt1_pcns_in_the_practice_map(practices_csv: Rows) -> None:
    qt1 = {r["pcn_code"] for r in practices_csv if r["icb_ods_code"] == "QT1"}
    assert qt1 >= CITY_PCNS | SOUTH_PCNS | MID_PCNS
    assert len(CITY_PCNS | SOUTH_PCNS | MID_PCNS) == 9 + 6 + 6


def test_before_the_change_there_are_two_places(model: SystemModel) -> None:
    assert [p.name for p in model.places_on(BEFORE)] == [
        "Greater Nottingham",
        "Mid Nottinghamshire",
    ]


def test_from_the_change_there_are_three_places(model: SystemModel) -> None:
    assert [p.name for p in model.places_on(CHANGE)] == [
        "Mid Nottinghamshire",
        "Nottingham City",
        "South Nottinghamshire",
    ]


def test_there_were_no_places_before_the_first_configuration(model: SystemModel) -> None:
    assert model.places_on(date(2018, 3, 31)) == []


def test_the_retired_version_ends_on_the_change_date_and_every_version_is_kept(
    model: SystemModel,
) -> None:
    assert sorted((p.code, p.period) for p in model.places) == [
        ("greater-nottingham", Period(FIRST, CHANGE)),
        ("mid-nottinghamshire", Period(FIRST)),
        ("nottingham-city", Period(CHANGE)),
        ("south-nottinghamshire", Period(CHANGE)),
    ]


def test_each_place_holds_exactly_the_practices_of_its_pcns(
    model: SystemModel, practices_csv: Rows
) -> None:
    by_code = {p.code: p for p in model.places}
    assert by_code["greater-nottingham"].practices == set(
        published(practices_csv, CITY_PCNS | SOUTH_PCNS)
    )
    assert by_code["nottingham-city"].practices == set(published(practices_csv, CITY_PCNS))
    assert by_code["south-nottinghamshire"].practices == set(published(practices_csv, SOUTH_PCNS))
    assert by_code["mid-nottinghamshire"].practices == set(published(practices_csv, MID_PCNS))


@pytest.mark.parametrize("day", [FIRST, BEFORE, CHANGE, date(2025, 1, 1)], ids=str)
def test_practices_are_counted_once_on_each_date(
    model: SystemModel, practices_csv: Rows, day: date
) -> None:
    report = validate(model, day)
    assert [f for f in report.findings if f.check == "practice_in_two_places"] == []
    assert [f for f in report.findings if f.check == "pcn_split_across_places"] == []
    assert report.ok
    placed = published(practices_csv, CITY_PCNS | SOUTH_PCNS | MID_PCNS)
    assert sum(p.practices for p in report.places) == len(placed)
    assert sum(p.registered for p in report.places) == sum(placed.values())


@pytest.mark.parametrize("day", [BEFORE, CHANGE], ids=str)
def test_the_tree_adds_up_to_the_icbs_registered_total_on_each_date(
    model: SystemModel, practices_csv: Rows, day: date
) -> None:
    qt1 = {
        r["practice_code"]: int(r["registered_patients"])
        for r in practices_csv
        if r["icb_ods_code"] == "QT1"
    }
    placed = published(practices_csv, CITY_PCNS | SOUTH_PCNS | MID_PCNS)
    root = build_tree(model, day)
    assert root.registered == sum(qt1.values())
    assert sum(n.registered for n in root.children) == sum(qt1.values())
    places = {n.code: n for n in root.children}
    # Bassetlaw's PCNs and the practice outside any PCN are not in the story's places.
    assert places[UNPLACED_CODE].registered == sum(qt1.values()) - sum(placed.values())


def test_the_registered_lists_of_the_new_places_add_up_to_the_retired_one(
    model: SystemModel, practices_csv: Rows
) -> None:
    before = {p.code: p.registered for p in validate(model, BEFORE).places}
    after = {p.code: p.registered for p in validate(model, CHANGE).places}
    assert before["greater-nottingham"] == sum(
        published(practices_csv, CITY_PCNS | SOUTH_PCNS).values()
    )
    assert after["nottingham-city"] + after["south-nottinghamshire"] == before["greater-nottingham"]
    assert after["mid-nottinghamshire"] == before["mid-nottinghamshire"]


def test_each_place_version_has_its_partnership_body_and_the_retired_one_is_kept(
    model: SystemModel,
) -> None:
    bodies = {b.code: b.place_code for b in model.bodies if b.place_code}
    assert bodies == {
        "greater-nottingham-partnership": "greater-nottingham",
        "mid-nottinghamshire-partnership": "mid-nottinghamshire",
        "nottingham-city-partnership": "nottingham-city",
        "south-nottinghamshire-partnership": "south-nottinghamshire",
    }
