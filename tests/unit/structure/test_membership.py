"""The membership state machine: every allowed and refused change, dates and conditions.

The lifecycle (from the module's definition):

    (none) --join--> member --suspend--> suspended --rejoin--> member
    member/suspended --withdraw--> withdrawn --join--> member
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.structure.membership import (
    Action,
    BodyKind,
    MembershipEvent,
    MembershipState,
    PartnershipBody,
    Status,
    check_next,
    current_state,
    members_as_of,
    state_as_of,
)

BODY = "ics-partnership"
CITY = "E06000018"
CITY_NAME = "Nottingham City Council"
COUNTY = "E10000024"
CONDITION = "unanimous voting on proposals that may result in privatisation or outsourcing"

JOINED = date(2018, 4, 1)
SUSPENDED_ON = date(2018, 12, 1)
PLANNED_END = date(2019, 6, 1)
REJOINED = date(2019, 4, 17)
LATER = date(2020, 1, 1)


def event(
    action: Action,
    on: date,
    *,
    org: str = CITY,
    reason: str | None = None,
    planned_end: date | None = None,
    conditions: tuple[str, ...] = (),
) -> MembershipEvent:
    return MembershipEvent(BODY, org, action, on, reason, planned_end, conditions)


def join(
    on: date = JOINED, *, org: str = CITY, conditions: tuple[str, ...] = ()
) -> MembershipEvent:
    return event(Action.JOIN, on, org=org, conditions=conditions)


def suspend(
    on: date = SUSPENDED_ON,
    *,
    reason: str = "lack of democratic oversight",
    planned_end: date | None = None,
) -> MembershipEvent:
    return event(Action.SUSPEND, on, reason=reason, planned_end=planned_end)


def rejoin(on: date = REJOINED, *, conditions: tuple[str, ...] = ()) -> MembershipEvent:
    return event(Action.REJOIN, on, conditions=conditions)


def withdraw(on: date, *, org: str = CITY) -> MembershipEvent:
    return event(Action.WITHDRAW, on, org=org)


# A history that ends in each status (the next change is dated after all of them).
HISTORIES: dict[Status, list[MembershipEvent]] = {
    Status.NOT_MEMBER: [],
    Status.MEMBER: [join()],
    Status.SUSPENDED: [join(), suspend()],
    Status.WITHDRAWN: [join(), withdraw(date(2019, 1, 1))],
}
NEXT_DAY = date(2021, 1, 1)

# What the lifecycle allows from each status.
ALLOWED: dict[Status, set[Action]] = {
    Status.NOT_MEMBER: {Action.JOIN},
    Status.MEMBER: {Action.SUSPEND, Action.WITHDRAW},
    Status.SUSPENDED: {Action.REJOIN, Action.WITHDRAW},
    Status.WITHDRAWN: {Action.JOIN},
}
RESULT: dict[Action, Status] = {
    Action.JOIN: Status.MEMBER,
    Action.SUSPEND: Status.SUSPENDED,
    Action.REJOIN: Status.MEMBER,
    Action.WITHDRAW: Status.WITHDRAWN,
}


def next_event(action: Action) -> MembershipEvent:
    if action is Action.SUSPEND:
        return suspend(NEXT_DAY)
    return event(action, NEXT_DAY)


ALLOWED_CASES = [(s, a) for s in Status for a in Action if a in ALLOWED[s]]
REFUSED_CASES = [(s, a) for s in Status for a in Action if a not in ALLOWED[s]]


def test_the_lifecycle_has_six_allowed_and_ten_refused_transitions() -> None:
    assert len(ALLOWED_CASES) == 6
    assert len(REFUSED_CASES) == 10


@pytest.mark.parametrize(("status", "action"), ALLOWED_CASES, ids=lambda v: str(v))
def test_an_allowed_transition_is_accepted_and_leads_to_its_status(
    status: Status, action: Action
) -> None:
    history = HISTORIES[status]
    assert current_state(history).status is status
    new = next_event(action)
    check_next(history, new, CITY_NAME)  # does not raise
    after = current_state([*history, new])
    assert after.status is RESULT[action]
    assert after.since == NEXT_DAY


@pytest.mark.parametrize(("status", "action"), REFUSED_CASES, ids=lambda v: str(v))
def test_a_refused_transition_names_the_organisation_its_status_and_what_is_allowed(
    status: Status, action: Action
) -> None:
    history = HISTORIES[status]
    with pytest.raises(Conflict) as error:
        check_next(history, next_event(action), CITY_NAME)
    message = error.value.message
    assert CITY_NAME in message
    assert f"Cannot {action.value}" in message
    assert status.value in message
    assert error.value.input_name == "action"
    assert set((error.value.expected or "").split(" or ")) == {a.value for a in ALLOWED[status]}


def test_a_refused_transition_names_the_organisation_code_when_no_name_is_given() -> None:
    with pytest.raises(Conflict, match=CITY):
        check_next([], suspend(NEXT_DAY))


def test_suspending_a_non_member_explains_that_it_is_not_a_member() -> None:
    with pytest.raises(Conflict, match="is not a member, so it cannot be suspended"):
        check_next([], suspend(NEXT_DAY), CITY_NAME)


def test_rejoining_without_a_suspension_explains_that_rejoin_ends_a_suspension() -> None:
    with pytest.raises(Conflict, match="rejoin ends a suspension"):
        check_next([], rejoin(NEXT_DAY), CITY_NAME)


def test_withdrawing_twice_explains_that_it_has_already_withdrawn() -> None:
    with pytest.raises(Conflict, match="has already withdrawn"):
        check_next(HISTORIES[Status.WITHDRAWN], withdraw(NEXT_DAY), CITY_NAME)


@pytest.mark.parametrize(
    "on", [SUSPENDED_ON, SUSPENDED_ON - timedelta(days=1), JOINED], ids=["same", "day", "first"]
)
def test_a_change_not_dated_after_the_last_one_is_refused(on: date) -> None:
    history = HISTORIES[Status.SUSPENDED]
    with pytest.raises(Conflict) as error:
        check_next(history, rejoin(on), CITY_NAME)
    assert CITY_NAME in error.value.message
    assert "2018-12-01" in error.value.message  # the last recorded change
    assert on.isoformat() in error.value.message
    assert error.value.input_name == "effective"
    assert error.value.expected == "a date after 2018-12-01"


def test_a_change_dated_the_day_after_the_last_one_is_accepted() -> None:
    check_next(HISTORIES[Status.SUSPENDED], rejoin(SUSPENDED_ON + timedelta(days=1)), CITY_NAME)


def test_a_history_of_another_organisation_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="one organisation in one body"):
        check_next([join(org=COUNTY)], suspend(NEXT_DAY))


@pytest.mark.parametrize(
    "planned_end", [SUSPENDED_ON, SUSPENDED_ON - timedelta(days=1)], ids=["same", "before"]
)
def test_a_planned_end_must_be_after_the_suspension_starts(planned_end: date) -> None:
    with pytest.raises(InvalidInput) as error:
        suspend(planned_end=planned_end)
    assert error.value.input_name == "planned_end"
    assert planned_end.isoformat() in error.value.message
    assert SUSPENDED_ON.isoformat() in error.value.message


def test_a_planned_end_the_day_after_the_suspension_starts_is_accepted() -> None:
    assert suspend(planned_end=SUSPENDED_ON + timedelta(days=1)).planned_end == date(2018, 12, 2)


@pytest.mark.parametrize("action", [Action.JOIN, Action.REJOIN, Action.WITHDRAW])
def test_a_planned_end_only_applies_to_a_suspension(action: Action) -> None:
    with pytest.raises(InvalidInput, match="only applies to a suspension") as error:
        event(action, JOINED, planned_end=PLANNED_END)
    assert error.value.input_name == "planned_end"


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["none", "empty", "blank"])
def test_a_suspension_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(InvalidInput, match="needs a reason") as error:
        event(Action.SUSPEND, SUSPENDED_ON, reason=reason)
    assert error.value.input_name == "reason"


@pytest.mark.parametrize("action", [Action.SUSPEND, Action.WITHDRAW])
def test_conditions_can_only_be_recorded_on_join_or_rejoin(action: Action) -> None:
    with pytest.raises(InvalidInput, match="only be recorded when joining or rejoining") as error:
        event(action, JOINED, reason="a reason", conditions=(CONDITION,))
    assert error.value.input_name == "conditions"


@pytest.mark.parametrize("action", [Action.JOIN, Action.REJOIN])
def test_conditions_are_accepted_on_join_and_rejoin(action: Action) -> None:
    assert event(action, JOINED, conditions=(CONDITION,)).conditions == (CONDITION,)


def test_conditions_of_a_membership_survive_a_suspension() -> None:
    history = [join(conditions=("attends every board",)), suspend()]
    state = state_as_of(history, date(2019, 1, 1))
    assert state.status is Status.SUSPENDED
    assert state.conditions == ("attends every board",)


def test_conditions_apply_again_on_rejoining_when_the_rejoin_records_none() -> None:
    history = [join(conditions=("attends every board",)), suspend(), rejoin()]
    state = state_as_of(history, LATER)
    assert state.status is Status.MEMBER
    assert state.conditions == ("attends every board",)


def test_conditions_recorded_on_rejoining_replace_the_earlier_ones() -> None:
    history = [
        join(conditions=("attends every board",)),
        suspend(),
        rejoin(conditions=(CONDITION,)),
    ]
    assert state_as_of(history, LATER).conditions == (CONDITION,)


def test_withdrawing_ends_the_conditions_and_a_new_join_starts_without_them() -> None:
    history = [join(conditions=(CONDITION,)), withdraw(date(2019, 1, 1)), join(date(2020, 1, 1))]
    assert state_as_of(history, date(2019, 6, 1)).conditions == ()
    assert state_as_of(history, date(2020, 6, 1)).conditions == ()


NOTTINGHAM = [
    join(),
    suspend(planned_end=PLANNED_END),
    rejoin(conditions=(CONDITION,)),
]


@pytest.mark.parametrize(
    ("day", "status", "since"),
    [
        (JOINED - timedelta(days=1), Status.NOT_MEMBER, None),
        (JOINED, Status.MEMBER, JOINED),
        (SUSPENDED_ON - timedelta(days=1), Status.MEMBER, JOINED),
        (SUSPENDED_ON, Status.SUSPENDED, SUSPENDED_ON),
        (REJOINED - timedelta(days=1), Status.SUSPENDED, SUSPENDED_ON),
        (REJOINED, Status.MEMBER, REJOINED),
        (LATER, Status.MEMBER, REJOINED),
    ],
    ids=lambda v: str(v),
)
def test_state_as_of_a_day_before_and_on_each_event(
    day: date, status: Status, since: date | None
) -> None:
    state = state_as_of(NOTTINGHAM, day)
    assert state.status is status
    assert state.since == since


def test_state_as_of_does_not_depend_on_the_order_events_are_given_in() -> None:
    shuffled = [NOTTINGHAM[2], NOTTINGHAM[0], NOTTINGHAM[1]]
    for day in (JOINED, SUSPENDED_ON, REJOINED):
        assert state_as_of(shuffled, day) == state_as_of(NOTTINGHAM, day)


def test_a_suspended_state_keeps_its_reason_and_planned_end() -> None:
    state = state_as_of(NOTTINGHAM, date(2019, 3, 1))
    assert state.reason == "lack of democratic oversight"
    assert state.planned_end == PLANNED_END
    assert not state.is_active_member


def test_a_rejoined_member_has_the_condition_and_no_reason_or_planned_end() -> None:
    state = state_as_of(NOTTINGHAM, REJOINED)
    assert state == MembershipState(Status.MEMBER, REJOINED, conditions=(CONDITION,))
    assert state.is_active_member


def test_the_description_of_a_suspension_gives_reason_and_planned_end() -> None:
    text = state_as_of(NOTTINGHAM, date(2019, 3, 1)).describe(date(2019, 3, 1))
    assert text == (
        "suspended since 2018-12-01 (lack of democratic oversight); planned end 2019-06-01"
    )


def test_the_description_says_when_a_planned_end_has_passed() -> None:
    history = [join(), suspend(planned_end=PLANNED_END)]
    assert (
        state_as_of(history, PLANNED_END)
        .describe(PLANNED_END)
        .endswith("planned end 2019-06-01 has passed")
    )


def test_the_description_of_a_member_lists_its_conditions() -> None:
    assert state_as_of(NOTTINGHAM, LATER).describe(LATER) == (
        f"member since 2019-04-17; subject to: {CONDITION}"
    )


def test_the_description_of_a_non_member_is_plain() -> None:
    assert MembershipState(Status.NOT_MEMBER).describe() == "not a member"


def test_members_as_of_lists_members_only_unless_suspended_ones_are_asked_for() -> None:
    events = [*NOTTINGHAM, join(org=COUNTY)]
    day = date(2019, 3, 1)
    assert set(members_as_of(events, day)) == {COUNTY}
    both = members_as_of(events, day, include_suspended=True)
    assert set(both) == {CITY, COUNTY}
    assert both[CITY].status is Status.SUSPENDED


def test_members_as_of_leaves_out_organisations_that_withdrew_or_had_not_joined() -> None:
    events = [join(org="E06000032"), withdraw(date(2019, 1, 1), org="E06000032"), join(LATER)]
    assert members_as_of(events, date(2019, 6, 1), include_suspended=True) == {}
    assert set(members_as_of(events, LATER)) == {CITY}


def test_a_place_partnership_must_name_its_place() -> None:
    with pytest.raises(ValueError, match="must name its place"):
        PartnershipBody("luton-partnership", "Luton", BodyKind.PLACE_PARTNERSHIP)
    body = PartnershipBody(
        "E06000032-partnership", "Luton", BodyKind.PLACE_PARTNERSHIP, "E06000032"
    )
    assert body.place_code == "E06000032"
