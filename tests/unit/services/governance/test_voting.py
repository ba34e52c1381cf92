"""Votes and decisions. Each bad input of the issue — a vote by a non-member or a recused
member, a vote after close, a second vote, a decision on a non-quorate meeting — is a clear
error and leaves every table, the register's included, unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime

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
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.governance.model import Choice, Classification, DecisionType
from integrated_care.governance.register.store import RegisterStore
from integrated_care.services import users
from integrated_care.services.governance import bodies, meetings, voting
from integrated_care.services.governance.meetings import ItemSpec, ProposalSpec
from integrated_care.workspace import Workspace

FOR, AGAINST, ABSTAIN = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
JULY = datetime(2025, 7, 10, 9, 30, tzinfo=UTC)
BUDGET = Classification(DecisionType.BUDGET, frozenset())


def opened(board: Board, item: str = "5") -> int:
    proposal = board.proposal(item)
    run(board.ws, voting.open_vote, proposal)
    return proposal


def july_meeting(board: Board, present: list[str]) -> int:
    """A second meeting with one budget proposal, published in time, with ``present``."""
    ws = board.ws
    meeting = run(ws, meetings.create_meeting, "icb-board", JULY, "Online").meeting_id
    spec = ProposalSpec("Approve the 2025/26 budget", "That the board approves it.", BUDGET)
    run(ws, meetings.add_item, meeting, ItemSpec("3", "Budget", proposal=spec))
    run(ws, meetings.publish_agenda, meeting, at=datetime(2025, 7, 1, tzinfo=UTC))
    run(ws, meetings.record_attendance, meeting, present, present=True)
    proposal = voting.proposal_for_item
    with ws.uow() as uow:
        found = proposal(uow, SYSTEM, meeting, "3")
    run(ws, voting.open_vote, found)
    return found


def test_a_vote_by_a_non_member_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts
) -> None:
    proposal = opened(board)
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "'mayor' holds no seat on icb-board on 2025-06-12",
        voting.cast_vote,
        proposal,
        "mayor",
        FOR,
    )


def test_a_vote_by_a_member_whose_term_ended_is_refused(
    board: Board, row_counts: RowCounts
) -> None:
    run(board.ws, bodies.end_term, "dof", date(2025, 6, 1))
    proposal = opened(board)
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "'dof' holds no seat",
        voting.cast_vote,
        proposal,
        "dof",
        FOR,
    )


def test_a_vote_from_a_non_voting_seat_is_refused(board: Board, row_counts: RowCounts) -> None:
    proposal = opened(board)
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "non-voting seat",
        voting.cast_vote,
        proposal,
        "dph-city",
        FOR,
    )


def test_a_vote_by_a_recused_member_is_refused_saying_why(
    board: Board, row_counts: RowCounts
) -> None:
    proposal = opened(board, "6")  # the award to NUH; NUH's partner member declared it
    error = refused(
        board.ws,
        row_counts,
        Forbidden,
        "is recused from proposal",
        voting.cast_vote,
        proposal,
        "partner-nuh",
        FOR,
    )
    assert "NHS conflicts of interest" in str(error)
    assert "relevant through RX1" in str(error)


def test_a_second_vote_is_refused_and_the_first_stands(board: Board, row_counts: RowCounts) -> None:
    proposal = opened(board)
    run(board.ws, voting.cast_vote, proposal, "partner-city", AGAINST)
    refused(
        board.ws,
        row_counts,
        Conflict,
        "already voted 'against'",
        voting.cast_vote,
        proposal,
        "partner-city",
        FOR,
    )
    [vote] = read(board.ws, voting.get_proposal, proposal).votes
    assert (vote.seat_id, vote.choice) == ("partner-city", AGAINST)


def test_a_vote_after_close_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts
) -> None:
    proposal = opened(board)
    run(board.ws, voting.cast_vote, proposal, "chair", FOR)
    run(board.ws, voting.close_vote, proposal)
    refused(
        board.ws,
        row_counts,
        Conflict,
        "closed on .*; no more votes",
        voting.cast_vote,
        proposal,
        "ceo",
        FOR,
    )
    refused(board.ws, row_counts, Conflict, "closed", voting.close_vote, proposal)


def test_a_vote_before_the_vote_opens_is_refused(board: Board, row_counts: RowCounts) -> None:
    refused(
        board.ws,
        row_counts,
        Conflict,
        "has not been opened",
        voting.cast_vote,
        board.proposal("5"),
        "chair",
        FOR,
    )
    refused(
        board.ws,
        row_counts,
        Conflict,
        "has not been opened",
        voting.close_vote,
        board.proposal("5"),
    )


def test_a_member_who_sent_apologies_cannot_vote(board: Board, row_counts: RowCounts) -> None:
    proposal = opened(board)
    refused(
        board.ws,
        row_counts,
        InvalidInput,
        "sent apologies",
        voting.cast_vote,
        proposal,
        "nem-deputy-chair",
        FOR,
    )


def test_absent_recused_and_abstain_are_not_votes_to_cast(
    board: Board, row_counts: RowCounts
) -> None:
    proposal = opened(board)
    refused(
        board.ws,
        row_counts,
        InvalidInput,
        "'recused' is not a vote",
        voting.cast_vote,
        proposal,
        "chair",
        Choice.RECUSED,
    )


def test_a_decision_on_a_non_quorate_meeting_is_refused_and_writes_nothing(
    board: Board, row_counts: RowCounts
) -> None:
    # 6 of 12 voting members present: "more than half" needs 7.
    proposal = july_meeting(
        board, ["chair", "ceo", "dof", "nem-audit", "partner-nhft", "partner-county"]
    )
    for seat in ("chair", "ceo", "dof"):
        run(board.ws, voting.cast_vote, proposal, seat, FOR)
    error = refused(
        board.ws, row_counts, Conflict, "the meeting is not quorate", voting.close_vote, proposal
    )
    assert "6 of 12 voting members present, 7 needed" in str(error)
    # The vote stays open: a member arriving makes the meeting quorate.
    meeting = read(board.ws, voting.get_proposal, proposal).meeting_id
    run(board.ws, meetings.record_attendance, meeting, ["medical-director"], present=True)
    decision = run(board.ws, voting.close_vote, proposal)
    assert decision.quorate
    assert decision.carried
    assert decision.tally["for"] == 3
    assert decision.tally["abstain"] == 4


def test_a_meeting_without_a_local_authority_member_is_not_quorate(
    board: Board, row_counts: RowCounts
) -> None:
    nhs_only = [
        "chair",
        "ceo",
        "dof",
        "medical-director",
        "nursing-director",
        "nem-audit",
        "partner-nhft",
        "partner-pms",
    ]
    proposal = july_meeting(board, nhs_only)
    error = refused(board.ws, row_counts, Conflict, "not quorate", voting.close_vote, proposal)
    assert "no local authority member present" in str(error)


def test_the_decision_records_the_rule_set_version_rule_explanation_and_tally(
    board: Board,
) -> None:
    proposal = opened(board)
    for seat, choice in board.scenario.items[0].votes.items():
        run(board.ws, voting.cast_vote, proposal, seat, choice)
    before = len(register_types(board.ws))
    decision = run(board.ws, voting.close_vote, proposal)
    assert decision.carried is False
    assert (decision.rule_set, decision.rule_version, decision.rule_id) == (
        "NHS Nottingham and Nottinghamshire ICB board",
        1,
        "unanimity-for-outsourcing",
    )
    assert "Nottingham City Council (Councillor A (illustrative)) voted against" in (
        decision.explanation
    )
    assert decision.tally == {
        "for": 10, "against": 1, "abstain": 0, "absent": 1, "recused": 0,
        "for_weight": 10, "against_weight": 1, "abstain_weight": 0,
        "present": 11, "eligible": 12, "eligible_weight": 12,
    }  # fmt: skip
    # One vote entry per voting seat (absent ones included), then the decision.
    types = register_types(board.ws)[before:]
    assert types == ["vote"] * 12 + ["decision"]
    assert decision.register_seq == before + 12
    with board.ws.uow() as uow:
        [entry] = RegisterStore().entries(uow.session, SYSTEM, start=before + 12)
    assert entry.payload is not None
    assert entry.payload["rule_version"] == 1
    assert entry.payload["explanation"] == decision.explanation
    shown = read(board.ws, voting.get_proposal, proposal)
    assert shown.status == "decided"
    assert shown.decision == decision


def test_a_present_member_who_does_not_vote_abstains(board: Board) -> None:
    proposal = opened(board)
    run(board.ws, voting.cast_vote, proposal, "chair", FOR)
    decision = run(board.ws, voting.close_vote, proposal)
    ballots = {b["seat_id"]: b["choice"] for b in decision.ballots}
    assert ballots["chair"] == "for"
    assert ballots["ceo"] == "abstain"
    assert ballots["nem-deputy-chair"] == "absent"
    assert "dph-city" not in ballots  # a non-voting participant has no ballot
    assert decision.carried  # weak unanimity: one for, none against


def test_a_vote_cannot_be_opened_twice_or_before_the_agenda_is_published(
    board: Board, row_counts: RowCounts
) -> None:
    proposal = opened(board)
    refused(board.ws, row_counts, Conflict, "already open", voting.open_vote, proposal)
    meeting = run(board.ws, meetings.create_meeting, "icb-board", JULY, "Online").meeting_id
    spec = ProposalSpec("Approve", "Approve.", BUDGET)
    run(board.ws, meetings.add_item, meeting, ItemSpec("1", "Budget", proposal=spec))
    with board.ws.uow() as uow:
        draft = voting.proposal_for_item(uow, SYSTEM, meeting, "1")
    refused(board.ws, row_counts, Conflict, "has not been published", voting.open_vote, draft)


def test_members_cast_their_own_votes_and_secretaries_record_votes_in_the_room(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    with qt1.uow() as uow:
        users.add_user(uow, "cllr-a", "a long password", "partner", actor=LOCAL_OPERATOR)
        uow.commit()
    board = build_board(qt1, **{"partner-city": "cllr-a"})
    proposal = opened(board)
    member = Actor("cllr-a", Role.PARTNER)
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "may cast only their own vote",
        voting.cast_vote,
        proposal,
        "partner-county",
        FOR,
        actor=member,
    )
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "analyst role may not cast a vote",
        voting.cast_vote,
        proposal,
        "chair",
        FOR,
        actor=Actor("x", Role.ANALYST),
    )
    run(board.ws, voting.cast_vote, proposal, "partner-city", AGAINST, actor=member)
    secretary = Actor("secretary", Role.BOARD_SECRETARY)
    run(
        board.ws,
        voting.cast_vote,
        proposal,
        "chair",
        FOR,
        actor=secretary,
        note="show of hands in the room",
    )
    refused(
        board.ws,
        row_counts,
        Forbidden,
        "partner role may not",
        voting.close_vote,
        proposal,
        actor=member,
    )
    votes = {v.seat_id: v for v in read(board.ws, voting.get_proposal, proposal).votes}
    assert votes["partner-city"].recorded_by == "cllr-a"
    assert (votes["chair"].recorded_by, votes["chair"].note) == (
        "secretary",
        "show of hands in the room",
    )


def test_a_body_without_a_rule_set_cannot_put_anything_to_the_vote(
    board: Board, row_counts: RowCounts
) -> None:
    from integrated_care.governance.model import BodyKind

    run(board.ws, bodies.create_body, bodies.BodySpec("audit", "Audit", BodyKind.COMMITTEE))
    meeting = run(board.ws, meetings.create_meeting, "audit", JULY, "Online").meeting_id
    spec = ProposalSpec("Accept the report", "Accept it.", BUDGET)
    run(board.ws, meetings.add_item, meeting, ItemSpec("1", "Report", proposal=spec))
    run(board.ws, meetings.publish_agenda, meeting, at=datetime(2025, 7, 1, tzinfo=UTC))
    with board.ws.uow() as uow:
        proposal = voting.proposal_for_item(uow, SYSTEM, meeting, "1")
    refused(board.ws, row_counts, InvalidInput, "has no rule set", voting.open_vote, proposal)


@pytest.mark.parametrize(
    ("item", "error", "match"),
    [("7", NotFound, "Unknown item of meeting 1 '7'"), ("9", InvalidInput, "has no proposal")],
)
def test_items_without_a_proposal_cannot_be_voted_on(
    board: Board, item: str, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        read(board.ws, voting.proposal_for_item, board.meeting, item)


def test_reassigning_the_rule_set_does_not_change_how_an_open_vote_is_decided(
    board: Board,
) -> None:
    # A vote is decided under the rules in force when it opened; otherwise a secretary could
    # swap the unanimity rule for a plain majority between the votes and the count.
    from integrated_care.services.governance import rulesets

    proposal = opened(board)
    for seat, choice in board.scenario.items[0].votes.items():
        run(board.ws, voting.cast_vote, proposal, seat, choice)
    run(board.ws, rulesets.load_packaged, "standard_majority")
    run(board.ws, rulesets.assign_rule_set, "icb-board", "Standard majority")
    decision = run(board.ws, voting.close_vote, proposal)
    assert (decision.rule_set, decision.rule_version, decision.rule_id) == (
        "NHS Nottingham and Nottinghamshire ICB board",
        1,
        "unanimity-for-outsourcing",
    )
    assert decision.carried is False
