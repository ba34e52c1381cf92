"""Proposals as read: the item and meeting they belong to, the votes cast so far, who is
recused (from the register of interests) and the decision once made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.governance.model import Choice
from integrated_care.persistence.governance_models import (
    GovMeetingRow,
    GovProposalRow,
    GovSeatRow,
)
from integrated_care.persistence.governance_repository import seat_from_row
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import meeting_row, proposal_row, repo, uk_day
from integrated_care.services.governance.interests import recusals_for
from integrated_care.services.governance.views import DecisionView, decision_view


@dataclass(frozen=True, slots=True)
class VoteLine:
    seat_id: str
    holder: str
    organisation_code: str | None
    choice: Choice
    cast_at: datetime
    recorded_by: str
    note: str | None


@dataclass(frozen=True, slots=True)
class ProposalView:
    proposal_id: int
    meeting_id: int
    body_code: str
    item_number: str
    item_public: bool
    title: str
    text: str
    decision_type: str
    flags: tuple[str, ...]
    organisations: tuple[str, ...]
    topics: tuple[str, ...]
    status: str
    votes: tuple[VoteLine, ...]
    recusals: dict[str, str]  # seat id -> reason
    decision: DecisionView | None


def context(
    uow: UnitOfWork, system_code: str, proposal_id: int
) -> tuple[GovProposalRow, GovMeetingRow, str, list[GovSeatRow]]:
    """The proposal, its meeting, the body code and the body's seat rows held on the day."""
    proposal = proposal_row(uow, system_code, proposal_id)
    gov = repo(uow)
    item = gov.item(proposal.item_id)
    meeting = meeting_row(uow, system_code, item.meeting_id)
    body = gov.body_by_id(meeting.body_id)
    day = uk_day(meeting.starts_at)
    held = [s for s in gov.seat_rows(body.id) if seat_from_row(s, body.code).held_on(day)]
    return proposal, meeting, body.code, held


def proposal_for_item(uow: UnitOfWork, system_code: str, meeting_id: int, number: str) -> int:
    """The id of the proposal on item ``number`` of a meeting."""
    meeting = meeting_row(uow, system_code, meeting_id)
    gov = repo(uow)
    items = gov.items(meeting.id)
    proposals = gov.proposals_for_items(i.id for i in items)
    for item in items:
        if item.number == number:
            if item.id not in proposals:
                raise InvalidInput(
                    f"Item {number} of meeting {meeting.id} has no proposal to vote on.",
                    input_name="item",
                    expected="an item with a proposal: "
                    + ", ".join(i.number for i in items if i.id in proposals),
                )
            return proposals[item.id].id
    raise NotFound(
        f"item of meeting {meeting.id}",
        number,
        input_name="item",
        candidates=[i.number for i in items],
    )


def get_proposal(uow: UnitOfWork, system_code: str, proposal_id: int) -> ProposalView:
    proposal, meeting, body_code, held = context(uow, system_code, proposal_id)
    gov = repo(uow)
    item = gov.item(proposal.item_id)
    seats = {s.id: s for s in gov.seat_rows(meeting.body_id)}
    votes = tuple(
        VoteLine(
            seats[v.seat_pk].seat_id,
            seats[v.seat_pk].holder,
            seats[v.seat_pk].organisation_code,
            Choice(v.choice),
            v.cast_at,
            v.recorded_by,
            v.note,
        )
        for v in gov.votes(proposal.id)
    )
    decided = gov.decision(proposal.id)
    return ProposalView(
        proposal.id,
        meeting.id,
        body_code,
        item.number,
        item.public,
        proposal.title,
        proposal.text,
        proposal.decision_type,
        tuple(proposal.flags),
        tuple(proposal.organisations),
        tuple(proposal.topics),
        proposal.status,
        votes,
        recusals(uow, system_code, proposal, meeting, body_code, held),
        decision_view(decided) if decided else None,
    )


def recusals(
    uow: UnitOfWork,
    system_code: str,
    proposal: GovProposalRow,
    meeting: GovMeetingRow,
    body_code: str,
    held: list[GovSeatRow],
) -> dict[str, str]:
    seats = [seat_from_row(s, body_code) for s in held]
    return recusals_for(uow, system_code, proposal, seats, uk_day(meeting.starts_at))
