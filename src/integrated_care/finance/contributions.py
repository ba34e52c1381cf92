"""Partner contributions to ICS running costs, and the running-cost cap. Pure.

A partner's contribution for a financial year is an append-only history of events:

    (none) --request--> requested --pledge--> pledged --pay--> part paid --pay--> paid
    (none) | requested | pledged --decline--> declined      (nothing paid; final)

A request may be revised while nothing is pledged, a pledge while it still covers what is
paid; a pledge may come without a request. Declining needs a reason (e.g. Nottinghamshire
County Council, 2020/21: "the current outputs of the NN ICS do not contribute to County
Council priorities").

ICS running costs are funded from the ICB's running cost allowance (RCA) plus what partners
have pledged: a plan or posting of running costs above ``RCA + pledged`` is refused.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from importlib import resources

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.money import format_gbp, round_half_up, thousands_to_pence


class EventKind(StrEnum):
    REQUESTED = "requested"
    PLEDGED = "pledged"
    PAID = "paid"
    DECLINED = "declined"


class Status(StrEnum):
    NONE = "not requested"
    REQUESTED = "requested"
    PLEDGED = "pledged"
    PART_PAID = "part paid"
    PAID = "paid"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class Event:
    partner: str  # organisation code
    year: int
    kind: EventKind
    on: date
    amount: int | None = None  # pence; required except for a decline (and an open request)
    reason: str = ""  # a decline's reason
    reference: str = ""  # the decision (committee report, minute) it records
    note: str = ""


@dataclass(frozen=True, slots=True)
class State:
    partner: str
    year: int
    status: Status = Status.NONE
    requested: int | None = None
    pledged: int = 0
    paid: int = 0
    declined_on: date | None = None
    reason: str = ""
    last_on: date | None = None
    events: tuple[Event, ...] = ()

    @property
    def outstanding(self) -> int:
        return self.pledged - self.paid


def _refuse(state: State, event: Event, why: str, expected: str) -> Conflict:
    return Conflict(
        f"{event.partner}'s running-cost contribution for {year_label(event.year)} is "
        f"{state.status.value}: {why}",
        input_name="partner",
        expected=expected,
    )


def apply(state: State, event: Event) -> State:
    """The state after ``event``; refuses an event the lifecycle does not allow."""
    if (event.partner, event.year) != (state.partner, state.year):
        raise InvalidInput("The event is for another partner or year.", input_name="partner")
    if state.last_on is not None and event.on < state.last_on:
        raise InvalidInput(
            f"The {event.kind.value} is dated {event.on.isoformat()}, before the last event "
            f"({state.last_on.isoformat()}).",
            input_name="on",
            expected=f"a date on or after {state.last_on.isoformat()}",
        )
    amount = event.amount
    if amount is not None and amount < 0:
        raise InvalidInput("The amount is negative.", input_name="amount", expected=">= 0")
    kind = event.kind
    if state.status is Status.DECLINED:
        raise _refuse(state, event, "a decline is final for the year.", "next year's request")
    nxt = replace(state, last_on=event.on, events=(*state.events, event))
    if kind is EventKind.REQUESTED:
        if state.status not in (Status.NONE, Status.REQUESTED):
            raise _refuse(state, event, "it can no longer be requested.", "a pledge or payment")
        return replace(nxt, status=Status.REQUESTED, requested=amount)
    if kind is EventKind.PLEDGED:
        if amount is None or amount <= 0:
            raise InvalidInput("A pledge needs an amount.", input_name="amount", expected="> 0")
        if amount < state.paid:
            raise _refuse(
                state,
                event,
                f"{format_gbp(state.paid)} is already paid.",
                f"a pledge of at least {format_gbp(state.paid)}",
            )
        status = Status.PLEDGED if state.paid == 0 else _paid_status(state.paid, amount)
        return replace(nxt, status=status, pledged=amount)
    if kind is EventKind.PAID:
        if state.status not in (Status.PLEDGED, Status.PART_PAID):
            raise _refuse(state, event, "a payment follows a pledge.", "a pledge first")
        if amount is None or amount <= 0:
            raise InvalidInput("A payment needs an amount.", input_name="amount", expected="> 0")
        if state.paid + amount > state.pledged:
            raise InvalidInput(
                f"Paying {format_gbp(amount)} would exceed the pledge of "
                f"{format_gbp(state.pledged)} ({format_gbp(state.paid)} already paid).",
                input_name="amount",
                expected=f"at most {format_gbp(state.outstanding)}",
            )
        paid = state.paid + amount
        return replace(nxt, status=_paid_status(paid, state.pledged), paid=paid)
    # Declined.
    if state.paid:
        raise _refuse(state, event, "part of it is paid.", "no decline once money is paid")
    if not event.reason.strip():
        raise InvalidInput(
            "A decline needs its reason.",
            input_name="reason",
            expected="the reason the partner gave (e.g. from its committee report)",
        )
    return replace(
        nxt, status=Status.DECLINED, pledged=0, declined_on=event.on, reason=event.reason.strip()
    )


def _paid_status(paid: int, pledged: int) -> Status:
    return Status.PAID if paid == pledged else Status.PART_PAID


def replay(partner: str, year: int, events: Iterable[Event]) -> State:
    state = State(partner, year)
    for event in events:
        state = apply(state, event)
    return state


@dataclass(frozen=True, slots=True)
class RunningCostCap:
    year: int
    rca: int  # pence
    rca_source: str
    pledged: int  # pledges of partners not declined (paid included)
    paid: int

    @property
    def cap(self) -> int:
        return self.rca + self.pledged


def running_cost_cap(
    year: int, rca: int, rca_source: str, states: Sequence[State]
) -> RunningCostCap:
    return RunningCostCap(
        year,
        rca,
        rca_source,
        sum(s.pledged for s in states if s.status is not Status.DECLINED),
        sum(s.paid for s in states),
    )


def check_within_cap(cap: RunningCostCap, amount: int, *, already: int = 0) -> None:
    """Refuse running costs (``amount`` on top of ``already``) above RCA + pledges."""
    if amount < 0:
        raise InvalidInput(
            "Running costs cannot be negative.", input_name="amount", expected=">= 0"
        )
    if already + amount > cap.cap:
        raise Conflict(
            f"ICS running costs of {format_gbp(already + amount)} for {year_label(cap.year)} "
            f"would exceed the cap of {format_gbp(cap.cap)} (running cost allowance "
            f"{format_gbp(cap.rca)} plus partner pledges {format_gbp(cap.pledged)}).",
            input_name="amount",
            expected=f"at most {format_gbp(max(0, cap.cap - already))}",
        )


def year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def published_rca_2025_26(icb_ods_code: str) -> int | None:
    """The ICB's 2025/26 running cost allowance (v1.4), in pence, as given to £0.1m in the
    research note's table §7.4 (from NHS England's 2025/26 allocation workbook)."""
    text = (
        resources.files("integrated_care.finance")
        .joinpath("data/running_cost_allowance_2025_26.csv")
        .read_text("utf-8")
    )
    for row in csv.DictReader(text.splitlines()):
        if row["icb_ods_code"] == icb_ods_code:
            return int(round_half_up(Decimal(row["rca_m"]) * 100_000_000))
    return None


def published_rca(icb_ods_code: str, year: int) -> tuple[int, str] | None:
    """The ICB's published running cost allowance for a year, in pence, with its source:
    2023/24 and 2024/25 from the packaged NHS England allocation files, 2025/26 from the
    research note's table; None for other years (record one with the CLI or API)."""
    if year == 2025:
        found = published_rca_2025_26(icb_ods_code)
        if found is None:
            return None
        return found, (
            "NHS England ICB allocations 2025/26, running cost allowance v1.4 "
            "(to £0.1m, research note §7.4)"
        )
    name = f"reference/data/icb_allocations_{year}_{(year + 1) % 100:02d}.csv"
    path = resources.files("integrated_care").joinpath(name)
    if not path.is_file():
        return None
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        if row["stream"] == "rca" and row["icb_ods_code"] == icb_ods_code:
            pence = thousands_to_pence(Decimal(row["recurrent_allocation_k"]))
            return pence, f"NHS England ICB allocations {year_label(year)}, running cost allowance"
    return None
