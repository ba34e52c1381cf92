"""Partnership membership: who belonged to which body on a date, and every recorded change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import membership
from integrated_care.structure.membership import Action, Status
from integrated_care.web.views.common import AsOf, link

# NHS.UK tag colours: green for a full member, orange so a suspension stands out, grey for
# an organisation that has left. Text always says the status too; colour is never alone.
STATUS_TAGS: dict[Status, str] = {
    Status.MEMBER: "nhsuk-tag--green",
    Status.SUSPENDED: "nhsuk-tag--orange",
    Status.WITHDRAWN: "nhsuk-tag--grey",
    Status.NOT_MEMBER: "nhsuk-tag--white",
}
ACTION_TAGS: dict[Action, str] = {
    Action.JOIN: "nhsuk-tag--green",
    Action.REJOIN: "nhsuk-tag--blue",
    Action.SUSPEND: "nhsuk-tag--orange",
    Action.WITHDRAW: "nhsuk-tag--grey",
}


@dataclass(frozen=True, slots=True)
class MemberRow:
    organisation: str
    organisation_code: str
    body: str
    status: str
    tag_class: str
    since: date | None
    reason: str | None
    planned_end: date | None
    planned_end_passed: bool
    conditions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    effective: date
    body: str
    organisation: str
    organisation_code: str
    change: str
    tag_class: str
    reason: str | None
    planned_end: date | None
    conditions: tuple[str, ...]
    after_date: bool  # recorded to take effect after the date shown


@dataclass(frozen=True, slots=True)
class BodyChoice:
    code: str
    name: str
    selected: bool


@dataclass(frozen=True, slots=True)
class BodyMembers:
    """One body's members on the date; withdrawn organisations are kept apart."""

    code: str
    name: str
    href: str  # the membership page filtered to this body
    members: tuple[MemberRow, ...]  # members and suspended members
    withdrawn: tuple[MemberRow, ...]


@dataclass(frozen=True, slots=True)
class MembershipPage:
    bodies: tuple[BodyChoice, ...]
    body_name: str | None  # the filter, if any
    groups: tuple[BodyMembers, ...]
    suspended: int
    history: tuple[HistoryRow, ...]
    clear_href: str


def member_rows(members: Iterable[membership.MemberOnDate], as_of: AsOf) -> list[MemberRow]:
    rows = []
    for m in members:
        state = m.state
        rows.append(
            MemberRow(
                m.organisation.name,
                m.organisation.code,
                m.body.name,
                state.status.value,
                STATUS_TAGS[state.status],
                state.since,
                state.reason,
                state.planned_end,
                state.planned_end is not None and as_of.day >= state.planned_end,
                state.conditions,
            )
        )
    return rows


def group_by_body(members: Iterable[membership.MemberOnDate], as_of: AsOf) -> list[BodyMembers]:
    """Members on the date per body, bodies in name order (as ``members_on`` sorts them)."""
    by_body: dict[str, list[membership.MemberOnDate]] = {}
    for m in members:
        by_body.setdefault(m.body.code, []).append(m)
    groups = []
    for code, items in by_body.items():
        rows = member_rows(items, as_of)
        groups.append(
            BodyMembers(
                code,
                items[0].body.name,
                link("/membership", as_of, body=code),
                tuple(r for r in rows if r.status != Status.WITHDRAWN.value),
                tuple(r for r in rows if r.status == Status.WITHDRAWN.value),
            )
        )
    return groups


def membership_page(
    uow: UnitOfWork, system_code: str, as_of: AsOf, body_code: str | None
) -> MembershipPage:
    body_code = body_code or None
    # The service raises NotFound (with suggestions) for an unknown body code.
    lines = membership.history(uow, system_code, body_code=body_code)
    groups = group_by_body(membership.members_on(uow, system_code, as_of.day, body_code), as_of)
    bodies = uow.structure.bodies(system_code)
    history = [
        HistoryRow(
            line.event.effective,
            line.body.name,
            line.organisation.name,
            line.organisation.code,
            line.event.action.value,
            ACTION_TAGS[line.event.action],
            line.event.reason,
            line.event.planned_end,
            line.event.conditions,
            line.event.effective > as_of.day,
        )
        for line in lines
    ]
    # Newest first: the latest changes are what people come to check.
    history.sort(key=lambda h: (h.effective, h.body, h.organisation), reverse=True)
    return MembershipPage(
        bodies=tuple(BodyChoice(b.code, b.name, b.code == body_code) for b in bodies),
        body_name=next((b.name for b in bodies if b.code == body_code), None),
        groups=tuple(groups),
        suspended=sum(1 for g in groups for m in g.members if m.status == Status.SUSPENDED.value),
        history=tuple(history),
        clear_href=link("/membership", as_of),
    )
