"""Membership of an organisation in a partnership body, as an effective-dated event history.

A membership is never overwritten: every change is an event with the date it takes effect,
so the state on any past day can be recomputed ("who was a member on 2019-03-01, and on
what conditions?"). The lifecycle is

    (none) --join--> member --suspend--> suspended --rejoin--> member
    member/suspended --withdraw--> withdrawn --join--> member

``check_next`` is the one place these rules live; services call it before recording an
event, so an invalid change is refused before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from integrated_care.errors import Conflict, InvalidInput


class BodyKind(StrEnum):
    # Since the Health and Care Act 2022 the system-level partnership is the statutory
    # Integrated Care Partnership; before it (e.g. Nottingham in 2018) it was "the ICS".
    ICS_PARTNERSHIP = "ICS partnership"
    PLACE_PARTNERSHIP = "place partnership"


@dataclass(frozen=True, slots=True)
class PartnershipBody:
    code: str
    name: str
    kind: BodyKind
    place_code: str | None = None

    def __post_init__(self) -> None:
        if self.kind is BodyKind.PLACE_PARTNERSHIP and not self.place_code:
            raise ValueError(f"place partnership {self.code} must name its place")


class Action(StrEnum):
    JOIN = "join"
    SUSPEND = "suspend"
    REJOIN = "rejoin"
    WITHDRAW = "withdraw"


class Status(StrEnum):
    NOT_MEMBER = "not a member"
    MEMBER = "member"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class MembershipEvent:
    body_code: str
    org_code: str
    action: Action
    effective: date
    reason: str | None = None
    planned_end: date | None = None
    conditions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.planned_end is not None and self.action is not Action.SUSPEND:
            raise InvalidInput(
                "A planned end date only applies to a suspension.",
                input_name="planned_end",
                expected="no planned end for " + self.action.value,
            )
        if self.planned_end is not None and self.planned_end <= self.effective:
            raise InvalidInput(
                f"The planned end of the suspension ({self.planned_end.isoformat()}) is not "
                f"after it starts ({self.effective.isoformat()}).",
                input_name="planned_end",
                expected="a date after the effective date",
            )
        if self.action is Action.SUSPEND and not (self.reason and self.reason.strip()):
            raise InvalidInput(
                "A suspension needs a reason.",
                input_name="reason",
                expected="the reason the organisation gave",
            )
        if self.conditions and self.action not in (Action.JOIN, Action.REJOIN):
            raise InvalidInput(
                "Conditions can only be recorded when joining or rejoining.",
                input_name="conditions",
                expected="conditions on join or rejoin only",
            )


@dataclass(frozen=True, slots=True)
class MembershipState:
    status: Status
    since: date | None = None
    reason: str | None = None
    planned_end: date | None = None
    conditions: tuple[str, ...] = field(default=())

    @property
    def is_active_member(self) -> bool:
        return self.status is Status.MEMBER

    def describe(self, as_of: date | None = None) -> str:
        if self.status is Status.NOT_MEMBER:
            return "not a member"
        text = f"{self.status.value} since {self.since.isoformat() if self.since else '?'}"
        if self.status is Status.SUSPENDED:
            text += f" ({self.reason})" if self.reason else ""
            if self.planned_end:
                overdue = as_of is not None and as_of >= self.planned_end
                text += f"; planned end {self.planned_end.isoformat()}" + (
                    " has passed" if overdue else ""
                )
        if self.conditions and self.status is Status.MEMBER:
            text += "; subject to: " + "; ".join(self.conditions)
        return text


_ALLOWED: dict[Action, frozenset[Status]] = {
    Action.JOIN: frozenset({Status.NOT_MEMBER, Status.WITHDRAWN}),
    Action.SUSPEND: frozenset({Status.MEMBER}),
    Action.REJOIN: frozenset({Status.SUSPENDED}),
    Action.WITHDRAW: frozenset({Status.MEMBER, Status.SUSPENDED}),
}

_WHY_NOT: dict[tuple[Action, Status], str] = {
    (Action.JOIN, Status.MEMBER): "is already a member; nothing to join",
    (Action.JOIN, Status.SUSPENDED): "is a suspended member; to end a suspension use rejoin",
    (Action.SUSPEND, Status.NOT_MEMBER): "is not a member, so it cannot be suspended",
    (Action.SUSPEND, Status.SUSPENDED): "is already suspended",
    (Action.SUSPEND, Status.WITHDRAWN): "has withdrawn, so it cannot be suspended",
    (Action.REJOIN, Status.NOT_MEMBER): "was never suspended; rejoin ends a suspension (use join)",
    (Action.REJOIN, Status.MEMBER): "is a member and not suspended, so there is nothing to rejoin",
    (Action.REJOIN, Status.WITHDRAWN): "has withdrawn; a withdrawn organisation joins again",
    (Action.WITHDRAW, Status.NOT_MEMBER): "is not a member, so it cannot withdraw",
    (Action.WITHDRAW, Status.WITHDRAWN): "has already withdrawn",
}


def _apply(state: MembershipState, event: MembershipEvent) -> MembershipState:
    match event.action:
        case Action.JOIN:
            return MembershipState(Status.MEMBER, event.effective, conditions=event.conditions)
        case Action.REJOIN:
            # The conditions kept through the suspension apply again unless new ones are set.
            return MembershipState(
                Status.MEMBER, event.effective, conditions=event.conditions or state.conditions
            )
        case Action.SUSPEND:
            return MembershipState(
                Status.SUSPENDED,
                event.effective,
                event.reason,
                event.planned_end,
                # Conditions of the membership survive a suspension: they apply again on
                # rejoining unless the rejoin records new ones.
                conditions=state.conditions,
            )
        case Action.WITHDRAW:
            return MembershipState(Status.WITHDRAWN, event.effective, event.reason)


def _ordered(events: Iterable[MembershipEvent]) -> list[MembershipEvent]:
    # Events are validated in order when recorded, so sorting by date is stable and safe.
    return sorted(events, key=lambda e: e.effective)


def state_as_of(events: Iterable[MembershipEvent], day: date) -> MembershipState:
    """The membership state in force on ``day`` (events take effect on their date)."""
    state = MembershipState(Status.NOT_MEMBER)
    for event in _ordered(events):
        if event.effective > day:
            break
        state = _apply(state, event)
    return state


def current_state(events: Sequence[MembershipEvent]) -> MembershipState:
    state = MembershipState(Status.NOT_MEMBER)
    for event in _ordered(events):
        state = _apply(state, event)
    return state


def check_next(
    history: Sequence[MembershipEvent], event: MembershipEvent, org_name: str | None = None
) -> None:
    """Refuse ``event`` unless it is a valid next step after ``history`` (same body and org)."""
    who = org_name or event.org_code
    for past in history:
        if (past.body_code, past.org_code) != (event.body_code, event.org_code):
            raise ValueError("history must be for one organisation in one body")
    ordered = _ordered(history)
    if ordered and event.effective <= ordered[-1].effective:
        last = ordered[-1]
        raise Conflict(
            f"The {event.action.value} for {who} takes effect on {event.effective.isoformat()}, "
            f"which is not after the last recorded change ({last.action.value} on "
            f"{last.effective.isoformat()}). Membership changes must be recorded in date order.",
            input_name="effective",
            expected=f"a date after {last.effective.isoformat()}",
        )
    state = current_state(ordered)
    if state.status not in _ALLOWED[event.action]:
        reason = _WHY_NOT.get((event.action, state.status), "cannot do that now")
        raise Conflict(
            f"Cannot {event.action.value}: {who} {reason} (status: {state.status.value}).",
            input_name="action",
            expected=" or ".join(sorted(a.value for a, s in _ALLOWED.items() if state.status in s))
            or "no further change",
        )


def members_as_of(
    events: Iterable[MembershipEvent], day: date, include_suspended: bool = False
) -> dict[str, MembershipState]:
    """Organisations that are members of one body on ``day``, with their state."""
    by_org: dict[str, list[MembershipEvent]] = {}
    for event in events:
        by_org.setdefault(event.org_code, []).append(event)
    wanted = {Status.MEMBER} | ({Status.SUSPENDED} if include_suspended else set())
    result = {}
    for org, org_events in by_org.items():
        state = state_as_of(org_events, day)
        if state.status in wanted:
            result[org] = state
    return result
