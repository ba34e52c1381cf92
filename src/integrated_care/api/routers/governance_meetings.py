"""Meetings, agendas, attendance, minutes, proposals, votes and decisions.

Meetings and their public items are public; a private item shows only its number, the ground
for excluding the public and its publication date until then, unless the reader's role may
read non-public information (the read is then audited). A board secretary (or admin) creates
meetings, adds items, publishes the agenda with its notice check, records attendance and
minutes, opens and closes votes. A board member casts only their own vote: the seat linked to
their username; a secretary may record a vote cast in the room for a named seat.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from integrated_care.api.deps import ActorDep, SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.governance_common import READ_ERRORS, WRITE_ERRORS, SignedUowDep
from integrated_care.api.schemas.governance import (
    AttendanceCreate,
    DecisionRead,
    ItemCreate,
    MeetingCreate,
    MeetingRead,
    MeetingSummaryRead,
    MinutesCreate,
    ProposalRead,
    PublicationRead,
    PublishCreate,
    VoteCreate,
    VoteRead,
)
from integrated_care.governance.model import Choice, Classification
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import governance_queries as queries
from integrated_care.services.governance import meetings, voting
from integrated_care.services.governance.dicts import decision_dict, meeting_dict, proposal_dict
from integrated_care.services.governance.views import MeetingView
from integrated_care.services.register_events import signer_for

router = APIRouter(tags=["governance"], dependencies=[Depends(current_actor)])


def _meeting(uow: UnitOfWork, system: str, view: MeetingView) -> MeetingRead:
    decisions = [decision_dict(d) for d in queries.meeting_decisions(uow, system, view)]
    return MeetingRead.model_validate(meeting_dict(view) | {"decisions": decisions})


def _proposal(page: queries.ProposalPage) -> ProposalRead:
    rule = page.rule
    data = proposal_dict(page.proposal) | {
        "cast": page.cast,
        "rule": None
        if rule is None
        else {
            "rule_set": rule.rule_set,
            "rule_version": rule.rule_version,
            "rule_id": rule.rule_id,
            "description": rule.description,
            "purpose": rule.purpose,
            "notes": list(rule.notes),
            "decided": rule.decided,
        },
    }
    return ProposalRead.model_validate(data)


@router.get("/governance/meetings", response_model=list[MeetingSummaryRead], responses=READ_ERRORS)
def list_meetings(
    uow: UowDep,
    workspace: WorkspaceDep,
    body: Annotated[str | None, Query(description="Only this body's meetings.")] = None,
) -> list[MeetingSummaryRead]:
    """Meetings of every body (or one), with when the agenda was published and its notice."""
    found = meetings.list_meetings(uow, workspace.system, body)
    return [MeetingSummaryRead.model_validate(meeting_dict(m)) for m in found]


@router.get("/governance/meetings/{meeting_id}", response_model=MeetingRead, responses=READ_ERRORS)
def show_meeting(
    meeting_id: int, uow: UowDep, workspace: WorkspaceDep, actor: ActorDep
) -> MeetingRead:
    """A meeting: agenda (public and private items), attendance and apologies, minutes, and
    the votes and outcome of each decided item."""
    view = meetings.get_meeting(uow, workspace.system, meeting_id, viewer=actor)
    result = _meeting(uow, workspace.system, view)
    if queries.shows_private(view):
        queries.note_private_read(uow, workspace.system, actor, f"governance/meetings/{meeting_id}")
        uow.commit()
    return result


@router.post(
    "/governance/meetings",
    response_model=MeetingRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_meeting(
    meeting: MeetingCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> MeetingRead:
    """Create a meeting of a body (board secretary or admin)."""
    view = meetings.create_meeting(
        uow,
        workspace.system,
        meeting.body,
        meeting.starts_at,
        meeting.location,
        actor=actor,
        chair_seat_id=meeting.chair,
    )
    result = _meeting(uow, workspace.system, view)
    uow.commit()
    return result


@router.post(
    "/governance/meetings/{meeting_id}/items",
    response_model=MeetingRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def add_item(
    meeting_id: int,
    item: ItemCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> MeetingRead:
    """Add an agenda item, with its proposal if it has one, before the agenda is published.
    A private item needs the ground for excluding the public and a publication date."""
    proposal = None
    if item.proposal is not None:
        p = item.proposal
        proposal = meetings.ProposalSpec(
            p.title,
            p.text,
            Classification(p.decision_type, frozenset(p.flags)),
            tuple(p.organisations),
            tuple(p.topics),
        )
    spec = meetings.ItemSpec(
        item.number, item.title, item.public, item.exclusion_ground, item.publish_after, proposal
    )
    view = meetings.add_item(uow, workspace.system, meeting_id, spec, actor=actor)
    result = _meeting(uow, workspace.system, view)
    uow.commit()
    return result


@router.post(
    "/governance/meetings/{meeting_id}/publish",
    response_model=PublicationRead,
    responses=WRITE_ERRORS,
)
def publish_agenda(
    meeting_id: int,
    body: PublishCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> PublicationRead:
    """Publish the agenda now. With less notice than the body requires (clear days, neither
    the day of publication nor of the meeting counted) it is refused, writing nothing, unless
    an urgency reason is given, which is then recorded with the agenda in the register."""
    done = meetings.publish_agenda(
        uow, workspace.system, meeting_id, actor=actor, urgency_reason=body.urgency_reason
    )
    uow.commit()
    return PublicationRead(
        meeting_id=done.meeting_id,
        published_at=done.published_at,
        clear_days=done.clear_days,
        notice_days=done.notice_days,
        late=done.late,
        urgency_reason=done.urgency_reason,
        register_entries=list(done.register_entries),
    )


@router.post(
    "/governance/meetings/{meeting_id}/attendance",
    response_model=MeetingRead,
    responses=WRITE_ERRORS,
)
def record_attendance(
    meeting_id: int,
    body: AttendanceCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> MeetingRead:
    """Record seats present or sending apologies (board secretary or admin)."""
    view = meetings.record_attendance(
        uow, workspace.system, meeting_id, body.seats, present=body.status == "present", actor=actor
    )
    result = _meeting(uow, workspace.system, view)
    uow.commit()
    return result


@router.post(
    "/governance/meetings/{meeting_id}/minutes",
    response_model=MeetingRead,
    responses=WRITE_ERRORS,
)
def record_minutes(
    meeting_id: int,
    body: MinutesCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> MeetingRead:
    """Record or replace the draft minutes, or approve them (then they are final)."""
    view = meetings.record_minutes(
        uow, workspace.system, meeting_id, body.text, approved=body.approved, actor=actor
    )
    result = _meeting(uow, workspace.system, view)
    uow.commit()
    return result


@router.get(
    "/governance/proposals/{proposal_id}", response_model=ProposalRead, responses=READ_ERRORS
)
def show_proposal(
    proposal_id: int, uow: UowDep, workspace: WorkspaceDep, actor: ActorDep
) -> ProposalRead:
    """A proposal: its classification, the rule applied (with the rule set version) and the
    plain-English explanation, any PSR note where the guard refused a rule, the tally and
    each member's vote. On a private item, refused to the public until its publication."""
    page = queries.proposal_page(uow, workspace.system, proposal_id, actor)
    if queries.private_shown(page.item):
        queries.note_private_read(
            uow, workspace.system, actor, f"governance/proposals/{proposal_id}"
        )
        uow.commit()
    return _proposal(page)


