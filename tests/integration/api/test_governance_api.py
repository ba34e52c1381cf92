"""Governance through the REST API: bodies, seats, meetings, agendas, declarations, proposals,
votes and decisions, per endpoint and role, on SQLite and PostgreSQL.

Reads are public. Writes answer 401 without a token and 403 for a role that may not make
them, writing nothing (every table of the database is counted before and after). A board
member casts only their own vote; every bad input of the issue (a vote by a non-member or a
recused member, a second vote, a vote after close, a decision on a non-quorate meeting, an
agenda published late) is a clear error and leaves the database unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.integration.api.governance_board import (
    CITY_MEMBER,
    NUH_MEMBER,
    Board,
    all_counts,
    build,
)

from integrated_care.access import Role

SECRETARIES = (Role.BOARD_SECRETARY, Role.ADMIN)
NOT_SECRETARIES = (Role.FINANCE, Role.ANALYST, Role.PARTNER, Role.PUBLIC)


@pytest.fixture
def board(api: Any) -> Board:
    return build(api)


def only_secretaries(board: Board, path: str, body: Any, created: int = 200) -> Any:
    """401 anonymous, 403 every other role (nothing written), then 2xx for a secretary."""
    api = board.api
    before = all_counts(board.ws)
    assert api.error(api.post(path, body), 401, "Authorization")
    for role in NOT_SECRETARIES:
        assert api.error(api.post(path, body, role), 403, "role")
    assert all_counts(board.ws) == before
    reply = api.post(path, body, Role.BOARD_SECRETARY)
    assert reply.status_code == created, reply.text
    return reply.json()


def later(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0).isoformat()


# -- reads -----------------------------------------------------------------------------------


def test_bodies_and_the_composition_check_are_public(board: Board) -> None:
    api = board.api
    assert [b["code"] for b in api.get("/governance/bodies").json()] == ["icb-board"]
    shown = api.get("/governance/bodies/icb-board", as_of="2025-06-12").json()
    assert shown["composition"] == {"ok": True, "unmet": []}
    assert len([s for s in shown["seats"] if s["voting"]]) == 12
    assert all("user" not in s for s in shown["seats"])  # logins are not published
    before = api.get("/governance/bodies/icb-board", as_of="2025-01-01").json()
    assert before["seats"] == []
    unmet = before["composition"]["unmet"]
    assert not before["composition"]["ok"]
    assert len(unmet) > 5
    assert all(u["message"] and u["citation"] for u in unmet)
    assert len(api.get("/governance/bodies/icb-board/seats").json()) == 14
    api.error(api.get("/governance/bodies/no-such-board"), 404, "body")


def test_a_meeting_shows_agenda_attendance_and_withholds_private_items(board: Board) -> None:
    api = board.api
    meeting = api.get(f"/governance/meetings/{board.meeting}").json()
    assert [i["number"] for i in meeting["items"]] == ["5", "6", "9"]
    private = meeting["items"][2]
    assert private["withheld"]
    assert private["title"] == "Private item"
    assert "Schedule 12A" in private["exclusion_ground"]
    assert private["publish_after"]
    assert {a["status"] for a in meeting["attendance"]} == {"present", "apologies"}
    assert meeting["clear_days"] == 7
    assert meeting["decisions"] == []
    audited = len(api.audit())
    shown = api.get(f"/governance/meetings/{board.meeting}", Role.PARTNER).json()
    assert shown["items"][2]["title"].startswith("Estates")
    assert len(api.audit()) == audited + 2  # the partner's read, then the admin's audit read
    listed = api.get("/governance/meetings", body="icb-board").json()
    assert [m["meeting_id"] for m in listed] == [board.meeting]


def test_a_proposal_shows_the_rule_that_applies_before_the_vote(board: Board) -> None:
    policy = board.api.get(f"/governance/proposals/{board.proposals['5']}").json()
    assert policy["status"] == "draft"
    assert policy["decision"] is None
    assert policy["rule"]["rule_id"] == "unanimity-for-outsourcing"
    assert policy["rule"]["description"] == "unanimity (weak: no vote against)"
    assert policy["rule"]["rule_version"] == 1
    assert not policy["rule"]["decided"]
    award = board.api.get(f"/governance/proposals/{board.proposals['6']}").json()
    assert award["rule"]["rule_id"] == "simple-majority"
    assert "Provider Selection Regime" in award["rule"]["notes"][0]
    assert award["recusals"] == {"partner-nuh": award["recusals"]["partner-nuh"]}


# -- votes and decisions -------------------------------------------------------------------


def test_the_vote_from_open_to_decision_records_the_rule_and_explanation(board: Board) -> None:
    api, policy = board.api, board.proposals["5"]
    opened = only_secretaries(board, f"/governance/proposals/{policy}/open", None)
    assert opened["status"] == "open"
    before = all_counts(board.ws)
    api.error(api.post(f"/governance/proposals/{policy}/votes", {"choice": "for"}), 401)
    for role in (Role.FINANCE, Role.ANALYST, Role.PUBLIC):
        api.error(api.post(f"/governance/proposals/{policy}/votes", {"choice": "for"}, role), 403)
    assert all_counts(board.ws) == before
    mine = board.post_as(
        CITY_MEMBER, f"/governance/proposals/{policy}/votes", {"choice": "against"}
    )
    assert mine.status_code == 201, mine.text
    assert mine.json()["seat_id"] == "partner-city"
    assert mine.json()["recorded_by"] == CITY_MEMBER
    for seat in ("chair", "ceo", "dof", "medical-director", "nursing-director", "nem-audit"):
        body = {"choice": "for", "seat_id": seat}
        assert (
            api.post(
                f"/governance/proposals/{policy}/votes", body, Role.BOARD_SECRETARY
            ).status_code
            == 201
        )
    shown = api.get(f"/governance/proposals/{policy}").json()
    assert shown["cast"] == {"for": 6, "against": 1, "abstain": 0}
    decision = only_secretaries(board, f"/governance/proposals/{policy}/close", None)
    assert not decision["carried"]
    assert decision["rule_id"] == "unanimity-for-outsourcing"
    assert "Nottingham City Council" in decision["explanation"]
    assert decision["register_seq"] is not None
    decided = api.get(f"/governance/proposals/{policy}").json()
    assert decided["rule"]["decided"]
    assert decided["decision"]["explanation"] == decision["explanation"]
    lines = api.get("/governance/decisions").json()
    assert [(d["item"], d["decision"]["carried"]) for d in lines] == [("5", False)]
    meeting = api.get(f"/governance/meetings/{board.meeting}").json()
    assert [d["proposal_id"] for d in meeting["decisions"]] == [policy]
    checkpoint = api.get("/register/checkpoint").json()
    assert checkpoint["tree_size"] == api.get("/register/entries").json()["size"]


def test_a_member_casts_only_their_own_vote(board: Board) -> None:
    award = board.proposals["6"]
    board.api.post(f"/governance/proposals/{award}/open", None, Role.BOARD_SECRETARY)
    before = all_counts(board.ws)
    path = f"/governance/proposals/{award}/votes"
    other = board.refused(
        board.post_as(CITY_MEMBER, path, {"choice": "for", "seat_id": "ceo"}), 403, before
    )
    assert "only their own vote" in other["message"]
    nobody = board.refused(board.api.post(path, {"choice": "for"}, Role.PARTNER), 400, before)
    assert nobody["input"] == "seat_id"  # a partner with no seat on the board


def test_refused_votes_say_why_and_write_nothing(board: Board) -> None:
    api, award, policy = board.api, board.proposals["6"], board.proposals["5"]
    path = f"/governance/proposals/{award}/votes"
    before = all_counts(board.ws)
    draft = board.refused(board.post_as(CITY_MEMBER, path, {"choice": "for"}), 409, before)
    assert "has not been opened" in draft["message"]
    api.post(f"/governance/proposals/{award}/open", None, Role.BOARD_SECRETARY)
    before = all_counts(board.ws)
    recused = board.refused(board.post_as(NUH_MEMBER, path, {"choice": "for"}), 403, before)
    assert "recused" in recused["message"]
    stranger = {"choice": "for", "seat_id": "not-a-member"}
    board.refused(api.post(path, stranger, Role.BOARD_SECRETARY), 403, before)
    apologies = {"choice": "for", "seat_id": "nem-deputy-chair"}
    board.refused(api.post(path, apologies, Role.BOARD_SECRETARY), 400, before)
    board.refused(board.post_as(CITY_MEMBER, path, {"choice": "maybe"}), 422, before)
    assert board.post_as(CITY_MEMBER, path, {"choice": "for"}).status_code == 201
    before = all_counts(board.ws)
    twice = board.refused(board.post_as(CITY_MEMBER, path, {"choice": "against"}), 409, before)
    assert "already voted" in twice["message"]
    assert api.post(f"/governance/proposals/{award}/close", None, Role.ADMIN).status_code == 200
    before = all_counts(board.ws)
    after = {"choice": "for", "seat_id": "chair"}
    closed = board.refused(api.post(path, after, Role.BOARD_SECRETARY), 409, before)
    assert "closed" in closed["message"]
    board.refused(api.post(f"/governance/proposals/{award}/close", None, Role.ADMIN), 409, before)
    board.refused(api.post(f"/governance/proposals/{policy}/close", None, Role.ADMIN), 409, before)


def test_a_new_meeting_from_creation_to_a_non_quorate_vote(board: Board) -> None:
    api = board.api
    created = only_secretaries(
        board,
        "/governance/meetings",
        {"body": "icb-board", "starts_at": later(10), "location": "Online"},
        created=201,
    )
    meeting = created["meeting_id"]
    item = {
        "number": "3",
        "title": "Budget",
        "proposal": {"title": "Approve the budget", "text": "That ...", "decision_type": "budget"},
    }
    only_secretaries(board, f"/governance/meetings/{meeting}/items", item, created=201)
    private = {
        "number": "4",
        "title": "Lease",
        "public": False,
        "exclusion_ground": "Schedule 12A paragraph 3",
        "publish_after": (datetime.now(UTC) + timedelta(days=400)).date().isoformat(),
        "proposal": {"title": "Agree the lease", "text": "That ...", "decision_type": "other"},
    }
    added = api.post(f"/governance/meetings/{meeting}/items", private, Role.BOARD_SECRETARY).json()
    published = only_secretaries(board, f"/governance/meetings/{meeting}/publish", {})
    assert not published["late"]
    assert published["clear_days"] >= 5
    before = all_counts(board.ws)
    again = board.refused(
        api.post(f"/governance/meetings/{meeting}/items", item, Role.ADMIN), 409, before
    )
    assert "published" in again["message"]
    hidden = added["items"][1]["proposal"]["proposal_id"]
    assert api.error(api.get(f"/governance/proposals/{hidden}"), 401, "Authorization")
    assert api.get(f"/governance/proposals/{hidden}", Role.PARTNER).status_code == 200
    attend = {"seats": ["chair", "ceo", "partner-city"], "status": "present"}
    shown = only_secretaries(board, f"/governance/meetings/{meeting}/attendance", attend)
    assert len(shown["attendance"]) == 3
    budget = shown["items"][0]["proposal"]["proposal_id"]
    api.post(f"/governance/proposals/{budget}/open", None, Role.BOARD_SECRETARY)
    for seat in attend["seats"]:
        api.post(
            f"/governance/proposals/{budget}/votes", {"choice": "for", "seat_id": seat}, Role.ADMIN
        )
    before = all_counts(board.ws)
    refused = board.refused(
        api.post(f"/governance/proposals/{budget}/close", None, Role.ADMIN), 409, before
    )
    assert "not quorate" in refused["message"]
    minutes = {"text": "The meeting was not quorate; item 3 was adjourned."}
    recorded = only_secretaries(board, f"/governance/meetings/{meeting}/minutes", minutes)
    assert recorded["minutes"] == minutes["text"]
    assert not recorded["minutes_approved"]


def test_an_agenda_published_late_is_refused_unless_urgent(board: Board) -> None:
    api = board.api
    body = {"body": "icb-board", "starts_at": later(2), "location": "Online"}
    meeting = api.post("/governance/meetings", body, Role.BOARD_SECRETARY).json()["meeting_id"]
    item = {"number": "1", "title": "Winter pressures"}
    api.post(f"/governance/meetings/{meeting}/items", item, Role.BOARD_SECRETARY)
    before = all_counts(board.ws)
    late = board.refused(
        api.post(f"/governance/meetings/{meeting}/publish", {}, Role.BOARD_SECRETARY), 400, before
    )
    assert "late" in late["message"]
    assert late["input"] == "at"
    urgent = {"urgency_reason": "Critical incident declared across the system"}
    published = api.post(
        f"/governance/meetings/{meeting}/publish", urgent, Role.BOARD_SECRETARY
    ).json()
    assert published["late"]
    assert published["urgency_reason"] == urgent["urgency_reason"]
    assert published["register_entries"]


# -- seats and declarations ------------------------------------------------------------------


def test_seats_are_appointed_and_ended_by_secretaries(board: Board) -> None:
    seat = {
        "seat_id": "nem-quality",
        "seat_type": "non-executive member",
        "title": "Non-executive member (quality)",
        "holder": "Non-executive member C (illustrative)",
        "organisation": "QT1",
        "classes": ["nhs"],
        "term_start": "2026-01-01",
    }
    made = only_secretaries(board, "/governance/bodies/icb-board/seats", seat, created=201)
    assert made["seat_id"] == "nem-quality"
    assert made["term_end"] is None
    before = all_counts(board.ws)
    board.refused(
        board.api.post("/governance/bodies/icb-board/seats", seat, Role.ADMIN), 409, before
    )
    ended = only_secretaries(
        board, "/governance/seats/nem-quality/end", {"effective": "2026-06-30"}
    )
    assert ended["term_end"] == "2026-06-30"


def test_members_declare_their_own_interests(board: Board) -> None:
    declaration = {
        "seat_id": "partner-city",
        "regime": "dpi",
        "kind": "land",
        "description": "Owns a property next to the proposed diagnostic centre.",
        "topics": ["community diagnostic centre"],
        "valid_from": "2025-04-01",
    }
    before = all_counts(board.ws)
    board.api.error(board.api.post("/governance/declarations", declaration), 401)
    board.api.error(board.api.post("/governance/declarations", declaration, Role.ANALYST), 403)
    board.refused(board.post_as(NUH_MEMBER, "/governance/declarations", declaration), 403, before)
    made = board.post_as(CITY_MEMBER, "/governance/declarations", declaration)
    assert made.status_code == 201, made.text
    assert made.json()["regime"] == "Localism Act 2011 disclosable pecuniary interest"
    listed = board.api.get("/governance/declarations", seat="partner-city").json()
    assert [d["description"] for d in listed] == [declaration["description"]]
    by_secretary = declaration | {"seat_id": "ceo", "regime": "nhs", "kind": "financial"}
    assert (
        board.api.post("/governance/declarations", by_secretary, Role.BOARD_SECRETARY).status_code
        == 201
    )


def test_openapi_documents_every_governance_endpoint(api: Any) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    prefixes = ("/api/v1/governance", "/api/v1/register", "/api/v1/consultations", "/api/v1/plans")
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith(prefixes)
        for method, operation in item.items()
    ]
    assert len(operations) >= 30
    for path, method, operation in operations:
        assert operation.get("description"), f"{method.upper()} {path} has no docstring"
        assert operation.get("tags"), f"{method.upper()} {path} has no tag"
        if method == "post":
            assert {"401", "403", "422"} <= set(operation["responses"]), path
