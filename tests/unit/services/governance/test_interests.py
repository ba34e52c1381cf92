"""The register of interests: declarations under both regimes, logged publicly, and the
recusals they cause on an item that concerns a declared organisation or topic."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.services.governance.conftest import (
    SYSTEM,
    Board,
    RowCounts,
    build_board,
    read,
    refused,
    register_types,
    run,
)

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Forbidden, InvalidInput, NotFound
from integrated_care.governance.interests import Declaration, InterestKind, Regime
from integrated_care.governance.register.store import RegisterStore
from integrated_care.services import users
from integrated_care.services.governance import interests, voting
from integrated_care.structure.dates import Period
from integrated_care.workspace import Workspace

COUNTY = "E10000024"
CITY = "E06000018"


def dpi(**changes: object) -> Declaration:
    fields: dict[str, object] = {
        "seat_id": None,
        "person": "Councillor B (illustrative)",
        "regime": Regime.LOCALISM_DPI,
        "kind": InterestKind.EMPLOYMENT,
        "description": "Employed by a diagnostics company bidding for NHS contracts.",
        "topics": frozenset({"Community Diagnostic Services"}),
        "period": Period(date(2025, 5, 1)),
    }
    return Declaration(**(fields | changes))  # type: ignore[arg-type]


def test_the_board_fixture_declared_one_interest_in_the_register(board: Board) -> None:
    [record] = read(board.ws, interests.list_declarations)
    assert record.declaration.seat_id == "partner-nuh"
    assert record.declaration.regime is Regime.NHS_CONFLICTS
    assert record.declaration.related_organisations == {"RX1"}
    assert register_types(board.ws).count("declaration") == 1


def test_a_councillors_dpi_follows_the_person_and_recuses_on_a_matching_topic(
    board: Board,
) -> None:
    run(board.ws, interests.declare, dpi())
    # Item 5 (the policy) concerns community diagnostic services: the county councillor is
    # recused by the DPI, under the stricter Localism Act bar.
    shown = read(board.ws, voting.get_proposal, board.proposal("5"))
    assert set(shown.recusals) == {"partner-county"}
    reason = shown.recusals["partner-county"]
    assert reason.startswith("Declared Localism Act 2011 disclosable pecuniary interest")
    assert "s.31(4)" in reason
    # Item 6 (the award to NUH): the NUH partner member by organisation, the councillor by topic.
    assert set(read(board.ws, voting.get_proposal, board.proposal("6")).recusals) == {
        "partner-county",
        "partner-nuh",
    }


def test_a_declaration_not_yet_in_force_recuses_nobody(board: Board) -> None:
    run(board.ws, interests.declare, dpi(period=Period(date(2025, 7, 1))))
    assert read(board.ws, voting.get_proposal, board.proposal("5")).recusals == {}
    assert read(board.ws, interests.list_declarations, on=date(2025, 6, 12))[0].declaration.seat_id
    assert len(read(board.ws, interests.list_declarations, on=date(2025, 7, 1))) == 2


def test_declarations_can_be_listed_for_one_seat(board: Board) -> None:
    run(board.ws, interests.declare, dpi())
    with board.ws.uow() as uow:
        entry = RegisterStore().last(uow.session, SYSTEM, 1)[0]
    assert entry.type == "declaration"
    assert entry.payload is not None
    assert (entry.payload["holder"], entry.payload["regime"]) == (
        "Councillor B (illustrative)",
        "localism",
    )
    mine = read(board.ws, interests.list_declarations, seat_id="partner-county")
    assert [r.declaration.person for r in mine] == ["Councillor B (illustrative)"]


@pytest.mark.parametrize(
    ("declaration", "error", "match"),
    [
        (dpi(person=None, seat_id="cfo"), NotFound, "Unknown seat 'cfo'"),
        (dpi(person="Councillor C (illustrative)"), NotFound, "Unknown seat holder"),
        (dpi(related_organisations=frozenset({"RX2"})), NotFound, "Unknown organisation 'RX2'"),
        (dpi(topics=frozenset()), InvalidInput, "organisations or topics it relates to"),
    ],
)
def test_a_bad_declaration_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts, declaration: Declaration, error: type, match: str
) -> None:
    refused(board.ws, row_counts, error, match, interests.declare, declaration)


def test_an_interest_kind_must_belong_to_its_regime() -> None:
    with pytest.raises(InvalidInput, match="not an interest kind under the"):
        dpi(kind=InterestKind.FINANCIAL)
    assert interests.parse_regime("dpi") is Regime.LOCALISM_DPI
    assert interests.parse_regime("NHS") is Regime.NHS_CONFLICTS
    assert interests.parse_kind("employment", Regime.LOCALISM_DPI) is InterestKind.EMPLOYMENT
    with pytest.raises(InvalidInput, match="Unknown interests regime 'gifts'"):
        interests.parse_regime("gifts")


def test_members_declare_their_own_interests_only(qt1: Workspace, row_counts: RowCounts) -> None:
    with qt1.uow() as uow:
        users.add_user(uow, "cllr-b", "a long password", "partner", actor=LOCAL_OPERATOR)
        uow.commit()
    board = build_board(qt1, **{"partner-county": "cllr-b"})
    member = Actor("cllr-b", Role.PARTNER)
    run(board.ws, interests.declare, dpi(), actor=member)
    other = dpi(person=None, seat_id="partner-city")
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "may declare only their own interests",
        interests.declare,
        other,
        actor=member,
    )
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "public role may not",
        interests.declare,
        dpi(),
        actor=Actor("anyone", Role.PUBLIC),
    )
    with board.ws.uow() as uow:
        assert [r.recorded_by for r in interests.list_declarations(uow, SYSTEM)][-1] == "cllr-b"
