"""Publishing an agenda: the notice check in clear days, and the register entries for the
agenda, each proposal and each private item's exclusion (a salted commitment).

Notice is counted in clear days: neither the day the agenda is published nor the day of the
meeting counts (published Monday 1st for a meeting on Monday 8th = 6 clear days). An agenda
published with less notice than the body requires is refused unless an urgency reason is
given, which is then recorded with the agenda in the public register.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import InvalidInput
from integrated_care.persistence.governance_models import (
    GovItemRow,
    GovMeetingRow,
    GovProposalRow,
)
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import (
    audit,
    meeting_row,
    repo,
    uk_day,
    unpublished,
)
from integrated_care.services.register_events import record_event


@dataclass(frozen=True, slots=True)
class Publication:
    meeting_id: int
    published_at: datetime
    clear_days: int
    notice_days: int
    late: bool
    urgency_reason: str | None
    register_entries: tuple[int, ...]


def clear_days(published: date, meeting: date) -> int:
    """Whole days between the two, neither counted."""
    return (meeting - published).days - 1


def publish_agenda(
    uow: UnitOfWork,
    system_code: str,
    meeting_id: int,
    *,
    actor: Actor,
    at: datetime | None = None,
    urgency_reason: str | None = None,
) -> Publication:
    """Publish the agenda; refused if late unless ``urgency_reason`` is given (and recorded)."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    meeting = meeting_row(uow, system_code, meeting_id)
    unpublished(meeting, "it cannot be published twice")
    body = repo(uow).body_by_id(meeting.body_id)
    gov = repo(uow)
    items = gov.items(meeting.id)
    if not items:
        raise InvalidInput(
            f"Meeting {meeting.id} has no agenda items to publish.",
            input_name="meeting",
            expected="at least one item ('ics governance items add')",
        )
    when = at or utc_now()
    meeting_day, day = uk_day(meeting.starts_at), uk_day(when)
    if when >= meeting.starts_at:
        raise InvalidInput(
            f"The agenda cannot be published at or after the meeting starts "
            f"({meeting.starts_at.isoformat(timespec='minutes')}).",
            input_name="at",
            expected="a time before the meeting",
        )
    clear = clear_days(day, meeting_day)
    late = clear < body.notice_days
    reason = urgency_reason.strip() if urgency_reason and urgency_reason.strip() else None
    if late and reason is None:
        deadline = meeting_day - timedelta(days=body.notice_days + 1)
        raise InvalidInput(
            f"The agenda of meeting {meeting.id} ({body.name}, {meeting_day.isoformat()}) "
            f"would be published late: {max(clear, 0)} clear days before the meeting, "
            f"{body.notice_days} required (publish by {deadline.isoformat()}).",
            input_name="at",
            expected="publication in time, or an urgency reason to record with the late agenda",
        )
    proposals = gov.proposals_for_items(i.id for i in items)
    entries = [
        record_event(
            uow,
            system_code,
            "agenda_published",
            _agenda_payload(meeting, body.code, items, proposals, when, clear, body.notice_days)
            | {"late": late, "urgency_reason": reason if late else None},
            body=body.code,
        )
    ]
    for item in items:
        proposal = proposals.get(item.id)
        if not item.public:
            entries.append(
                record_event(
                    uow,
                    system_code,
                    "exclusion_resolution",
                    {
                        "meeting_id": meeting.id,
                        "item": item.number,
                        "ground": item.exclusion_ground,
                        "publish_after": _iso(item.publish_after),
                        "title": item.title,
                        "proposal": _proposal_payload(proposal) if proposal else None,
                    },
                    body=body.code,
                    private=True,
                    reveal_after=item.publish_after,
                )
            )
        if proposal is not None:
            entries.append(
                record_event(
                    uow,
                    system_code,
                    "proposal",
                    {"meeting_id": meeting.id, "item": item.number, **_proposal_payload(proposal)},
                    body=body.code,
                    private=not item.public,
                    reveal_after=None if item.public else item.publish_after,
                )
            )
    meeting.agenda_published_at = when
    meeting.clear_days = clear
    meeting.urgency_reason = reason if late else None
    uow.session.flush()
    audit(
        uow,
        actor,
        system_code,
        f"governance/meetings/{meeting.id}/agenda",
        use_case="publish_agenda",
        clear_days=clear,
        late=late,
    )
    return Publication(
        meeting.id, when, clear, body.notice_days, late, reason if late else None, tuple(entries)
    )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _proposal_payload(p: GovProposalRow) -> dict[str, object]:
    return {
        "proposal_id": p.id,
        "title": p.title,
        "text": p.text,
        "decision_type": p.decision_type,
        "flags": list(p.flags),
        "organisations": list(p.organisations),
        "topics": list(p.topics),
    }


def _agenda_payload(
    meeting: GovMeetingRow,
    body_code: str,
    items: Sequence[GovItemRow],
    proposals: dict[int, GovProposalRow],
    published: datetime,
    clear: int,
    notice: int,
) -> dict[str, object]:
    listed: list[dict[str, object]] = []
    for item in items:
        if item.public:
            p = proposals.get(item.id)
            listed.append(
                {
                    "item": item.number,
                    "title": item.title,
                    "public": True,
                    "proposal_id": p.id if p else None,
                }
            )
        else:  # the ground and date are public; the content is committed privately
            listed.append(
                {
                    "item": item.number,
                    "public": False,
                    "ground": item.exclusion_ground,
                    "publish_after": _iso(item.publish_after),
                }
            )
    return {
        "meeting_id": meeting.id,
        "body": body_code,
        "meeting_at": meeting.starts_at.isoformat(),
        "location": meeting.location,
        "published_at": published.isoformat(),
        "clear_days": clear,
        "notice_days": notice,
        "items": listed,
    }
