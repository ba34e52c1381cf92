"""Meetings: create, add agenda items (with proposals), record attendance and apologies, and
minutes. Publishing the agenda, with its notice check, is in ``agenda.py`` (re-exported
here: ``meetings.publish_agenda``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.model import (
    MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING,
    Classification,
)
from integrated_care.persistence.governance_models import (
    GovItemRow,
    GovMeetingRow,
    GovProposalRow,
)
from integrated_care.persistence.governance_repository import seat_from_row
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.agenda import Publication as Publication
from integrated_care.services.governance.agenda import clear_days as clear_days
from integrated_care.services.governance.agenda import publish_agenda as publish_agenda
from integrated_care.services.governance.common import (
    audit,
    body_row,
    meeting_row,
    non_blank,
    repo,
    uk_day,
    unpublished,
)
from integrated_care.services.governance.views import MeetingView, meeting_view

ITEM_NUMBER = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){0,2}[a-z]?")
KNOWN_FLAGS = frozenset({MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING})


@dataclass(frozen=True, slots=True)
class ProposalSpec:
    title: str
    text: str
    classification: Classification
    organisations: tuple[str, ...] = ()  # organisations the proposal concerns (interests)
    topics: tuple[str, ...] = ()  # topics it concerns, e.g. "community services"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    number: str
    title: str
    public: bool = True
    exclusion_ground: str | None = None  # private items: e.g. "Schedule 12A paragraph 3"
    publish_after: date | None = None  # private items: when the content can be published
    proposal: ProposalSpec | None = None


def create_meeting(
    uow: UnitOfWork,
    system_code: str,
    body_code: str,
    starts_at: datetime,
    location: str,
    *,
    actor: Actor,
    chair_seat_id: str | None = None,
) -> MeetingView:
    require(actor, Permission.MANAGE_GOVERNANCE)
    body = body_row(uow, system_code, body_code)
    day = uk_day(starts_at)
    place = non_blank(location, "meeting location", "location")
    if chair_seat_id is not None:
        held = [
            s
            for s in repo(uow).seat_rows(body.id)
            if s.seat_id == chair_seat_id and seat_from_row(s, body.code).held_on(day)
        ]
        if not held:
            raise NotFound(
                f"seat of {body.code} held on {day.isoformat()}",
                chair_seat_id,
                input_name="chair",
                candidates=[s.seat_id for s in repo(uow).seat_rows(body.id)],
            )
    row = repo(uow).add(
        GovMeetingRow(
            system_code=system_code,
            body_id=body.id,
            starts_at=starts_at,
            location=place,
            chair_seat_id=chair_seat_id,
            minutes_approved=False,
            created_at=utc_now(),
        )
    )
    audit(uow, actor, system_code, f"governance/meetings/{row.id}", use_case="create_meeting")
    return meeting_view(uow, row)


def list_meetings(
    uow: UnitOfWork, system_code: str, body_code: str | None = None
) -> list[MeetingView]:
    body_id = body_row(uow, system_code, body_code).id if body_code else None
    return [meeting_view(uow, m) for m in repo(uow).meetings(system_code, body_id)]


def get_meeting(
    uow: UnitOfWork,
    system_code: str,
    meeting_id: int,
    *,
    viewer: Actor | None = None,
    today: date | None = None,
) -> MeetingView:
    """A meeting with its agenda; for a ``viewer`` without access to non-public information,
    private items keep only their number, ground and publication date until that date."""
    row = meeting_row(uow, system_code, meeting_id)
    return meeting_view(uow, row, viewer=viewer, today=today)


def _check_item(uow: UnitOfWork, system_code: str, meeting: GovMeetingRow, spec: ItemSpec) -> None:
    if not ITEM_NUMBER.fullmatch(spec.number):
        raise InvalidInput(
            f"Agenda item number '{spec.number}' is not valid.",
            input_name="number",
            expected="a number such as 5, 5.1 or 5a",
        )
    non_blank(spec.title, "item title", "title")
    day = uk_day(meeting.starts_at)
    if spec.public and (spec.exclusion_ground or spec.publish_after):
        raise InvalidInput(
            f"Item {spec.number} is public, so it has no exclusion ground or publication date.",
            input_name="public",
            expected="a private item for an exclusion ground",
        )
    if not spec.public:
        if not (spec.exclusion_ground and spec.exclusion_ground.strip()):
            raise InvalidInput(
                f"Private item {spec.number} needs the ground for excluding the public.",
                input_name="exclusion_ground",
                expected='a stated ground, e.g. "Schedule 12A paragraph 3 (financial or '
                'business affairs)"',
            )
        if spec.publish_after is None or spec.publish_after <= day:
            raise InvalidInput(
                f"Private item {spec.number} needs the date its content can be published, "
                f"after the meeting ({day.isoformat()}).",
                input_name="publish_after",
                expected=f"a date after {day.isoformat()}",
            )
    proposal = spec.proposal
    if proposal is not None:
        non_blank(proposal.title, "proposal title", "proposal.title")
        non_blank(proposal.text, "proposal text", "proposal.text", 20000)
        unknown = set(proposal.classification.flags) - KNOWN_FLAGS
        if unknown:
            raise InvalidInput(
                f"Unknown proposal flag '{sorted(unknown)[0]}'.",
                input_name="flags",
                expected=", ".join(sorted(KNOWN_FLAGS)),
            )
        orgs = {o.code: o.name for o in uow.structure.organisations(system_code)}
        for code in proposal.organisations:
            if code not in orgs:
                raise NotFound(
                    "organisation",
                    code,
                    input_name="organisations",
                    candidates=[*orgs, *orgs.values()],
                )


def add_item(
    uow: UnitOfWork, system_code: str, meeting_id: int, spec: ItemSpec, *, actor: Actor
) -> MeetingView:
    """Add an agenda item (and its proposal) to a meeting whose agenda is not yet published."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    meeting = meeting_row(uow, system_code, meeting_id)
    unpublished(meeting, "items cannot be added after publication")
    _check_item(uow, system_code, meeting, spec)
    gov = repo(uow)
    if any(i.number == spec.number for i in gov.items(meeting.id)):
        raise Conflict(
            f"Meeting {meeting.id} already has an item {spec.number}.",
            input_name="number",
            expected="a new item number",
        )
    item = gov.add(
        GovItemRow(
            meeting_id=meeting.id,
            number=spec.number,
            title=spec.title.strip(),
            public=spec.public,
            exclusion_ground=spec.exclusion_ground.strip() if spec.exclusion_ground else None,
            publish_after=spec.publish_after,
        )
    )
    if spec.proposal is not None:
        p = spec.proposal
        gov.add(
            GovProposalRow(
                item_id=item.id,
                title=p.title.strip(),
                text=p.text.strip(),
                decision_type=p.classification.decision_type.value,
                flags=sorted(p.classification.flags),
                organisations=sorted(set(p.organisations)),
                topics=sorted({t.strip().lower() for t in p.topics if t.strip()}),
                status="draft",
            )
        )
    audit(
        uow,
        actor,
        system_code,
        f"governance/meetings/{meeting.id}/items/{spec.number}",
        use_case="add_item",
    )
    return meeting_view(uow, meeting)


