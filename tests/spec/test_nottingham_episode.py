"""Nottingham City Council suspends its ICS membership and rejoins on a condition (2018-19).

The real episode (governance research note §1): in November 2018 the council suspended its
formal role in the Nottingham and Nottinghamshire ICS for up to six months, citing a lack
of democratic oversight; in April 2019 it rejoined "subject to an agreement for unanimous
voting on proposals which could lead to outsourcing or privatisation". Nottinghamshire
County Council stayed in throughout. The join date (2018-04-01) is illustrative.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.services import membership
from integrated_care.services.structure import SYSTEM_BODY, load_model
from integrated_care.structure.membership import Action, MembershipState, Status
from integrated_care.workspace import Workspace

CITY = "E06000018"  # Nottingham City Council (GSS)
COUNTY = "E10000024"  # Nottinghamshire County Council (GSS)
REASON = "lack of democratic oversight"
CONDITION = "unanimous voting on proposals that may result in privatisation or outsourcing"

JOINED = date(2018, 4, 1)
SUSPENDED = date(2018, 12, 1)
PLANNED_END = date(2019, 6, 1)  # six months after the suspension
REJOINED = date(2019, 4, 17)


def record(ws: Workspace, org: str, action: Action, on: date, **details: object) -> None:
    with ws.uow() as uow:
        membership.record(
            uow,
            "QT1",
            body_code=SYSTEM_BODY,
            org_code=org,
            action=action,
            effective=on,
            actor=LOCAL_OPERATOR,
            **details,  # type: ignore[arg-type]
        )
        uow.commit()


@pytest.fixture
def episode(system: Callable[..., Workspace]) -> Workspace:
    ws = system("QT1")
    record(ws, CITY, Action.JOIN, JOINED)
    record(ws, COUNTY, Action.JOIN, JOINED)
    record(ws, CITY, Action.SUSPEND, SUSPENDED, reason=REASON, planned_end=PLANNED_END)
    record(ws, CITY, Action.REJOIN, REJOINED, conditions=(CONDITION,))
    return ws


def state(ws: Workspace, org: str, day: date) -> MembershipState:
    with ws.uow() as uow:
        return load_model(uow, "QT1").membership_on(SYSTEM_BODY, org, day)


def members(ws: Workspace, day: date) -> dict[str, MembershipState]:
    with ws.uow() as uow:
        return {
            m.organisation.code: m.state
            for m in membership.members_on(uow, "QT1", day, body_code=SYSTEM_BODY)
        }


def test_before_the_suspension_the_city_is_a_member_without_conditions(
    episode: Workspace,
) -> None:
    assert state(episode, CITY, date(2018, 11, 30)) == MembershipState(Status.MEMBER, JOINED)


def test_during_the_suspension_the_city_is_suspended_with_its_reason_and_planned_end(
    episode: Workspace,
) -> None:
    s = state(episode, CITY, date(2019, 3, 1))
    assert s.status is Status.SUSPENDED
    assert s.since == SUSPENDED
    assert s.reason == REASON
    assert s.planned_end == PLANNED_END
    assert s.describe(date(2019, 3, 1)) == (
        f"suspended since 2018-12-01 ({REASON}); planned end 2019-06-01"
    )


@pytest.mark.parametrize("day", [REJOINED, date(2020, 1, 1)], ids=str)
def test_from_the_rejoin_the_city_is_a_member_subject_to_the_unanimity_condition(
    episode: Workspace, day: date
) -> None:
    assert state(episode, CITY, day) == MembershipState(
        Status.MEMBER, REJOINED, conditions=(CONDITION,)
    )


@pytest.mark.parametrize(
    "day",
    [JOINED, date(2018, 11, 30), SUSPENDED, date(2019, 3, 1), REJOINED, date(2020, 1, 1)],
    ids=str,
)
def test_the_county_council_stays_a_member_throughout(episode: Workspace, day: date) -> None:
    assert state(episode, COUNTY, day) == MembershipState(Status.MEMBER, JOINED)


def test_the_partnership_on_2019_03_01_has_one_member_and_one_suspended_member(
    episode: Workspace,
) -> None:
    on = members(episode, date(2019, 3, 1))
    assert {code: s.status for code, s in on.items()} == {
        CITY: Status.SUSPENDED,
        COUNTY: Status.MEMBER,
    }


def test_the_history_keeps_every_change_in_date_order(episode: Workspace) -> None:
    with episode.uow() as uow:
        lines = membership.history(uow, "QT1", org_code=CITY)
    assert [(ln.event.action, ln.event.effective) for ln in lines] == [
        (Action.JOIN, JOINED),
        (Action.SUSPEND, SUSPENDED),
        (Action.REJOIN, REJOINED),
    ]
    assert lines[1].event.reason == REASON
    assert lines[2].event.conditions == (CONDITION,)


def test_the_suspension_cannot_be_recorded_again_after_the_rejoin(episode: Workspace) -> None:
    with pytest.raises(Conflict, match="not after the last recorded change"):
        record(episode, CITY, Action.SUSPEND, date(2019, 1, 1), reason=REASON)
