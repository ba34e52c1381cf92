"""The public register, consultations and plan workflows through the REST API, on SQLite and
PostgreSQL: public reads, writes per role (401 anonymous, 403 wrong role, nothing written),
and the register verifying with nothing but its export and the public key."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from tests.integration.api.governance_board import CITY, CITY_MEMBER, Board, all_counts, build

from integrated_care.access import LOCAL_OPERATOR, Role
from integrated_care.governance.register.checkpoints import origin_for, verify_tlog_proof
from integrated_care.governance.register.merkle import leaf_hash, verify_inclusion
from integrated_care.governance.register.verify import verify_bytes
from integrated_care.services import consultations
from integrated_care.services.register_events import signer_for

COUNTY = "E10000024"
STRATEGY = "icp-strategy-2026"


@pytest.fixture
def board(api: Any) -> Board:
    made = build(api)
    today = date.today()
    with made.ws.uow() as uow:
        consultations.load_fixture(uow, "QT1", actor=LOCAL_OPERATOR)
        consultations.create(
            uow,
            "QT1",
            code=STRATEGY,
            title="Integrated care strategy refresh",
            owner="QT1",
            opens=today - timedelta(days=10),
            closes=today + timedelta(days=10),
            questions=["Do you agree with the priorities?", "Do you agree with the measures?"],
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    return made


def refused_for_others(board: Board, path: str, body: Any, allowed: tuple[Role, ...]) -> None:
    api, before = board.api, all_counts(board.ws)
    api.error(api.post(path, body), 401, "Authorization")
    for role in Role:
        if role not in allowed:
            api.error(api.post(path, body, role), 403, "role")
    assert all_counts(board.ws) == before


# -- the register ----------------------------------------------------------------------------


def test_entries_are_public_and_paged(board: Board) -> None:
    api = board.api
    first = api.get("/register/entries", start=0, limit=5).json()
    assert [e["seq"] for e in first["entries"]] == [0, 1, 2, 3, 4]
    assert first["next_start"] == 5
    latest = api.get("/register/entries").json()
    assert latest["entries"][-1]["seq"] == latest["size"] - 1
    assert latest["next_start"] is None
    types = {e["type"] for e in api.get("/register/entries", start=0, limit=500).json()["entries"]}
    assert {"seat_appointment", "declaration", "agenda_published", "proposal"} <= types
    private = [e for e in latest["entries"] if e["commitment"]]
    assert private
    assert all(e["payload"] is None for e in private)
    api.error(api.get("/register/entries", limit=0), 422, "limit")
    api.error(api.get("/register/entries", limit=501), 422, "limit")


def test_checkpoints_proofs_and_the_key_verify_an_entry(board: Board) -> None:
    api = board.api
    assert api.get("/register/checkpoint").json() is None
    api.error(api.get("/register/proofs/0"), 400, "seq")
    refused_for_others(board, "/register/checkpoint", None, (Role.BOARD_SECRETARY, Role.ADMIN))
    signed = api.post("/register/checkpoint", None, Role.BOARD_SECRETARY).json()
    size = api.get("/register/entries").json()["size"]
    assert signed["tree_size"] == size == api.get("/register/checkpoint").json()["tree_size"]
    key_text = api.client.get("/api/v1/register/public-key").text.strip()
    key = base64.b64decode(key_text)
    assert key == signer_for(board.ws).public_key
    assert api.client.get("/api/v1/register/public-key?format=pem").text.startswith("-----BEGIN")
    proof = api.get("/register/proofs/3").json()
    leaf = proof["entry"].encode()
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    root = base64.b64decode(signed["root"])
    assert verify_inclusion(leaf_hash(leaf), 3, size, path, root)
    assert verify_tlog_proof(proof["tlog_proof"], leaf, origin_for("QT1"), key) == 3
    api.error(api.get(f"/register/proofs/{size}"), 400, "seq")


def test_the_export_verifies_with_the_public_key_alone(board: Board) -> None:
    api = board.api
    api.post("/register/checkpoint", None, Role.ADMIN)
    reply = api.client.get("/api/v1/register/export")
    assert reply.status_code == 200
    assert "attachment" in reply.headers["content-disposition"]
    key = base64.b64decode(api.client.get("/api/v1/register/public-key").text)
    report = verify_bytes(reply.content, key)
    assert report.ok, report.failure
    assert report.entries == api.get("/register/entries").json()["size"]
    status = api.get("/register/verification").json()
    assert status["ok"]
    assert status["unsigned"] == 0
    assert status["latest"]["tree_size"] == report.entries


def test_tampering_with_the_stored_register_fails_verification(board: Board) -> None:
    board.api.post("/register/checkpoint", None, Role.ADMIN)
    with board.ws.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text("DROP TRIGGER register_entries_no_update"))
        else:
            connection.execute(
                text("DROP TRIGGER register_entries_append_only ON register_entries")
            )
        leaf = connection.execute(
            text("SELECT leaf FROM register_entries WHERE seq = 2")
        ).scalar_one()
        forged = leaf.replace('"holder":"', '"holder":"Forged ', 1)
        assert forged != leaf
        connection.execute(
            text("UPDATE register_entries SET leaf = :leaf WHERE seq = 2"), {"leaf": forged}
        )
    status = board.api.get("/register/verification").json()
    assert not status["ok"]
    assert "seq 0" in status["failure"]  # the first checkpoint's range, from seq 0, is named


# -- consultations ---------------------------------------------------------------------------


def test_consultations_and_the_report_are_public(board: Board) -> None:
    api = board.api
    codes = {c["code"] for c in api.get("/consultations").json()}
    assert codes == {"nhse-integrating-care-2020", STRATEGY}
    shown = api.get("/consultations/nhse-integrating-care-2020").json()
    assert [q["number"] for q in shown["questions"]] == [1, 2, 3, 4]
    report = api.get("/consultations/nhse-integrating-care-2020/report").json()
    assert [r["name"] for r in report["respondents"]] == [
        "Colchester Borough Council",
        "Nottinghamshire County Council",
    ]
    assert report["questions"][0]["counts"] == {"agree": 2, "disagree": 0, "neutral": 0}
    assert report["questions"][1]["counts"] == {"agree": 0, "disagree": 1, "neutral": 1}
    assert len(api.get("/consultations/nhse-integrating-care-2020/responses").json()) == 8
    api.error(api.get("/consultations/no-such-thing"), 404, "consultation")


def test_partners_respond_for_their_own_organisation_only(board: Board) -> None:
    api, path = board.api, f"/consultations/{STRATEGY}/responses"
    answer = {"question": 1, "stance": "agree", "text": "We support the priorities."}
    refused_for_others(board, path, answer, (Role.BOARD_SECRETARY, Role.ADMIN, Role.PARTNER))
    before = all_counts(board.ws)
    board.refused(api.post(path, answer, Role.PARTNER), 400, before)  # a partner of no organisation
    board.refused(board.post_as(CITY_MEMBER, path, answer | {"organisation": COUNTY}), 403, before)
    board.refused(board.post_as(CITY_MEMBER, path, answer | {"question": 9}), 404, before)
    closed = "/consultations/nhse-integrating-care-2020/responses"
    late = board.refused(board.post_as(CITY_MEMBER, closed, answer), 400, before)
    assert "closed" in late["message"]
    mine = board.post_as(CITY_MEMBER, path, answer)
    assert mine.status_code == 201, mine.text
    assert mine.json()["organisation"] == CITY
    assert mine.json()["version"] == 1
    revised = board.post_as(CITY_MEMBER, path, answer | {"stance": "neutral"})
    assert revised.json()["version"] == 2
    transcribed = answer | {"organisation": COUNTY, "on": str(date.today() - timedelta(days=2))}
    assert api.post(path, transcribed, Role.BOARD_SECRETARY).status_code == 201
    counts = api.get(f"/consultations/{STRATEGY}/report").json()["questions"][0]["counts"]
    assert counts == {"agree": 1, "disagree": 0, "neutral": 1}


# -- plans -----------------------------------------------------------------------------------


def test_a_joint_forward_plan_needs_each_hwb_opinion_before_approval(board: Board) -> None:
    api = board.api
    refused_for_others(
        board, "/plans", {"kind": "jfp", "year": "2026/27"}, (Role.BOARD_SECRETARY, Role.ADMIN)
    )
    plan = api.post("/plans", {"kind": "jfp", "year": "2026/27"}, Role.BOARD_SECRETARY).json()
    code = plan["code"]
    assert {r["party"]["code"] for r in plan["requirements"]} == {CITY, COUNTY}
    assert not plan["ready"]
    assert len(plan["missing"]) == 2
    before = all_counts(board.ws)
    early = board.refused(api.post(f"/plans/{code}/approval", {}, Role.ADMIN), 400, before)
    assert "cannot be approved yet" in early["message"]
    opinion = {
        "party": CITY,
        "statement": "The plan reflects the joint health and wellbeing strategy.",
    }
    refused_for_others(
        board, f"/plans/{code}/opinions", opinion, (Role.BOARD_SECRETARY, Role.ADMIN)
    )
    assert api.post(f"/plans/{code}/opinions", opinion, Role.BOARD_SECRETARY).status_code == 201
    county = opinion | {"party": COUNTY}
    ready = api.post(f"/plans/{code}/opinions", county, Role.BOARD_SECRETARY).json()
    assert ready["ready"]
    assert ready["state"] == "ready for approval"
    approved = api.post(f"/plans/{code}/approval", {"statement": "Approved"}, Role.ADMIN).json()
    assert approved["state"] == "approved"
    assert len(approved["steps"]) == 3
    assert [p["code"] for p in api.get("/plans").json()] == [code]
    types = [e["type"] for e in api.get("/register/entries").json()["entries"]]
    assert types[-3:] == ["hwb_opinion", "hwb_opinion", "plan_approval"]


def test_a_better_care_fund_plan_is_signed_off_jointly(board: Board) -> None:
    api = board.api
    plan = api.post("/plans", {"kind": "bcf", "year": "2026/27", "area": CITY}, Role.ADMIN).json()
    code = plan["code"]
    before = all_counts(board.ws)
    board.refused(api.post(f"/plans/{code}/signoffs", {}, Role.ADMIN), 400, before)  # no party
    board.refused(api.post(f"/plans/{code}/signoffs", {"party": "QT1"}, Role.PARTNER), 403, before)
    api.post(f"/plans/{code}/signoffs", {"party": "QT1"}, Role.BOARD_SECRETARY)
    signed = api.post(f"/plans/{code}/signoffs", {"party": CITY}, Role.BOARD_SECRETARY).json()
    assert signed["ready"]
    assert api.get(f"/plans/{code}").json()["state"] == "ready for approval"