def record_attendance(
    uow: UnitOfWork,
    system_code: str,
    meeting_id: int,
    seat_ids: Iterable[str],
    *,
    present: bool,
    actor: Actor,
) -> MeetingView:
    """Mark seats present (or sending apologies); every seat must be held on the day."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    meeting = meeting_row(uow, system_code, meeting_id)
    gov = repo(uow)
    body = gov.body_by_id(meeting.body_id)
    day = uk_day(meeting.starts_at)
    held = {
        s.seat_id: s for s in gov.seat_rows(body.id) if seat_from_row(s, body.code).held_on(day)
    }
    wanted = list(dict.fromkeys(seat_ids))
    if not wanted:
        raise InvalidInput("No seats given.", input_name="seats", expected="one or more seat ids")
    for seat_id in wanted:
        if seat_id not in held:
            raise NotFound(
                f"seat of {body.code} held on {day.isoformat()}",
                seat_id,
                input_name="seats",
                candidates=list(held),
            )
    if not present:
        proposals = gov.proposals_for_items(i.id for i in gov.items(meeting.id))
        for p in proposals.values():
            voted = {v.seat_pk for v in gov.votes(p.id)}
            for seat_id in wanted:
                if p.status == "open" and held[seat_id].id in voted:
                    raise Conflict(
                        f"Seat {seat_id} has voted on the open proposal {p.id}, so it cannot "
                        "be recorded as absent.",
                        input_name="seats",
                        expected="seats that have not voted in an open vote",
                    )
    status = "present" if present else "apologies"
    for seat_id in wanted:
        gov.set_attendance(meeting.id, held[seat_id].id, status, actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"governance/meetings/{meeting.id}/attendance",
        use_case="record_attendance",
        status=status,
        seats=wanted,
    )
    return meeting_view(uow, meeting)


def record_minutes(
    uow: UnitOfWork,
    system_code: str,
    meeting_id: int,
    text: str | None,
    *,
    approved: bool = False,
    actor: Actor,
) -> MeetingView:
    """Record (or replace) the draft minutes, and optionally mark them approved."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    meeting = meeting_row(uow, system_code, meeting_id)
    if meeting.minutes_approved:
        raise Conflict(
            f"The minutes of meeting {meeting.id} are already approved and cannot change.",
            input_name="meeting",
            expected="a meeting whose minutes are not yet approved",
        )
    if text is not None:
        meeting.minutes = non_blank(text, "minutes", "text", 200000)
    if meeting.minutes is None:
        raise InvalidInput(
            f"Meeting {meeting.id} has no minutes to approve.",
            input_name="text",
            expected="the text of the minutes",
        )
    meeting.minutes_approved = approved
    uow.session.flush()
    audit(
        uow,
        actor,
        system_code,
        f"governance/meetings/{meeting.id}/minutes",
        use_case="record_minutes",
        approved=approved,
    )
    return meeting_view(uow, meeting)
