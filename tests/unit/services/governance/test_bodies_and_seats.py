"""Bodies and seats through the service: created, appointed and ended with register entries;
each refusal is a clear error and leaves every table (register included) unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from tests.unit.services.governance.conftest import (
    Board,
    RowCounts,
    read,
    refused,
    register_types,
    run,
)

from integrated_care.access import Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.governance.model import BodyKind, Seat, SeatType
from integrated_care.services.governance import bodies, rulesets
from integrated_care.structure.dates import Period
from integrated_care.workspace import Workspace

TERM = Period(date(2025, 4, 1))
MEETING_DAY = date(2025, 6, 12)


def committee(code: str = "audit", **kw: object) -> bodies.BodySpec:
    return replace(bodies.BodySpec(code, "Audit and risk committee", BodyKind.COMMITTEE), **kw)


def seat(seat_id: str = "audit-chair", body: str = "audit", **kw: object) -> Seat:
    base = Seat(seat_id, body, SeatType.CHAIR, "Committee chair", "Chair (illustrative)", "QT1")
    return replace(base, **({"term": TERM} | kw))  # type: ignore[arg-type]


def test_a_created_body_is_listed_with_its_settings(qt1: Workspace) -> None:
    run(qt1, rulesets.load_packaged, "standard_majority")
    created = run(qt1, bodies.create_body, committee(rule_set="standard_majority", notice_days=7))
    assert created.code == "audit"
    assert created.kind is BodyKind.COMMITTEE
    assert created.notice_days == 7
    assert (created.rule_set_version, created.seats) == (1, ())
    assert created.rule_set is not None
    assert [b.code for b in read(qt1, bodies.list_bodies)] == ["audit"]


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        (committee("Audit Board"), InvalidInput, "body code 'Audit Board' is not valid"),
        (committee(name="   "), InvalidInput, "body name is blank"),
        (committee(notice_days=-1), InvalidInput, "notice period of -1 clear days"),
        (committee(place_code="nowhere"), NotFound, "Unknown place 'nowhere'"),
        (committee(rule_set="no-such-rules"), NotFound, "Unknown rule set 'no-such-rules'"),
        (
            committee(kind=BodyKind.INTEGRATED_CARE_PARTNERSHIP),
            InvalidInput,
            "responsible local authorities; none were given",
        ),
        (
            committee(responsible_authorities=("E99999999",)),
            NotFound,
            "Unknown organisation 'E99999999'",
        ),
        (
            # Rushcliffe is a district council: no social care, so not a responsible authority.
            committee(
                kind=BodyKind.INTEGRATED_CARE_PARTNERSHIP,
                responsible_authorities=("E07000176",),
            ),
            InvalidInput,
            "not an upper-tier council",
        ),
        (
            committee(local_rules=({"id": "x", "noun": "councillor", "minimum": 1},)),
            InvalidInput,
            r"local_rules\[0\]\.minimum",
        ),
    ],
)
def test_a_malformed_body_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts, spec: bodies.BodySpec, error: type, match: str
) -> None:
    refused(qt1, row_counts, error, match, bodies.create_body, spec)


def test_a_second_body_with_the_same_code_is_refused(qt1: Workspace, row_counts: RowCounts) -> None:
    run(qt1, bodies.create_body, committee())
    refused(qt1, row_counts, Conflict, "already exists", bodies.create_body, committee())


def test_only_governance_managers_create_bodies(qt1: Workspace, row_counts: RowCounts) -> None:
    partner = Actor("partner", Role.PARTNER)
    refused(
        qt1,
        row_counts,
        Forbidden,
        "partner role may not",
        bodies.create_body,
        committee(),
        actor=partner,
    )
    secretary = Actor("secretary", Role.BOARD_SECRETARY)
    assert run(qt1, bodies.create_body, committee(), actor=secretary).code == "audit"


def test_an_appointment_is_stored_and_logged_in_the_public_register(qt1: Workspace) -> None:
    run(qt1, bodies.create_body, committee())
    run(qt1, bodies.appoint_seat, seat(classes=frozenset({"nhs"})))
    [record] = read(qt1, bodies.get_body, "audit").seats
    assert record.seat == seat(classes=frozenset({"nhs"}))
    assert register_types(qt1) == ["seat_appointment"]


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"seat_id": "Audit Chair"}, InvalidInput, "seat id 'Audit Chair' is not valid"),
        ({"holder": " "}, InvalidInput, "holder's name is blank"),
        ({"organisation_code": "RX2"}, NotFound, "Unknown organisation 'RX2'"),
        ({"nominated_by": "nobody"}, NotFound, "Unknown organisation 'nobody'"),
        ({"body_code": "audti"}, NotFound, "Did you mean: audit"),
    ],
)
def test_a_bad_appointment_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts, changes: dict[str, object], error: type, match: str
) -> None:
    run(qt1, bodies.create_body, committee())
    refused(qt1, row_counts, error, match, bodies.appoint_seat, seat(**changes))


def test_an_appointment_for_an_unknown_user_is_refused(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    run(qt1, bodies.create_body, committee())
    refused(
        qt1,
        row_counts,
        NotFound,
        "Unknown user 'nobody'",
        bodies.appoint_seat,
        seat(),
        username="nobody",
    )


def test_overlapping_terms_of_one_seat_are_refused_but_successive_terms_are_not(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    run(qt1, bodies.create_body, committee())
    run(qt1, bodies.appoint_seat, seat())
    later = seat(holder="Chair B (illustrative)", term=Period(date(2026, 1, 1)))
    refused(
        qt1,
        row_counts,
        Conflict,
        "already held by Chair \\(illustrative\\)",
        bodies.appoint_seat,
        later,
    )
    ended = run(qt1, bodies.end_term, "audit-chair", date(2026, 1, 1), reason="term completed")
    assert ended.term == Period(date(2025, 4, 1), date(2026, 1, 1))
    run(qt1, bodies.appoint_seat, later)
    holders = [r.seat.holder for r in read(qt1, bodies.get_body, "audit").seats]
    assert holders == ["Chair (illustrative)", "Chair B (illustrative)"]
    assert register_types(qt1) == ["seat_appointment"] * 3


def test_a_seat_id_is_unique_across_bodies(qt1: Workspace, row_counts: RowCounts) -> None:
    run(qt1, bodies.create_body, committee())
    run(qt1, bodies.create_body, committee("finance", name="Finance committee"))
    run(qt1, bodies.appoint_seat, seat())
    refused(
        qt1,
        row_counts,
        Conflict,
        "already used on another body",
        bodies.appoint_seat,
        seat(body="finance", term=Period(date(2030, 1, 1))),
    )


@pytest.mark.parametrize(
    ("seat_id", "day", "error", "match"),
    [
        ("nobody", date(2026, 1, 1), NotFound, "Unknown seat 'nobody'"),
        ("audit-chair", date(2025, 4, 1), InvalidInput, "cannot end on 2025-04-01"),
    ],
)
def test_a_bad_end_of_term_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts, seat_id: str, day: date, error: type, match: str
) -> None:
    run(qt1, bodies.create_body, committee())
    run(qt1, bodies.appoint_seat, seat())
    refused(qt1, row_counts, error, match, bodies.end_term, seat_id, day)


def test_a_term_cannot_end_twice(qt1: Workspace, row_counts: RowCounts) -> None:
    run(qt1, bodies.create_body, committee())
    run(qt1, bodies.appoint_seat, seat())
    run(qt1, bodies.end_term, "audit-chair", date(2026, 1, 1))
    refused(
        qt1,
        row_counts,
        Conflict,
        "already ended on 2026-01-01",
        bodies.end_term,
        "audit-chair",
        date(2026, 2, 1),
    )


def test_the_nottingham_board_meets_every_composition_rule(board: Board) -> None:
    _, unmet = read(board.ws, bodies.check_composition, "icb-board", MEETING_DAY)
    assert unmet == []


def test_composition_names_each_rule_a_vacancy_breaks(board: Board) -> None:
    run(board.ws, bodies.end_term, "dof", date(2025, 6, 1))
    run(board.ws, bodies.end_term, "partner-city", date(2025, 6, 1))
    run(board.ws, bodies.end_term, "partner-county", date(2025, 6, 1))
    _, unmet = read(board.ws, bodies.check_composition, "icb-board", MEETING_DAY)
    # Three partner members remain (two trusts, primary medical services): that rule holds.
    assert [u.rule_id for u in unmet] == [
        "icb-finance-director",
        "icb-partner-local-authorities",
        "councillor-on-board",
    ]
    assert unmet[-1].source == "local"
    assert "needs at least one councillor; it has none on 2025-06-12" in unmet[-1].message
    # Before the vacancies the board was complete.
    assert read(board.ws, bodies.check_composition, "icb-board", date(2025, 5, 31))[1] == []
