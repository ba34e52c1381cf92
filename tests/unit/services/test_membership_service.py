"""Recording membership changes through the service: validated first, nothing written if refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.services import membership
from integrated_care.structure.membership import Action, Status
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]
CITY = "E06000018"
COUNTY = "E10000024"
BODY = "ics-partnership"


def record(ws: Workspace, action: Action, on: date, org: str = CITY, **kw: object) -> None:
    actor = kw.pop("actor", LOCAL_OPERATOR)
    with ws.uow() as uow:
        membership.record(
            uow,
            "QT1",
            body_code=str(kw.pop("body", BODY)),
            org_code=org,
            action=action,
            effective=on,
            actor=actor,  # type: ignore[arg-type]
            **kw,  # type: ignore[arg-type]
        )
        uow.commit()


def test_a_recorded_join_is_in_the_history_with_its_body_and_organisation(qt1: Workspace) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    with qt1.uow() as uow:
        [line] = membership.history(uow, "QT1")
    assert line.event.action is Action.JOIN
    assert line.event.effective == date(2018, 4, 1)
    assert line.body.code == BODY
    assert line.organisation.code == CITY
    assert line.organisation.gss_code == CITY


def test_every_recorded_change_is_audited(qt1: Workspace) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    with qt1.uow() as uow:
        latest = uow.audit.recent(1)[0]
        assert latest.resource == f"membership/{BODY}/{CITY}"
        assert latest.actor == LOCAL_OPERATOR.name
        assert latest.detail == {"action": "join", "effective": "2018-04-01"}


def test_reason_and_conditions_are_trimmed_and_blank_conditions_dropped(qt1: Workspace) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1), conditions=("  attends every board ", "   "))
    record(qt1, Action.SUSPEND, date(2018, 12, 1), reason="  lack of democratic oversight  ")
    with qt1.uow() as uow:
        events = [line.event for line in membership.history(uow, "QT1")]
    assert events[0].conditions == ("attends every board",)
    assert events[1].reason == "lack of democratic oversight"


def refused(
    ws: Workspace, row_counts: RowCounts, error: type[Exception], match: str, **kw: object
) -> None:
    before = row_counts(ws.engine)
    with pytest.raises(error, match=match):
        record(ws, **kw)  # type: ignore[arg-type]
    assert row_counts(ws.engine) == before


def test_suspending_a_non_member_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    refused(
        qt1,
        row_counts,
        Conflict,
        "Nottingham Council is not a member",
        action=Action.SUSPEND,
        on=date(2018, 12, 1),
        reason="lack of democratic oversight",
    )


def test_withdrawing_twice_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    record(qt1, Action.WITHDRAW, date(2019, 1, 1))
    refused(
        qt1, row_counts, Conflict, "already withdrawn", action=Action.WITHDRAW, on=date(2019, 2, 1)
    )


def test_a_change_dated_before_the_last_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    refused(
        qt1,
        row_counts,
        Conflict,
        "not after the last recorded change",
        action=Action.SUSPEND,
        on=date(2018, 3, 1),
        reason="lack of democratic oversight",
    )


def test_a_suspension_ending_before_it_starts_is_refused_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    refused(
        qt1,
        row_counts,
        InvalidInput,
        "planned end",
        action=Action.SUSPEND,
        on=date(2018, 12, 1),
        reason="lack of democratic oversight",
        planned_end=date(2018, 6, 1),
    )


def test_an_unknown_organisation_is_refused_with_the_closest_codes_suggested(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(qt1.engine)
    with pytest.raises(NotFound) as error:
        record(qt1, Action.JOIN, date(2018, 4, 1), org="E06000019")
    assert error.value.message.startswith("Unknown organisation 'E06000019'.")
    assert CITY in error.value.suggestions
    assert row_counts(qt1.engine) == before


def test_an_unknown_body_is_refused_with_the_closest_codes_suggested(qt1: Workspace) -> None:
    with pytest.raises(NotFound) as error:
        record(qt1, Action.JOIN, date(2018, 4, 1), body="ics-partnershp")
    assert error.value.suggestions[0] == BODY


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.PARTNER, Role.FINANCE, Role.ANALYST])
def test_roles_without_the_membership_permission_are_refused_and_write_nothing(
    qt1: Workspace, row_counts: RowCounts, role: Role
) -> None:
    refused(
        qt1,
        row_counts,
        Forbidden,
        f"The {role.value} role may not record membership changes",
        action=Action.JOIN,
        on=date(2018, 4, 1),
        actor=Actor("someone", role),
    )


def test_a_board_secretary_may_record_membership_changes(qt1: Workspace) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1), actor=Actor("secretary", Role.BOARD_SECRETARY))
    with qt1.uow() as uow:
        assert len(membership.history(uow, "QT1")) == 1


def test_the_history_can_be_filtered_by_organisation_and_by_body(qt1: Workspace) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    record(qt1, Action.JOIN, date(2018, 4, 1), org=COUNTY)
    record(qt1, Action.JOIN, date(2022, 7, 1), body=f"{CITY}-partnership")
    with qt1.uow() as uow:
        city = membership.history(uow, "QT1", org_code=CITY)
        ics = membership.history(uow, "QT1", body_code=BODY)
    assert [(ln.body.code, ln.organisation.code) for ln in city] == [
        (BODY, CITY),
        (f"{CITY}-partnership", CITY),
    ]
    assert {ln.organisation.code for ln in ics} == {CITY, COUNTY}


def test_members_on_a_date_include_suspended_and_withdrawn_but_not_future_members(
    qt1: Workspace,
) -> None:
    record(qt1, Action.JOIN, date(2018, 4, 1))
    record(qt1, Action.SUSPEND, date(2018, 12, 1), reason="lack of democratic oversight")
    record(qt1, Action.JOIN, date(2018, 4, 1), org=COUNTY)
    record(qt1, Action.WITHDRAW, date(2019, 1, 1), org=COUNTY)
    record(qt1, Action.JOIN, date(2020, 1, 1), org="E07000176")  # Rushcliffe, later
    with qt1.uow() as uow:
        members = membership.members_on(uow, "QT1", date(2019, 3, 1))
    assert {m.organisation.code: m.state.status for m in members} == {
        CITY: Status.SUSPENDED,
        COUNTY: Status.WITHDRAWN,
    }
