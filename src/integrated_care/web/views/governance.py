"""Governance pages: the list of bodies (with meetings and consultations) and a body's page
with its members on a date and the composition check, each unmet rule stated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from integrated_care.governance.model import SeatType
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import consultations
from integrated_care.services.governance import bodies, interests, meetings
from integrated_care.services.governance.common import UK
from integrated_care.services.governance.views import MeetingView
from integrated_care.web.views.common import AsOf, code_path, link


def when(moment: datetime | None) -> str:
    """A time as people in England read it: '12 June 2025, 10:30' (UK time)."""
    if moment is None:
        return "not yet"
    local = moment.astimezone(UK)
    return f"{local.day} {local:%B %Y}, {local:%H:%M}"


def sentence(text: str) -> str:
    """'ICB board' stays 'ICB board'; 'committee' becomes 'Committee'."""
    return text[:1].upper() + text[1:]


def day_text(day: date | None) -> str:
    return "not set" if day is None else f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class MeetingLine:
    meeting_id: int
    href: str
    body_name: str
    starts: str
    location: str
    published: str  # "Agenda published 4 June 2025 (7 clear days)" or "Agenda not published"
    items: int
    decided: int


def meeting_line(m: MeetingView) -> MeetingLine:
    if m.agenda_published_at is None:
        published = "Agenda not yet published"
    else:
        published = f"Agenda published {day_text(m.agenda_published_at.astimezone(UK).date())}"
        if m.clear_days is not None:
            published += f" ({m.clear_days} clear days’ notice)"
    decided = sum(1 for i in m.items if i.proposal and i.proposal.status == "decided")
    return MeetingLine(
        m.meeting_id,
        f"/governance/meetings/{m.meeting_id}",
        m.body_name,
        when(m.starts_at),
        m.location,
        published,
        len(m.items),
        decided,
    )


@dataclass(frozen=True, slots=True)
class BodyLine:
    code: str
    name: str
    kind: str
    href: str
    rule_set: str
    members: int
    composition_ok: bool
    unmet: int


@dataclass(frozen=True, slots=True)
class ConsultationLine:
    code: str
    title: str
    owner: str
    href: str
    dates: str
    questions: int


@dataclass(frozen=True, slots=True)
class GovernanceIndex:
    bodies: tuple[BodyLine, ...]
    meetings: tuple[MeetingLine, ...]
    consultations: tuple[ConsultationLine, ...]


def _rule_set_text(name: str | None, version: int | None) -> str:
    return "none assigned" if name is None else f"{name}, version {version}"


def index(uow: UnitOfWork, system_code: str, as_of: AsOf) -> GovernanceIndex:
    lines = []
    for body in bodies.list_bodies(uow, system_code):
        _, unmet = bodies.check_composition(uow, system_code, body.code, as_of.day)
        lines.append(
            BodyLine(
                body.code,
                body.name,
                sentence(body.kind.value),
                link(code_path("/governance/bodies", body.code), as_of),
                _rule_set_text(body.rule_set, body.rule_set_version),
                len(body.seats_on(as_of.day)),
                not unmet,
                len(unmet),
            )
        )
    found = sorted(
        meetings.list_meetings(uow, system_code), key=lambda m: m.starts_at, reverse=True
    )
    return GovernanceIndex(
        tuple(lines),
        tuple(meeting_line(m) for m in found),
        tuple(
            ConsultationLine(
                c.code,
                c.title,
                c.owner_name,
                code_path("/governance/consultations", c.code),
                f"{day_text(c.opens)} to {day_text(c.closes)}",
                len(c.questions),
            )
            for c in consultations.list_all(uow, system_code)
        ),
    )


# -- a body ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeatLine:
    seat_id: str
    title: str
    holder: str
    seat_type: str
    organisation: str
    voting: bool
    term: str
    declarations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnmetLine:
    message: str
    source: str
    citation: str
    found: int


@dataclass(frozen=True, slots=True)
class BodyPage:
    code: str
    name: str
    kind: str
    path: str
    rule_set: str
    notice_days: int
    local_rules: tuple[str, ...]
    voting: tuple[SeatLine, ...]
    attending: tuple[SeatLine, ...]  # participants and observers
    unmet: tuple[UnmetLine, ...]
    meetings: tuple[MeetingLine, ...]


ATTENDING = (SeatType.PARTICIPANT, SeatType.OBSERVER)
SOURCES = {"statute": "Statute", "policy": "NHS England policy", "local": "Local rule"}


def body_page(uow: UnitOfWork, system_code: str, code: str, as_of: AsOf) -> BodyPage:
    body, unmet = bodies.check_composition(uow, system_code, code, as_of.day)
    names = {o.code: o.name for o in uow.structure.organisations(system_code)}
    declared: dict[str, list[str]] = {}
    for record in interests.list_declarations(uow, system_code, on=as_of.day):
        d = record.declaration
        if d.seat_id is not None:
            declared.setdefault(d.seat_id, []).append(
                f"{d.kind.value.capitalize()}: {d.description}"
            )
    seats = []
    for seat in body.seats_on(as_of.day):
        end = f" to {day_text(seat.term.end)}" if seat.term.end else ""
        seats.append(
            SeatLine(
                seat.seat_id,
                seat.title,
                seat.holder,
                seat.seat_type.value,
                names.get(seat.organisation_code or "", seat.organisation_code or "–"),
                seat.voting,
                f"From {day_text(seat.term.start)}{end}",
                tuple(declared.get(seat.seat_id, ())),
            )
        )
    rules = tuple(
        f"At least {r.get('min', 1)} {r.get('noun', r.get('id'))} "
        f"({r.get('citation', 'local rule')})"
        for r in body.local_rules
    )
    held = sorted(
        meetings.list_meetings(uow, system_code, body.code),
        key=lambda m: m.starts_at,
        reverse=True,
    )
    return BodyPage(
        body.code,
        body.name,
        sentence(body.kind.value),
        code_path("/governance/bodies", body.code),
        _rule_set_text(body.rule_set, body.rule_set_version),
        body.notice_days,
        rules,
        tuple(s for s in seats if s.seat_type not in ATTENDING),
        tuple(s for s in seats if s.seat_type in ATTENDING),
        tuple(
            UnmetLine(u.message, SOURCES.get(str(u.source), str(u.source)), u.citation, u.found)
            for u in unmet
        ),
        tuple(meeting_line(m) for m in held),
    )
