"""Partnership bodies and who belongs to them: join, suspend, rejoin and withdraw.

Membership of a public body is public information, so reads need no sign-in. Recording a
change needs a board secretary or admin (checked by the membership service).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, status

from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.schemas.common import IsoDate, error_responses
from integrated_care.api.schemas.membership import (
    BodyRead,
    EventRead,
    MembershipCreate,
    MembershipRead,
    RecordedRead,
    StateRead,
)
from integrated_care.services import membership
from integrated_care.services.membership import HistoryLine
from integrated_care.structure.membership import (
    Action,
    MembershipState,
    PartnershipBody,
    state_as_of,
)
from integrated_care.structure.organisations import Organisation

# Reads are public, but a token that is sent must be valid: a wrong one answers 401.
router = APIRouter(tags=["membership"], dependencies=[Depends(current_actor)])


def _event(line: HistoryLine) -> EventRead:
    e = line.event
    return EventRead(
        body=line.body.code,
        organisation=line.organisation.code,
        organisation_name=line.organisation.name,
        action=e.action,
        effective=e.effective,
        reason=e.reason,
        planned_end=e.planned_end,
        conditions=list(e.conditions),
    )


def _state(
    body: PartnershipBody, org: Organisation, state: MembershipState, day: date
) -> StateRead:
    return StateRead(
        body=body.code,
        organisation=org.code,
        organisation_name=org.name,
        status=state.status,
        since=state.since,
        reason=state.reason,
        planned_end=state.planned_end,
        conditions=list(state.conditions),
        description=state.describe(day),
    )


@router.get("/bodies", response_model=list[BodyRead])
def bodies(uow: UowDep, workspace: WorkspaceDep) -> list[BodyRead]:
    """The partnership bodies: the system's Integrated Care Partnership and one place
    partnership per place."""
    return [
        BodyRead(code=b.code, name=b.name, kind=b.kind, place_code=b.place_code)
        for b in uow.structure.bodies(workspace.system)
    ]


@router.get("/membership", response_model=MembershipRead, responses=error_responses(404, 422))
def membership_on(
    uow: UowDep,
    workspace: WorkspaceDep,
    as_of: Annotated[
        IsoDate | None, Query(description="The date, YYYY-MM-DD (default: today).")
    ] = None,
    body: Annotated[str | None, Query(description="Only this partnership body.")] = None,
    organisation: Annotated[str | None, Query(description="Only this organisation.")] = None,
) -> MembershipRead:
    """Every recorded membership change, and each organisation's state on a date (member,
    suspended or withdrawn, since when, on what conditions)."""
    day = as_of or date.today()
    lines = membership.history(uow, workspace.system, org_code=organisation, body_code=body)
    members = membership.members_on(uow, workspace.system, day, body_code=body)
    if organisation is not None:
        wanted = {line.organisation.code for line in lines}
        members = [m for m in members if m.organisation.code in wanted]
    return MembershipRead(
        as_of=day,
        events=[_event(line) for line in lines],
        state=[_state(m.body, m.organisation, m.state, day) for m in members],
    )


@router.post(
    "/membership/{action}",
    response_model=RecordedRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 404, 409, 422),
)
def record(
    action: Annotated[Action, Path(description="join, suspend, rejoin or withdraw")],
    change: MembershipCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> RecordedRead:
    """Record a membership change (board secretary or admin).

    Changes are refused, writing nothing, unless they follow the lifecycle (join → suspend →
    rejoin, withdraw, join again) in date order: e.g. suspending a non-member or withdrawing
    twice answers 409. A suspension needs a reason and may have a planned end."""
    event = membership.record(
        uow,
        workspace.system,
        body_code=change.body,
        org_code=change.organisation,
        action=action,
        effective=change.effective,
        reason=change.reason,
        planned_end=change.planned_end,
        conditions=tuple(change.conditions),
        actor=actor,
    )
    lines = membership.history(
        uow, workspace.system, org_code=event.org_code, body_code=event.body_code
    )
    last = lines[-1]
    state = state_as_of([line.event for line in lines], event.effective)
    result = RecordedRead(
        event=_event(last),
        state=_state(last.body, last.organisation, state, event.effective),
    )
    uow.commit()
    return result
