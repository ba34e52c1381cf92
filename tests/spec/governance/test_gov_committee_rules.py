"""Other bodies' rules, through the services on SQLite and PostgreSQL: a Health and Wellbeing
Board's quorum by composition (one councillor, one NHS member and the Director of Public
Health, as BCP's HWB sets it — research note §2.6), a chair's casting vote, weighted votes
with quorum by head, and a body's own setting on whether recused members count for quorum."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.governance.interests import Declaration, InterestKind, Regime
from integrated_care.governance.model import (
    BodyKind,
    Choice,
    Classification,
    DecisionType,
    Seat,
    SeatType,
)
from integrated_care.services.governance import bodies, interests, meetings, rulesets, voting
from integrated_care.services.governance.views import DecisionView
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.structure.dates import Period
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
CITY = "E06000018"
MEETING = datetime(2025, 9, 18, 14, 0, tzinfo=UTC)
TERM = Period(date(2025, 5, 1))
FOR, AGAINST = Choice.FOR, Choice.AGAINST


def rules(name: str, quorum: dict[str, Any], rule: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, "version": 1, "quorum": quorum, "default_rule": rule, **extra}


class Committee:
    """One body, one meeting with one proposal, driven through the services."""

    def __init__(self, ws: Workspace, kind: BodyKind, rule_set: dict[str, Any], **spec: Any):
        self.ws = ws
        self.call(rulesets.load_rule_set, rule_set)
        self.call(
            bodies.create_body,
            bodies.BodySpec("body", "A body", kind, rule_set=rule_set["name"], **spec),
        )

    def call(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with self.ws.uow() as uow:
            attach_signer(uow, signer_for(self.ws))
            result = action(uow, SYSTEM, *args, actor=LOCAL_OPERATOR, **kwargs)
            uow.commit()
        return result

    def seat(self, seat_id: str, seat_type: SeatType, classes: set[str], **kw: Any) -> None:
        organisation = kw.pop("organisation", CITY)
        self.call(
            bodies.appoint_seat,
            Seat(
                seat_id,
                "body",
                seat_type,
                seat_id.title(),
                f"{seat_id} (illustrative)",
                organisation,
                frozenset(classes),
                term=TERM,
                **kw,
            ),
        )

    def meeting(self, present: list[str], topics: tuple[str, ...] = ()) -> int:
        meeting = self.call(meetings.create_meeting, "body", MEETING, "County Hall").meeting_id
        spec = meetings.ProposalSpec(
            "Approve the plan",
            "That the plan be approved.",
            Classification(DecisionType.PLAN_APPROVAL),
            topics=topics,
        )
        self.call(meetings.add_item, meeting, meetings.ItemSpec("4", "Plan", proposal=spec))
        self.call(meetings.publish_agenda, meeting, at=datetime(2025, 9, 1, tzinfo=UTC))
        self.call(meetings.record_attendance, meeting, present, present=True)
        with self.ws.uow() as uow:
            self.proposal = voting.proposal_for_item(uow, SYSTEM, meeting, "4")
        self.call(voting.open_vote, self.proposal)
        return meeting

    def vote(self, **choices: Choice) -> None:
        for seat, choice in choices.items():
            self.call(voting.cast_vote, self.proposal, seat.replace("_", "-"), choice)

    def close(self) -> DecisionView:
        result: DecisionView = self.call(voting.close_vote, self.proposal)
        return result


@pytest.fixture
def ws(system: Callable[..., Workspace]) -> Workspace:
    return system("QT1", default_places=False)


def hwb(ws: Workspace) -> Committee:
    quorum = {
        "min_present": 4,
        "composition": [
            {"class": "councillor", "min": 1, "label": "councillor"},
            {"class": "nhs", "min": 1, "label": "NHS member"},
            {"class": "director_of_public_health", "min": 1},
        ],
    }
    board = Committee(
        ws,
        BodyKind.HEALTH_AND_WELLBEING_BOARD,
        rules("City HWB", quorum, {"id": "m", "kind": "majority"}),
    )
    board.seat("leader", SeatType.CHAIR, {"councillor", "local_authority"})
    board.seat("cllr", SeatType.MEMBER, {"councillor", "local_authority"})
    board.seat("dass", SeatType.MEMBER, {"director_of_adult_social_services", "local_authority"})
    board.seat("dcs", SeatType.MEMBER, {"director_of_childrens_services", "local_authority"})
    board.seat("dph", SeatType.MEMBER, {"director_of_public_health", "local_authority"})
    board.seat("healthwatch", SeatType.MEMBER, {"healthwatch"}, organisation=None)
    board.seat("icb", SeatType.MEMBER, {"nhs"}, organisation="QT1")
    return board


def test_a_health_and_wellbeing_board_meets_its_statutory_composition(ws: Workspace) -> None:
    hwb(ws)
    with ws.uow() as uow:
        _, unmet = bodies.check_composition(uow, SYSTEM, "body", MEETING.date())
    assert unmet == []


def test_without_the_director_of_public_health_the_board_is_not_quorate(ws: Workspace) -> None:
    board = hwb(ws)
    meeting = board.meeting(["leader", "cllr", "dass", "dcs", "icb"])  # 5 present, no DPH
    board.vote(leader=FOR, cllr=FOR, dass=FOR)
    with pytest.raises(Conflict, match="no Director of Public Health present"):
        board.close()
    board.call(meetings.record_attendance, meeting, ["dph"], present=True)
    decision = board.close()
    assert decision.quorate
    assert decision.carried
    assert decision.tally["present"] == 6


def test_the_chairs_casting_vote_decides_a_tie_only_when_the_rule_set_gives_one(
    ws: Workspace,
) -> None:
    majority = {"id": "majority", "kind": "majority"}
    with_casting = Committee(
        ws, BodyKind.COMMITTEE, rules("casting", {"min_present": 2}, majority, casting_vote=True)
    )
    for seat in ("chair", "a", "b", "c"):
        kind = SeatType.CHAIR if seat == "chair" else SeatType.MEMBER
        with_casting.seat(seat, kind, {"nhs"})
    with_casting.meeting(["chair", "a", "b", "c"])
    with_casting.vote(chair=FOR, a=FOR, b=AGAINST, c=AGAINST)
    decision = with_casting.close()
    assert decision.carried
    assert "decided by the chair's casting vote for" in decision.explanation
    assert any("casting vote" in note for note in decision.notes)


def test_without_a_casting_vote_a_tie_is_not_carried(ws: Workspace) -> None:
    committee = Committee(
        ws,
        BodyKind.COMMITTEE,
        rules("no casting", {"min_present": 2}, {"id": "m", "kind": "majority"}),
    )
    for seat in ("chair", "a"):
        committee.seat(seat, SeatType.CHAIR if seat == "chair" else SeatType.MEMBER, {"nhs"})
    committee.meeting(["chair", "a"])
    committee.vote(chair=FOR, a=AGAINST)
    decision = committee.close()
    assert not decision.carried
    assert "gives the chair no casting vote" in decision.explanation


def test_weighted_votes_decide_while_quorum_counts_heads(ws: Workspace) -> None:
    weighted = {"id": "weighted", "kind": "majority", "weighted": True}
    collaborative = Committee(
        ws, BodyKind.PROVIDER_COLLABORATIVE, rules("weighted", {"min_present": 4}, weighted)
    )
    for seat, weight in (("acute", 3), ("mental-health", 2), ("community", 1), ("ambulance", 1)):
        collaborative.seat(seat, SeatType.MEMBER, {"nhs"}, weight=weight, organisation="QT1")
    collaborative.meeting(["acute", "mental-health", "community", "ambulance"])
    collaborative.vote(acute=FOR, mental_health=FOR, community=AGAINST, ambulance=AGAINST)
    decision = collaborative.close()
    assert decision.carried  # weight 5 for, 2 against; by head 2 for, 2 against
    assert (decision.tally["for_weight"], decision.tally["against_weight"]) == (5, 2)
    assert (decision.tally["for"], decision.tally["against"]) == (2, 2)


@pytest.mark.parametrize(("counted", "quorate"), [(None, False), (True, True)])
def test_a_body_may_count_recused_members_for_quorum(
    ws: Workspace, counted: bool | None, quorate: bool
) -> None:
    committee = Committee(
        ws,
        BodyKind.COMMITTEE,
        rules("recusal", {"min_present": 3}, {"id": "m", "kind": "majority"}),
        recused_count_for_quorum=counted,
    )
    for seat in ("chair", "a", "b"):
        committee.seat(seat, SeatType.CHAIR if seat == "chair" else SeatType.MEMBER, {"nhs"})
    committee.call(
        interests.declare,
        Declaration(
            "b",
            None,
            Regime.NHS_CONFLICTS,
            InterestKind.NON_FINANCIAL_PROFESSIONAL,
            "Clinical lead for the service.",
            topics=frozenset({"stroke services"}),
        ),
    )
    committee.meeting(["chair", "a", "b"], topics=("Stroke services",))
    committee.vote(chair=FOR, a=FOR)
    if not quorate:  # the rule set leaves recused members out: 2 of 3 count, 3 needed
        with pytest.raises(Conflict, match="1 recused, not counted"):
            committee.close()
        return
    decision = committee.close()
    assert decision.carried
    assert decision.tally["recused"] == 1
    assert "By the body's own setting, recused members count for quorum." in decision.notes
