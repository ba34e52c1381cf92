"""Membership use cases: join, suspend, rejoin, withdraw, and the history on any date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.register_events import record_event
from integrated_care.structure.membership import (
    Action,
    MembershipEvent,
    MembershipState,
    PartnershipBody,
    check_next,
    state_as_of,
)
from integrated_care.structure.organisations import Organisation


@dataclass(frozen=True, slots=True)
class HistoryLine:
    event: MembershipEvent
    body: PartnershipBody
    organisation: Organisation


@dataclass(frozen=True, slots=True)
class MemberOnDate:
    organisation: Organisation
    body: PartnershipBody
    state: MembershipState


def _body(uow: UnitOfWork, system_code: str, code: str) -> PartnershipBody:
    bodies = uow.structure.bodies(system_code)
    for body in bodies:
        if body.code == code:
            return body
    raise NotFound("partnership body", code, input_name="body", candidates=[b.code for b in bodies])


def _organisation(uow: UnitOfWork, system_code: str, code: str) -> Organisation:
    orgs = uow.structure.organisations(system_code)
    for org in orgs:
        if org.code == code or (org.gss_code == code) or (org.ods_code == code):
            return org
    raise NotFound(
        "organisation",
        code,
        input_name="organisation",
        candidates=[*(o.code for o in orgs), *(o.name for o in orgs)],
    )


def record(
    uow: UnitOfWork,
    system_code: str,
    *,
    body_code: str,
    org_code: str,
    action: Action,
    effective: date,
    reason: str | None = None,
    planned_end: date | None = None,
    conditions: tuple[str, ...] = (),
    actor: Actor,
) -> MembershipEvent:
    """Validate and record one membership change; refused changes write nothing."""
    require(actor, Permission.MANAGE_MEMBERSHIP)
    body = _body(uow, system_code, body_code)
    org = _organisation(uow, system_code, org_code)
    event = MembershipEvent(
        body.code,
        org.code,
        action,
        effective,
        reason.strip() if reason else None,
        planned_end,
        tuple(c.strip() for c in conditions if c.strip()),
    )
    history = uow.structure.membership_events(system_code, body.code, org.code)
    check_next(history, event, org.name)
    uow.structure.add_membership_event(system_code, event, actor.name)
    record_event(
        uow,
        system_code,
        "membership_change",
        {
            "body": body.code,
            "organisation": org.code,
            "organisation_name": org.name,
            "action": action.value,
            "effective": effective.isoformat(),
            "reason": event.reason,
            "planned_end": planned_end.isoformat() if planned_end else None,
            "conditions": list(event.conditions),
        },
        body=body.code,
    )
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"membership/{body.code}/{org.code}",
        system_code=system_code,
        detail={"action": action.value, "effective": effective.isoformat()},
    )
    return event


def history(
    uow: UnitOfWork, system_code: str, *, org_code: str | None = None, body_code: str | None = None
) -> list[HistoryLine]:
    bodies = {b.code: b for b in uow.structure.bodies(system_code)}
    orgs = {o.code: o for o in uow.structure.organisations(system_code)}
    org = _organisation(uow, system_code, org_code).code if org_code else None
    body = _body(uow, system_code, body_code).code if body_code else None
    events = uow.structure.membership_events(system_code, body, org)
    return [HistoryLine(e, bodies[e.body_code], orgs[e.org_code]) for e in events]


def members_on(
    uow: UnitOfWork, system_code: str, day: date, body_code: str | None = None
) -> list[MemberOnDate]:
    """Every organisation with a membership state other than 'not a member' on ``day``."""
    lines = history(uow, system_code, body_code=body_code)
    grouped: dict[tuple[str, str], list[HistoryLine]] = {}
    for line in lines:
        grouped.setdefault((line.body.code, line.organisation.code), []).append(line)
    result = []
    for group in grouped.values():
        state = state_as_of([g.event for g in group], day)
        if state.since is not None:
            result.append(MemberOnDate(group[0].organisation, group[0].body, state))
    return sorted(result, key=lambda m: (m.body.name, m.organisation.name))
