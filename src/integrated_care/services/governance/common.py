"""What the governance services share: the repository, look-ups with suggestions, the
audit line and the calendar day of a meeting."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from integrated_care.access import Actor
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.persistence.governance_models import (
    GovBodyRow,
    GovMeetingRow,
    GovProposalRow,
)
from integrated_care.persistence.governance_repository import GovernanceRepository
from integrated_care.persistence.uow import UnitOfWork

# Meetings happen in England: calendar days (notice, terms, publication dates) are counted in
# UK civil time, whatever zone the timestamp was given in.
UK = ZoneInfo("Europe/London")
CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
SEAT_ID = re.compile(r"[a-z0-9][a-z0-9_.-]{0,59}")


def repo(uow: UnitOfWork) -> GovernanceRepository:
    return GovernanceRepository(uow.session)


def uk_day(moment: datetime) -> date:
    """The calendar day in England of an aware timestamp."""
    if moment.tzinfo is None:
        raise InvalidInput(
            "A time was given without a time zone.",
            input_name="time",
            expected="a time with a zone, e.g. 2025-05-14T10:00:00+00:00 (UTC)",
        )
    return moment.astimezone(UK).date()


def check_code(value: str, what: str, input_name: str, pattern: re.Pattern[str] = CODE) -> str:
    if not pattern.fullmatch(value):
        raise InvalidInput(
            f"The {what} '{value}' is not valid.",
            input_name=input_name,
            expected=f"lower-case letters, digits, '-' or '_' ({pattern.pattern})",
        )
    return value


def non_blank(value: str, what: str, input_name: str, limit: int = 300) -> str:
    text = value.strip()
    if not 0 < len(text) <= limit:
        raise InvalidInput(
            f"The {what} is {'blank' if not text else 'too long'}.",
            input_name=input_name,
            expected=f"1 to {limit} characters",
        )
    return text


def body_row(uow: UnitOfWork, system_code: str, code: str) -> GovBodyRow:
    gov = repo(uow)
    row = gov.body(system_code, code)
    if row is None:
        raise NotFound(
            "governance body",
            code,
            input_name="body",
            candidates=[b.code for b in gov.bodies(system_code)],
        )
    return row


def meeting_row(uow: UnitOfWork, system_code: str, meeting_id: int) -> GovMeetingRow:
    gov = repo(uow)
    row = gov.meeting(system_code, meeting_id)
    if row is None:
        raise NotFound(
            "meeting",
            str(meeting_id),
            input_name="meeting",
            candidates=[str(m.id) for m in gov.meetings(system_code)],
            expected="a meeting number from 'ics governance meetings list'",
        )
    return row


def proposal_row(uow: UnitOfWork, system_code: str, proposal_id: int) -> GovProposalRow:
    gov = repo(uow)
    row = gov.proposal(proposal_id)
    if row is not None:
        meeting = gov.meeting(system_code, gov.item(row.item_id).meeting_id)
        if meeting is not None:
            return row
    raise NotFound(
        "proposal",
        str(proposal_id),
        input_name="proposal",
        expected="a proposal number shown by 'ics governance meetings show'",
    )


def audit(uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: Any) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )


def unpublished(meeting: GovMeetingRow, what: str) -> None:
    if meeting.agenda_published_at is not None:
        raise Conflict(
            f"The agenda of meeting {meeting.id} was published on "
            f"{meeting.agenda_published_at.isoformat(timespec='minutes')}; {what}.",
            input_name="meeting",
            expected="a meeting whose agenda is not yet published",
        )