@router.post(
    "/governance/proposals/{proposal_id}/open",
    response_model=ProposalRead,
    responses=WRITE_ERRORS,
)
def open_vote(
    proposal_id: int, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> ProposalRead:
    """Open the vote on a proposal of a published agenda (board secretary or admin)."""
    voting.open_vote(uow, workspace.system, proposal_id, actor=actor)
    result = _proposal(queries.proposal_page(uow, workspace.system, proposal_id, actor))
    uow.commit()
    return result


@router.post(
    "/governance/proposals/{proposal_id}/votes",
    response_model=VoteRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def cast_vote(
    proposal_id: int,
    vote: VoteCreate,
    actor: SignedInDep,
    uow: SignedUowDep,
    workspace: WorkspaceDep,
) -> VoteRead:
    """Cast a vote: a board member for their own seat only; a board secretary records a
    named seat's vote. Refused, writing nothing, for a non-member, a non-voting or recused
    member, a member not present, a second vote, or a vote that is not open."""
    seat = queries.seat_to_vote_with(uow, workspace.system, proposal_id, actor, vote.seat_id)
    line = voting.cast_vote(
        uow, workspace.system, proposal_id, seat, Choice(vote.choice), actor=actor, note=vote.note
    )
    uow.commit()
    return VoteRead(
        seat_id=line.seat_id,
        holder=line.holder,
        organisation=line.organisation_code,
        choice=vote.choice,
        cast_at=line.cast_at,
        recorded_by=line.recorded_by,
        note=line.note,
    )


@router.post(
    "/governance/proposals/{proposal_id}/close",
    response_model=DecisionRead,
    responses=WRITE_ERRORS,
)
def close_vote(
    proposal_id: int, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> DecisionRead:
    """Close the vote and record the decision under the body's rule set (board secretary or
    admin): every ballot and the decision go to the public register, and a checkpoint of the
    register is signed. A meeting that is not quorate decides nothing (409)."""
    decision = voting.close_vote(uow, workspace.system, proposal_id, actor=actor)
    queries.sign_tree_head(uow, workspace.system, signer_for(workspace), actor=actor)
    uow.commit()
    return DecisionRead.model_validate(decision_dict(decision))
