"""Read models of meetings, items, proposals and decisions, shared by the CLI, API and web.

Plain frozen values built from rows. For a viewer without access to non-public information,
a private item keeps only its number, exclusion ground and publication date until that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from integrated_care.access import Actor, Permission
from integrated_care.governance.model import Classification, DecisionType
from integrated_care.persistence.governance_models import (
    GovDecisionRow,
    GovItemRow,
    GovMeetingRow,
    GovProposalRow,
)
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import repo, uk_day


@dataclass(frozen=True, slots=True)
class DecisionView:
    proposal_id: int
    carried: bool
    quorate: bool
    rule_set: str
    rule_version: int
    rule_id: str
    explanation: str
    notes: tuple[str, ...]
    tally: dict[str, int]
    ballots: tuple[dict[str, Any], ...]
    decided_at: datetime
    decided_by: str
    register_seq: int | None


@dataclass(frozen=True, slots=True)
class ProposalSummary:
    proposal_id: int
    title: str
    classification: Classification
    status: str  # draft | open | decided
    carried: bool | None  # None until decided


@dataclass(frozen=True, slots=True)
class ItemView:
    number: str
    title: str  # "Private item" when withheld from the viewer
    public: bool
    exclusion_ground: str | None
    publish_after: date | None
    withheld: bool
    proposal: ProposalSummary | None


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    seat_id: str
    holder: str
    title: str
    status: str  # present | apologies


@dataclass(frozen=True, slots=True)
class MeetingView:
    meeting_id: int
    body_code: str
    body_name: str
    starts_at: datetime
    day: date
    location: str
    chair_seat_id: str | None
    agenda_published_at: datetime | None
    clear_days: int | None
    notice_days: int
    urgency_reason: str | None
    minutes: str | None
    minutes_approved: bool
    items: tuple[ItemView, ...]
    attendance: tuple[AttendanceLine, ...]


def classification_of(p: GovProposalRow) -> Classification:
    return Classification(DecisionType(p.decision_type), frozenset(p.flags))


def decision_view(row: GovDecisionRow) -> DecisionView:
    return DecisionView(
        row.proposal_id,
        row.carried,
        row.quorate,
        row.rule_set,
        row.rule_version,
        row.rule_id,
        row.explanation,
        tuple(row.notes),
        dict(row.tally),
        tuple(dict(b) for b in row.ballots),
        row.decided_at,
        row.decided_by,
        row.register_seq,
    )


def withheld_from(item: GovItemRow, viewer: Actor | None, today: date | None = None) -> bool:
    """Whether a private item's content is hidden from ``viewer`` (None: nobody is hidden)."""
    if item.public or viewer is None or viewer.can(Permission.READ_RESTRICTED):
        return False
    return item.publish_after is None or (today or date.today()) < item.publish_after


def meeting_view(
    uow: UnitOfWork,
    row: GovMeetingRow,
    *,
    viewer: Actor | None = None,
    today: date | None = None,
) -> MeetingView:
    gov = repo(uow)
    body = gov.body_by_id(row.body_id)
    items = gov.items(row.id)
    proposals = gov.proposals_for_items(i.id for i in items)
    decisions = gov.decisions(p.id for p in proposals.values())
    views = []
    for item in items:
        hidden = withheld_from(item, viewer, today)
        p = proposals.get(item.id)
        summary = None
        if p is not None and not hidden:
            decided = decisions.get(p.id)
            summary = ProposalSummary(
                p.id, p.title, classification_of(p), p.status, decided.carried if decided else None
            )
        views.append(
            ItemView(
                item.number,
                "Private item" if hidden else item.title,
                item.public,
                item.exclusion_ground,
                item.publish_after,
                hidden,
                summary,
            )
        )
    seats = {s.id: s for s in gov.seat_rows(body.id)}
    attendance = tuple(
        AttendanceLine(seats[pk].seat_id, seats[pk].holder, seats[pk].title, a.status)
        for pk, a in sorted(gov.attendance(row.id).items(), key=lambda kv: seats[kv[0]].seat_id)
    )
    return MeetingView(
        row.id,
        body.code,
        body.name,
        row.starts_at,
        uk_day(row.starts_at),
        row.location,
        row.chair_seat_id,
        row.agenda_published_at,
        row.clear_days,
        body.notice_days,
        row.urgency_reason,
        row.minutes,
        row.minutes_approved,
        tuple(views),
        attendance,
    )
