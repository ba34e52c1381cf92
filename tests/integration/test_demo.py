"""The demo workspace (``make run``): it builds, and its governance tells the Nottingham story.

The outsourcing policy fails by the unanimity rule (Nottingham City Council's member votes
against); the contract award is decided by an ordinary majority because the Provider
Selection Regime guard refuses the unanimity rule; the winter plan stays open for the demo
board member to vote on; every governance event, the replayed membership history included,
is in the register, which verifies with the public key alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from integrated_care.demo.build import CREDENTIALS_FILE, build_demo
from integrated_care.demo.governance import BOARD_MEMBER, MEMBER_SEAT, OPEN_ITEM, SECRETARY
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import verify_bytes
from integrated_care.services import consultations, governance_queries, membership, users
from integrated_care.services.governance import bodies, meetings, proposals
from integrated_care.services.register_events import signer_for
from integrated_care.workspace import Workspace

SYSTEM = "QT1"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = build_demo(tmp_path_factory.mktemp("demo") / "workspace")
    yield ws
    ws.engine.dispose()


def credentials(path: Path) -> dict[str, str]:
    """username -> password, as written to the demo's credentials file."""
    found: dict[str, str] = {}
    username = None
    for line in (path / CREDENTIALS_FILE).read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(": ")
        if key == "username":
            username = value
        elif key == "password" and username:
            found[username] = value
    return found


def proposal_for(ws: Workspace, number: str) -> proposals.ProposalView:
    with ws.uow() as uow:
        meeting = meetings.list_meetings(uow, SYSTEM, "icb-board")[0]
        proposal_id = proposals.proposal_for_item(uow, SYSTEM, meeting.meeting_id, number)
        return proposals.get_proposal(uow, SYSTEM, proposal_id)


def test_the_credentials_file_signs_in_every_demo_user(demo: Workspace) -> None:
    found = credentials(demo.path)
    assert set(found) == {"demo-admin", BOARD_MEMBER, SECRETARY}
    assert (demo.path / CREDENTIALS_FILE).stat().st_mode & 0o077 == 0
    with demo.uow() as uow:
        roles = {u: users.authenticate(uow, u, p).role.value for u, p in found.items()}
    assert roles == {"demo-admin": "admin", BOARD_MEMBER: "partner", SECRETARY: "board_secretary"}


def test_the_board_meets_every_composition_rule_on_the_meeting_day(demo: Workspace) -> None:
    with demo.uow() as uow:
        meeting = meetings.list_meetings(uow, SYSTEM, "icb-board")[0]
        body, unmet = bodies.check_composition(uow, SYSTEM, "icb-board", meeting.day)
    assert unmet == []
    assert len([s for s in body.seats_on(meeting.day) if s.voting]) == 12
    assert meeting.clear_days is not None
    assert meeting.clear_days >= meeting.notice_days


def test_the_outsourcing_policy_fails_by_the_unanimity_rule(demo: Workspace) -> None:
    policy = proposal_for(demo, "5")
    decision = policy.decision
    assert decision is not None
    assert not decision.carried
    assert decision.rule_id == "unanimity-for-outsourcing"
    assert "Nottingham City Council" in decision.explanation
    against = [b for b in decision.ballots if b["choice"] == "against"]
    assert [b["seat_id"] for b in against] == [MEMBER_SEAT]
    assert decision.tally["for"] == 10  # everyone else present voted for


def test_the_contract_award_carries_by_ordinary_majority(demo: Workspace) -> None:
    award = proposal_for(demo, "6")
    decision = award.decision
    assert decision is not None
    assert decision.carried
    assert decision.rule_id == "simple-majority"
    assert any("Provider Selection Regime" in n for n in decision.notes)
    assert decision.tally["against"] == 1
    assert {b["seat_id"]: b["choice"] for b in decision.ballots}["partner-nuh"] == "recused"


def test_the_winter_plan_is_open_for_the_board_member(demo: Workspace) -> None:
    plan = proposal_for(demo, OPEN_ITEM)
    assert plan.status == "open"
    assert plan.decision is None
    assert MEMBER_SEAT not in {v.seat_id for v in plan.votes}
    with demo.uow() as uow:
        seat = governance_queries.own_seat(uow, SYSTEM, plan, BOARD_MEMBER)
        meeting = meetings.get_meeting(uow, SYSTEM, plan.meeting_id)
    assert seat is not None
    assert seat.seat.seat_id == MEMBER_SEAT
    private = [i for i in meeting.items if not i.public]
    assert len(private) == 1
    assert private[0].exclusion_ground is not None
    assert "Schedule 12A" in private[0].exclusion_ground
    assert private[0].publish_after is not None
    assert private[0].publish_after > date.today()


def test_the_consultation_has_both_councils_answers(demo: Workspace) -> None:
    with demo.uow() as uow:
        report = consultations.report(uow, SYSTEM, "nhse-integrating-care-2020")
    assert [r.name for r in report.respondents] == [
        "Colchester Borough Council",
        "Nottinghamshire County Council",
    ]
    assert len(report.questions) == 4
    assert all(len(q.lines) == 2 for q in report.questions)


def test_the_register_holds_every_event_and_verifies(demo: Workspace) -> None:
    key = signer_for(demo).public_key
    with demo.uow() as uow:
        entries = RegisterStore().entries(uow.session, SYSTEM)
        replayed = membership.history(uow, SYSTEM)
        status = governance_queries.register_status(uow, SYSTEM, key)
        exported = governance_queries.export_bytes(uow, SYSTEM, key)
    types = [e.type for e in entries]
    assert types.count("membership_change") == len(replayed) > 0
    for kind in ("seat_appointment", "declaration", "agenda_published", "exclusion_resolution"):
        assert kind in types, kind
    assert types.count("decision") == 2
    assert types.count("consultation_response") == 8
    report = verify_bytes(exported, key)
    assert report.ok, report.failure
    assert report.entries == len(entries)
    assert status.ok
    assert status.unsigned == 0
