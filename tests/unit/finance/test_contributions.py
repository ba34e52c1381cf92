"""Partner contributions to ICS running costs: the lifecycle and the running-cost cap."""

from __future__ import annotations

from datetime import date

import pytest

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.contributions import (
    Event,
    EventKind,
    RunningCostCap,
    State,
    Status,
    apply,
    check_within_cap,
    published_rca_2025_26,
    replay,
    running_cost_cap,
)

COUNTY, CITY = "E10000024", "E06000018"
REASON = (
    "given that the current outputs of the NN ICS do not contribute to County Council "
    "priorities the report recommends that no financial contribution to the ICS is made at "
    "this time"
)


def ev(kind: EventKind, on: str, amount: int | None = None, **extra: str) -> Event:
    return Event(CITY, 2020, kind, date.fromisoformat(on), amount, **extra)


def test_request_pledge_pay_in_parts() -> None:
    s = replay(
        CITY,
        2020,
        [
            ev(EventKind.REQUESTED, "2020-04-01", 10_000_000),
            ev(EventKind.PLEDGED, "2020-05-01", 8_000_000),
            ev(EventKind.PAID, "2020-06-01", 3_000_000),
        ],
    )
    assert (s.status, s.requested, s.pledged, s.paid, s.outstanding) == (
        Status.PART_PAID,
        10_000_000,
        8_000_000,
        3_000_000,
        5_000_000,
    )
    s = apply(s, ev(EventKind.PAID, "2020-07-01", 5_000_000))
    assert s.status is Status.PAID
    assert len(s.events) == 4


def test_county_declines_2020_21_with_its_reason() -> None:
    s = replay(
        COUNTY,
        2020,
        [
            Event(
                COUNTY,
                2020,
                EventKind.DECLINED,
                date(2021, 2, 8),
                reason=REASON,
                reference="Adult Social Care and Public Health Committee, 8 February 2021",
            ),
        ],
    )
    assert (s.status, s.pledged, s.declined_on) == (Status.DECLINED, 0, date(2021, 2, 8))
    assert s.reason == REASON
    with pytest.raises(Conflict, match="final"):
        apply(s, Event(COUNTY, 2020, EventKind.PLEDGED, date(2021, 3, 1), 1))


@pytest.mark.parametrize(
    ("events", "error", "input_name"),
    [
        ([ev(EventKind.PAID, "2020-06-01", 1)], Conflict, "partner"),
        ([ev(EventKind.PLEDGED, "2020-05-01")], InvalidInput, "amount"),
        (
            [ev(EventKind.PLEDGED, "2020-05-01", 5), ev(EventKind.PAID, "2020-06-01", 6)],
            InvalidInput,
            "amount",
        ),
        (
            [
                ev(EventKind.PLEDGED, "2020-05-01", 5),
                ev(EventKind.PAID, "2020-06-01", 2),
                ev(EventKind.DECLINED, "2020-07-01", reason="changed mind"),
            ],
            Conflict,
            "partner",
        ),
        ([ev(EventKind.DECLINED, "2020-07-01")], InvalidInput, "reason"),
        (
            [ev(EventKind.REQUESTED, "2020-07-01", 5), ev(EventKind.REQUESTED, "2020-06-01", 5)],
            InvalidInput,
            "on",
        ),
        (
            [ev(EventKind.PLEDGED, "2020-05-01", 5), ev(EventKind.REQUESTED, "2020-06-01", 5)],
            Conflict,
            "partner",
        ),
        (
            [
                ev(EventKind.PLEDGED, "2020-05-01", 5),
                ev(EventKind.PAID, "2020-06-01", 4),
                ev(EventKind.PLEDGED, "2020-07-01", 3),
            ],
            Conflict,
            "partner",
        ),
        ([ev(EventKind.REQUESTED, "2020-05-01", -5)], InvalidInput, "amount"),
    ],
)
def test_refused_steps(events: list[Event], error: type[Exception], input_name: str) -> None:
    with pytest.raises(error) as raised:
        replay(CITY, 2020, events)
    assert getattr(raised.value, "input_name", None) == input_name


def test_cap_is_rca_plus_pledges_of_partners_not_declined() -> None:
    city = replay(
        CITY,
        2020,
        [ev(EventKind.PLEDGED, "2020-05-01", 300), ev(EventKind.PAID, "2020-06-01", 100)],
    )
    county = replay(
        COUNTY,
        2020,
        [
            Event(COUNTY, 2020, EventKind.REQUESTED, date(2020, 4, 1), 500),
            Event(COUNTY, 2020, EventKind.DECLINED, date(2021, 2, 8), reason=REASON),
        ],
    )
    cap = running_cost_cap(2020, 1_000, "test", [city, county, State("RX1", 2020)])
    assert (cap.cap, cap.pledged, cap.paid) == (1_300, 300, 100)
    check_within_cap(cap, 1_300)
    check_within_cap(cap, 300, already=1_000)
    with pytest.raises(Conflict, match="would exceed the cap") as error:
        check_within_cap(cap, 301, already=1_000)
    assert error.value.expected == "at most £3.00"


def test_qt1_2025_26_rca_is_17_9m_from_the_research_note() -> None:
    assert published_rca_2025_26("QT1") == 17_900_000 * 100
    assert published_rca_2025_26("QNQ") == 11_600_000 * 100  # Frimley, £11.6m
    assert published_rca_2025_26("XXX") is None
    assert RunningCostCap(2025, 1, "", 2, 0).cap == 3
