"""Properties of membership histories, checked against an independent model of the lifecycle.

    (none) --join--> member --suspend--> suspended --rejoin--> member
    member/suspended --withdraw--> withdrawn --join--> member

Conditions are set on join, kept through a suspension, and on rejoining either kept or
replaced by the rejoin's own; withdrawing ends them.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict, IcsError
from integrated_care.persistence.models import AuditRow, MembershipEventRow
from integrated_care.services import membership as service
from integrated_care.structure.membership import (
    Action,
    BodyKind,
    MembershipEvent,
    PartnershipBody,
    Status,
    check_next,
    current_state,
    state_as_of,
)
from integrated_care.structure.organisations import Organisation, OrgKind
from integrated_care.workspace import Workspace

BODY = "ics-partnership"
ORG = "E06000018"

ALLOWED: dict[Status, tuple[Action, ...]] = {
    Status.NOT_MEMBER: (Action.JOIN,),
    Status.MEMBER: (Action.SUSPEND, Action.WITHDRAW),
    Status.SUSPENDED: (Action.REJOIN, Action.WITHDRAW),
    Status.WITHDRAWN: (Action.JOIN,),
}


@dataclass(frozen=True)
class Expected:
    """The state the lifecycle definition gives after some events."""

    status: Status = Status.NOT_MEMBER
    since: date | None = None
    reason: str | None = None
    planned_end: date | None = None
    conditions: tuple[str, ...] = ()


def replay(events: list[MembershipEvent]) -> Expected:
    state = Expected()
    for e in events:
        if e.action is Action.JOIN:
            state = Expected(Status.MEMBER, e.effective, conditions=e.conditions)
        elif e.action is Action.REJOIN:
            state = Expected(
                Status.MEMBER, e.effective, conditions=e.conditions or state.conditions
            )
        elif e.action is Action.SUSPEND:
            state = Expected(
                Status.SUSPENDED, e.effective, e.reason, e.planned_end, state.conditions
            )
        else:
            state = Expected(Status.WITHDRAWN, e.effective, e.reason)
    return state


def as_expected(events: list[MembershipEvent], day: date) -> Expected:
    s = state_as_of(events, day)
    return Expected(s.status, s.since, s.reason, s.planned_end, s.conditions)


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).map(str.strip).filter(bool)
conditions = st.lists(words, max_size=2).map(tuple)


@st.composite
def events_for(draw: st.DrawFn, action: Action, day: date) -> MembershipEvent:
    if action is Action.SUSPEND:
        planned = draw(st.none() | st.integers(1, 365).map(lambda d: day + timedelta(days=d)))
        return MembershipEvent(BODY, ORG, action, day, draw(words), planned)
    if action is Action.WITHDRAW:
        return MembershipEvent(BODY, ORG, action, day, draw(st.none() | words))
    return MembershipEvent(BODY, ORG, action, day, conditions=draw(conditions))


@st.composite
def valid_histories(draw: st.DrawFn, max_size: int = 10) -> list[MembershipEvent]:
    day = draw(st.dates(date(2016, 1, 1), date(2022, 12, 31)))
    events: list[MembershipEvent] = []
    for _ in range(draw(st.integers(0, max_size))):
        action = draw(st.sampled_from(ALLOWED[replay(events).status]))
        events.append(draw(events_for(action, day)))
        day += timedelta(days=draw(st.integers(1, 400)))
    return events


@given(valid_histories())
def test_every_valid_next_step_is_accepted(events: list[MembershipEvent]) -> None:
    for i, e in enumerate(events):
        check_next(events[:i], e)


@given(valid_histories())
def test_the_state_on_each_event_date_is_the_state_after_replaying_up_to_it(
    events: list[MembershipEvent],
) -> None:
    for i, e in enumerate(events):
        assert as_expected(events, e.effective) == replay(events[: i + 1])
        assert as_expected(events, e.effective - timedelta(days=1)) == replay(events[:i])


@given(valid_histories(), st.integers(0, 2_000))
def test_the_state_on_any_day_is_the_state_after_the_events_up_to_that_day(
    events: list[MembershipEvent], offset: int
) -> None:
    day = date(2016, 1, 1) + timedelta(days=offset)
    assert as_expected(events, day) == replay([e for e in events if e.effective <= day])


@given(valid_histories())
def test_the_current_state_is_the_state_after_every_event(events: list[MembershipEvent]) -> None:
    s = current_state(events)
    assert Expected(s.status, s.since, s.reason, s.planned_end, s.conditions) == replay(events)


@st.composite
def invalid_next(draw: st.DrawFn) -> tuple[list[MembershipEvent], MembershipEvent]:
    events = draw(valid_histories())
    status = replay(events).status
    last = events[-1].effective if events else date(2016, 1, 1)
    refused_actions = [a for a in Action if a not in ALLOWED[status]]
    kind = draw(st.sampled_from(["action", "date"] if events else ["action"]))
    if kind == "action":
        action = draw(st.sampled_from(refused_actions))
        day = last + timedelta(days=draw(st.integers(1, 400)))
    else:  # any action, dated on or before the last change
        action = draw(st.sampled_from(list(Action)))
        day = last - timedelta(days=draw(st.integers(0, 400)))
    return events, draw(events_for(action, day))


@given(invalid_next())
def test_an_invalid_next_step_is_refused_and_leaves_the_history_as_it_was(
    case: tuple[list[MembershipEvent], MembershipEvent],
) -> None:
    events, bad = case
    copy = list(events)
    state = current_state(events)
    with pytest.raises(Conflict):
        check_next(events, bad, "Nottingham City Council")
    assert events == copy
    assert current_state(events) == state


# -- the same properties through the service and a real (SQLite) database -------------------


@pytest.fixture(scope="module")
def sqlite_workspace() -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.at(Path(folder), f"sqlite:///{Path(folder) / 'ics.db'}")
        ws.migrate()
        with ws.uow() as uow:
            uow.structure.add_system("QT1", "E54000060", "Nottingham and Nottinghamshire", "t")
            uow.structure.add_body(
                "QT1", PartnershipBody(BODY, "ICS partnership", BodyKind.ICS_PARTNERSHIP)
            )
            uow.commit()
        yield ws
        ws.engine.dispose()


def counts(ws: Workspace) -> tuple[int, int]:
    with ws.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(MembershipEventRow)) or 0,
            session.scalar(select(func.count()).select_from(AuditRow)) or 0,
        )


def record(ws: Workspace, org: str, e: MembershipEvent) -> None:
    with ws.uow() as uow:
        service.record(
            uow,
            "QT1",
            body_code=BODY,
            org_code=org,
            action=e.action,
            effective=e.effective,
            reason=e.reason,
            planned_end=e.planned_end,
            conditions=e.conditions,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=invalid_next())
def test_through_the_service_valid_steps_are_stored_and_an_invalid_one_writes_nothing(
    sqlite_workspace: Workspace, case: tuple[list[MembershipEvent], MembershipEvent]
) -> None:
    events, bad = case
    org = f"ORG-{uuid.uuid4().hex[:12]}"
    with sqlite_workspace.uow() as uow:
        uow.structure.add_organisations(
            "QT1", [Organisation(org, "A council", OrgKind.UNITARY_AUTHORITY)]
        )
        uow.commit()
    for e in events:
        record(sqlite_workspace, org, e)
    before = counts(sqlite_workspace)
    with pytest.raises(IcsError):
        record(sqlite_workspace, org, bad)
    assert counts(sqlite_workspace) == before
    with sqlite_workspace.uow() as uow:
        stored = [line.event for line in service.history(uow, "QT1", org_code=org)]
    assert [(e.action, e.effective, e.reason, e.planned_end, e.conditions) for e in stored] == [
        (e.action, e.effective, e.reason, e.planned_end, e.conditions) for e in events
    ]
