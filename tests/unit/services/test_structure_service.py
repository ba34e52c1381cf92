"""Structure use cases on real reference data: initialise, define and reconfigure places.

Expected figures are computed here from the published CSVs in the shared data folder.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.services.structure import (
    SYSTEM_BODY,
    PlaceSpec,
    add_organisation,
    define_place,
    init_system,
    load_model,
    reconfigure_places,
)
from integrated_care.structure.membership import BodyKind
from integrated_care.structure.organisations import Organisation, OrgKind
from integrated_care.structure.validation import validate
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]
Rows = tuple[dict[str, str], ...]
DAY = date(2019, 4, 1)
LATER = date(2024, 4, 1)  # after the default places start (2022-07-01)
CITY_PCNS = {"U78528", "U44561", "U63129"}  # Aspire, Bestwood and Sherwood, Bulwell


def geography(name: str) -> list[dict[str, str]]:
    path = Path(__file__).resolve().parents[4] / "shared" / "data" / "geography" / name
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def qt1_rows(rows: Rows) -> list[dict[str, str]]:
    return [r for r in rows if r["icb_ods_code"] == "QT1"]


# -- init_system ---------------------------------------------------------------------------


def test_initialising_qt1_stores_the_published_practices_and_lists(
    workspace: Workspace, practices_csv: Rows
) -> None:
    rows = qt1_rows(practices_csv)
    with workspace.uow() as uow:
        summary = init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    assert summary.practices == len(rows)
    assert summary.registered_population == sum(int(r["registered_patients"]) for r in rows)
    assert summary.pcns == len({r["pcn_code"] for r in rows} - {"U"})
    with workspace.uow() as uow:
        stored = uow.structure.practices("QT1")
    assert set(stored) == {r["practice_code"] for r in rows}
    assert {c: p.registered_patients for c, p in stored.items()} == {
        r["practice_code"]: int(r["registered_patients"]) for r in rows
    }
    assert {c: p.pcn_code for c, p in stored.items()} == {
        r["practice_code"]: (None if r["pcn_code"] == "U" else r["pcn_code"]) for r in rows
    }


def test_initialising_qt1_counts_its_sub_icb_locations_councils_and_default_places(
    workspace: Workspace,
) -> None:
    icb = next(r for r in geography("icb24.csv") if r["icb24_ods_code"] == "QT1")
    utlas = [r for r in geography("utla23_icb24_split.csv") if r["icb24_code"] == "E54000060"]
    districts = [
        r
        for r in geography("lad24_icb24_split.csv")
        if r["icb24_code"] == "E54000060" and r["lad24_code"].startswith("E07")
    ]
    with workspace.uow() as uow:
        summary = init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    assert summary.sub_icbs == int(icb["n_sicbl24"])
    assert summary.places == len(utlas)
    assert summary.councils == len(utlas) + len(districts)
    with workspace.uow() as uow:
        places = uow.structure.places("QT1")
        bodies = {b.code: b for b in uow.structure.bodies("QT1")}
    assert {p.code for p in places} == {r["utla23_code"] for r in utlas}
    assert bodies[SYSTEM_BODY].kind is BodyKind.ICS_PARTNERSHIP
    for p in places:
        body = bodies[f"{p.code}-partnership"]
        assert body.kind is BodyKind.PLACE_PARTNERSHIP
        assert body.place_code == p.code


def test_initialising_the_same_icb_twice_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1.engine)
    with pytest.raises(Conflict, match=r"\(QT1\) is already set up"), qt1.uow() as uow:
        init_system(uow, "E54000060", actor=LOCAL_OPERATOR)
    assert row_counts(qt1.engine) == before


def test_an_unknown_icb_is_refused_with_the_closest_codes_suggested(workspace: Workspace) -> None:
    with pytest.raises(NotFound) as error, workspace.uow() as uow:
        init_system(uow, "QT9", actor=LOCAL_OPERATOR)
    assert error.value.message.startswith("Unknown ICB 'QT9'.")
    assert "QT1" in error.value.suggestions


def test_only_roles_that_manage_structure_may_initialise(workspace: Workspace) -> None:
    with pytest.raises(Forbidden), workspace.uow() as uow:
        init_system(uow, "QT1", actor=Actor("sec", Role.BOARD_SECRETARY))


# -- define_place -----------------------------------------------------------------------------


def define(ws: Workspace, spec: PlaceSpec, on: date = DAY, actor: Actor = LOCAL_OPERATOR) -> None:
    with ws.uow() as uow:
        define_place(uow, "QT1", spec, on, actor=actor)
        uow.commit()


def test_a_place_defined_from_pcns_holds_every_practice_of_those_pcns(
    qt1_bare: Workspace, practices_csv: Rows
) -> None:
    define(qt1_bare, PlaceSpec("nottingham-city", "Nottingham City", pcns=frozenset(CITY_PCNS)))
    expected = {r["practice_code"] for r in qt1_rows(practices_csv) if r["pcn_code"] in CITY_PCNS}
    with qt1_bare.uow() as uow:
        [place] = uow.structure.places("QT1")
        bodies = {b.code for b in uow.structure.bodies("QT1")}
    assert place.practices == expected
    assert place.period.start == DAY
    assert place.period.end is None
    assert "nottingham-city-partnership" in bodies


def test_the_longest_place_code_and_name_are_stored_on_every_backend(qt1_bare: Workspace) -> None:
    code, name = "n" * 28, "N" * 182
    define(qt1_bare, PlaceSpec(code, name, pcns=frozenset({"U78528"})))
    with qt1_bare.uow() as uow:
        [place] = uow.structure.places("QT1")
        body = next(b for b in uow.structure.bodies("QT1") if b.place_code == code)
    assert (place.code, place.name) == (code, name)
    assert body.code == f"{code}-partnership"


def refused(
    ws: Workspace, row_counts: RowCounts, spec: PlaceSpec, error: type[Exception], match: str
) -> None:
    before = row_counts(ws.engine)
    with pytest.raises(error, match=match):
        define(ws, spec)
    assert row_counts(ws.engine) == before


def test_a_place_code_already_in_force_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    spec = PlaceSpec("E06000018", "Nottingham again", pcns=frozenset({"U78528"}))
    refused(qt1, row_counts, spec, Conflict, "'E06000018' already exists for 2022-07-01 to open")


def test_an_unknown_pcn_is_refused_and_writes_nothing(
    qt1_bare: Workspace, row_counts: RowCounts
) -> None:
    spec = PlaceSpec("city", "City", pcns=frozenset({"U78529"}))
    refused(qt1_bare, row_counts, spec, NotFound, "Unknown PCN 'U78529'. Did you mean: U78528")


def test_an_unknown_practice_is_refused_and_writes_nothing(
    qt1_bare: Workspace, row_counts: RowCounts
) -> None:
    spec = PlaceSpec("city", "City", practices=frozenset({"ZZ9999"}))
    refused(qt1_bare, row_counts, spec, NotFound, "Unknown GP practice 'ZZ9999'")


def test_a_practice_of_another_icb_is_refused_naming_its_icb(
    qt1_bare: Workspace, row_counts: RowCounts, practices_csv: Rows
) -> None:
    other = next(r for r in practices_csv if r["practice_code"] == "A81001")
    spec = PlaceSpec("city", "City", practices=frozenset({"A81001", "C84001"}))
    refused(qt1_bare, row_counts, spec, InvalidInput, f"A81001 belongs to {other['icb_name']}")


def test_an_unknown_lsoa_is_refused(qt1_bare: Workspace, row_counts: RowCounts) -> None:
    spec = PlaceSpec("city", "City", lsoas=frozenset({"E01999999"}))
    refused(qt1_bare, row_counts, spec, NotFound, "Unknown LSOA 2021 'E01999999'")


def test_a_district_outside_the_icb_is_refused(qt1_bare: Workspace, row_counts: RowCounts) -> None:
    spec = PlaceSpec("luton", "Luton", lads=frozenset({"E06000032"}))
    refused(qt1_bare, row_counts, spec, InvalidInput, "E06000032 does not overlap this ICB")


def test_a_board_secretary_may_not_define_places(
    qt1_bare: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1_bare.engine)
    with pytest.raises(Forbidden, match="may not change places"):
        define(
            qt1_bare,
            PlaceSpec("city", "City", pcns=frozenset({"U78528"})),
            actor=Actor("sec", Role.BOARD_SECRETARY),
        )
    assert row_counts(qt1_bare.engine) == before


def test_an_analyst_may_define_places(qt1_bare: Workspace) -> None:
    define(
        qt1_bare,
        PlaceSpec("city", "City", pcns=frozenset({"U78528"})),
        actor=Actor("analyst", Role.ANALYST),
    )
    with qt1_bare.uow() as uow:
        assert [p.code for p in uow.structure.places("QT1")] == ["city"]


# -- reconfigure_places -----------------------------------------------------------------------


def test_a_reconfiguration_with_nothing_to_do_is_refused(qt1: Workspace) -> None:
    with pytest.raises(InvalidInput, match="Nothing to reconfigure"), qt1.uow() as uow:
        reconfigure_places(uow, "QT1", DAY, [], [], actor=LOCAL_OPERATOR)


def test_retiring_an_unknown_place_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1.engine)
    with pytest.raises(NotFound, match="E06000019") as error, qt1.uow() as uow:
        reconfigure_places(uow, "QT1", LATER, ["E06000019"], [], actor=LOCAL_OPERATOR)
    assert "E06000018" in error.value.suggestions
    assert row_counts(qt1.engine) == before


def test_a_reconfiguration_that_fails_on_its_second_new_place_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1.engine)
    good = PlaceSpec("city", "City", pcns=frozenset({"U78528"}))
    bad = PlaceSpec("south", "South", pcns=frozenset({"U00000"}))
    with pytest.raises(NotFound), qt1.uow() as uow:
        reconfigure_places(uow, "QT1", LATER, ["E06000018"], [good, bad], actor=LOCAL_OPERATOR)
    assert row_counts(qt1.engine) == before


def test_a_retired_default_place_ends_on_the_date_and_its_code_can_be_reused(
    qt1: Workspace,
) -> None:
    spec = PlaceSpec("E06000018", "Nottingham City", pcns=frozenset(CITY_PCNS))
    with qt1.uow() as uow:
        active = reconfigure_places(uow, "QT1", LATER, ["E06000018"], [spec], actor=LOCAL_OPERATOR)
        uow.commit()
    assert {p.code for p in active} == {"E06000018", "E10000024"}
    with qt1.uow() as uow:
        versions = [p for p in uow.structure.places("QT1") if p.code == "E06000018"]
    assert [(v.period.start, v.period.end) for v in versions] == [
        (date(2022, 7, 1), LATER),
        (LATER, None),
    ]


# -- other use cases -------------------------------------------------------------------------


def test_a_partner_organisation_can_be_added_once(qt1: Workspace, row_counts: RowCounts) -> None:
    trust = Organisation("RX1", "Nottingham University Hospitals", OrgKind.NHS_TRUST, "RX1")
    with qt1.uow() as uow:
        add_organisation(uow, "QT1", trust, actor=LOCAL_OPERATOR)
        uow.commit()
    before = row_counts(qt1.engine)
    with pytest.raises(Conflict, match="RX1 is already in the system"), qt1.uow() as uow:
        add_organisation(uow, "QT1", trust, actor=LOCAL_OPERATOR)
    assert row_counts(qt1.engine) == before


def test_loading_a_system_that_is_not_there_is_refused_with_suggestions(qt1: Workspace) -> None:
    with pytest.raises(NotFound, match="Unknown system 'QT2'") as error, qt1.uow() as uow:
        load_model(uow, "QT2")
    assert error.value.suggestions == ["QT1"]


def test_a_place_covering_a_split_district_is_reported_crossing_the_icb_boundary(
    workspace: Workspace,
) -> None:
    # North Hertfordshire (E07000099) is split between Cambridgeshire and Peterborough ICB
    # (QUE) and Hertfordshire and West Essex ICB: a QUE place made of the whole district
    # covers the district's LSOAs in the other ICB.
    split = [r for r in geography("lad24_icb24_split.csv") if r["lad24_code"] == "E07000099"]
    outside = next(r for r in split if r["icb24_ods_code"] != "QUE")
    with workspace.uow() as uow:
        init_system(uow, "QUE", actor=LOCAL_OPERATOR, with_default_places=False)
        spec = PlaceSpec("north-herts", "North Hertfordshire", lads=frozenset({"E07000099"}))
        define_place(uow, "QUE", spec, DAY, actor=LOCAL_OPERATOR)
        uow.commit()
    with workspace.uow() as uow:
        report = validate(load_model(uow, "QUE"), DAY)
    [crossing] = [f for f in report.findings if f.check == "place_crosses_icb_boundary"]
    assert crossing.message == (
        f"North Hertfordshire covers {int(outside['n_lsoa21'])} LSOAs "
        f"({int(outside['pop_census2021']):,} residents) outside "
        "NHS Cambridgeshire and Peterborough Integrated Care Board."
    )
    [split_note] = [f for f in report.findings if f.subject == "E07000099"]
    assert split_note.check == "lad_split_between_icbs"
    [population] = report.places
    assert population.resident == sum(int(r["pop_census2021"]) for r in split)
