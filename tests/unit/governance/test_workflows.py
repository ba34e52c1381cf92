"""Cross-body plan rules: HWB opinions on the joint forward plan, joint sign-off of Better
Care Fund plans, local sign-off gates and the ICB's approval (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.governance.workflows import (
    Gate,
    Party,
    Plan,
    PlanKind,
    Step,
    StepKind,
    check_new_plan,
    check_step,
    hwb_party,
    new_plan,
    parse_plan_kind,
    parse_year,
    plan_status,
    relevant_hwbs,
    year_label,
)
from integrated_care.structure.organisations import Organisation, OrgKind

ICB = Party("QT1", "NHS Nottingham and Nottinghamshire Integrated Care Board")
CITY = Party("E06000018", "Nottingham City Health and Wellbeing Board")
COUNTY = Party("E10000024", "Nottinghamshire Health and Wellbeing Board")
DISTRICT = Party("E07000170", "Ashfield District Council")
DAY = date(2025, 3, 1)

JFP = Plan("jfp-2025-26", PlanKind.JOINT_FORWARD_PLAN, 2025, "JFP", ICB, (CITY, COUNTY))
BCF = Plan("bcf-city", PlanKind.BETTER_CARE_FUND, 2025, "BCF", ICB, (CITY,), CITY.code)
PLACE = Plan("place-city", PlanKind.PLACE_PLAN, 2025, "Place", ICB, (), CITY.code)
CITY_GATE = Gate(
    "gate-city",
    PlanKind.PLACE_PLAN,
    CITY,
    "the City HWB agrees the place plan before ICB approval",
    CITY.code,
)


def step(kind: StepKind, party: Party, on: date = DAY, statement: str = "") -> Step:
    return Step(kind, party, on, statement)


def opinion(party: Party, on: date = DAY, text: str = "Takes proper account of the JLHWS.") -> Step:
    return step(StepKind.HWB_OPINION, party, on, text)


def approval(on: date = DAY) -> Step:
    return step(StepKind.APPROVAL, ICB, on)


def record(plan: Plan, steps: Sequence[Step], new: Step, gates: Sequence[Gate] = ()) -> list[Step]:
    check_step(plan, steps, new, gates)
    return [*steps, new]


# -- vocabulary ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2025/26", "2025-26", "2025", "2025/2026", " 2025/26 "])
def test_financial_years_are_read_in_the_usual_forms(text: str) -> None:
    assert parse_year(text) == 2025
    assert year_label(2025) == "2025/26"
    assert year_label(2099) == "2099/00"


@pytest.mark.parametrize("text", ["2025/27", "25/26", "next year", "1999/00", ""])
def test_a_malformed_financial_year_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_year(text)
    assert err.value.input_name == "year"


def test_plan_kinds_have_short_names() -> None:
    assert parse_plan_kind("JFP") is PlanKind.JOINT_FORWARD_PLAN
    assert parse_plan_kind("Better Care Fund plan") is PlanKind.BETTER_CARE_FUND
    assert parse_plan_kind("place") is PlanKind.PLACE_PLAN
    with pytest.raises(InvalidInput, match="Unknown plan kind 'strategy'"):
        parse_plan_kind("strategy")


def test_the_relevant_hwbs_are_one_per_upper_tier_council() -> None:
    orgs = [
        Organisation("QT1", "NHS N&N ICB", OrgKind.ICB),
        Organisation("E06000018", "Nottingham Council", OrgKind.UNITARY_AUTHORITY),
        Organisation("E10000024", "Nottinghamshire County Council", OrgKind.COUNTY_COUNCIL),
        Organisation("E07000170", "Ashfield Council", OrgKind.DISTRICT_COUNCIL),
        Organisation(
            "E08000001", "Bolton Metropolitan Borough Council", OrgKind.METROPOLITAN_BOROUGH
        ),
    ]
    assert relevant_hwbs(orgs) == (
        Party("E06000018", "Nottingham Health and Wellbeing Board"),
        Party("E10000024", "Nottinghamshire Health and Wellbeing Board"),
        Party("E08000001", "Bolton Health and Wellbeing Board"),
    )
    assert hwb_party(orgs[1]).code == "E06000018"


def test_new_plans_get_default_codes_and_one_plan_per_kind_year_and_area() -> None:
    plan = new_plan(PlanKind.BETTER_CARE_FUND, 2025, ICB, (CITY,), CITY.code, "Nottingham")
    assert plan.code == "bcf-E06000018-2025-26"
    assert plan.title == "Better Care Fund plan 2025/26: Nottingham"
    assert new_plan(PlanKind.JOINT_FORWARD_PLAN, 2025, ICB, (), None, "").code == "jfp-2025-26"
    county = new_plan(PlanKind.BETTER_CARE_FUND, 2025, ICB, (COUNTY,), COUNTY.code, "")
    next_year = new_plan(PlanKind.BETTER_CARE_FUND, 2026, ICB, (CITY,), CITY.code, "")
    check_new_plan(plan, [JFP, county, next_year])
    with pytest.raises(Conflict, match="already a Better Care Fund plan for 2025/26 for N"):
        check_new_plan(plan, [BCF], "Nottingham")
    with pytest.raises(Conflict, match="plan with code jfp-2025-26 already exists"):
        check_new_plan(new_plan(PlanKind.PLACE_PLAN, 2025, ICB, (), "P", "", code=JFP.code), [JFP])
    with pytest.raises(InvalidInput, match="plan code 'no spaces'"):
        new_plan(PlanKind.PLACE_PLAN, 2025, ICB, (), "P", "", code="no spaces")


# -- joint forward plan: opinions, not sign-off ----------------------------------------------


def test_a_jfp_cannot_be_approved_until_every_relevant_hwb_has_given_its_opinion() -> None:
    with pytest.raises(InvalidInput) as err:
        check_step(JFP, [], approval(), [])
    assert CITY.describe() in err.value.message
    assert COUNTY.describe() in err.value.message
    assert "s.14Z52" in (err.value.expected or "")
    steps = record(JFP, [], opinion(CITY))
    with pytest.raises(InvalidInput) as err:
        check_step(JFP, steps, approval(), [])
    assert COUNTY.describe() in err.value.message
    assert CITY.describe() not in err.value.message
    steps = record(JFP, steps, opinion(COUNTY))
    assert plan_status(JFP, steps, []).state == "ready for approval"
    steps = record(JFP, steps, approval())
    assert plan_status(JFP, steps, []).state == "approved"


def test_the_plan_carries_each_hwbs_latest_statement() -> None:
    steps = [opinion(CITY, text="First view."), opinion(COUNTY), opinion(CITY, text="Revised.")]
    status = plan_status(JFP, steps, [])
    assert [(s.party.code, s.statement) for s in status.hwb_statements] == [
        (CITY.code, "Revised."),
        (COUNTY.code, "Takes proper account of the JLHWS."),
    ]


@pytest.mark.parametrize(
    ("plan", "new", "error", "message"),
    [
        (JFP, opinion(DISTRICT), InvalidInput, "not a party to the hwb opinion"),
        (JFP, opinion(CITY, text=" "), InvalidInput, "needs its statement"),
        (JFP, step(StepKind.SIGNOFF, CITY), InvalidInput, "takes no sign-off"),
        (BCF, opinion(CITY), InvalidInput, "takes no hwb opinion"),
        (PLACE, step(StepKind.LOCAL_AGREEMENT, CITY), InvalidInput, "takes no local agreement"),
    ],
)
def test_a_step_the_plan_does_not_take_is_refused(
    plan: Plan, new: Step, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        check_step(plan, [], new, [])


def test_an_approval_may_not_be_dated_before_an_opinion_it_rests_on() -> None:
    steps = [opinion(CITY), opinion(COUNTY, on=date(2025, 3, 10))]
    with pytest.raises(InvalidInput, match="would precede the hwb opinion") as err:
        check_step(JFP, steps, approval(date(2025, 3, 5)), [])
    assert err.value.input_name == "date"


def test_nothing_is_recorded_on_an_approved_plan() -> None:
    steps = [opinion(CITY), opinion(COUNTY), approval()]
    for new in (opinion(CITY), approval()):
        with pytest.raises(Conflict, match="was approved on 2025-03-01"):
            check_step(JFP, steps, new, [])


# -- Better Care Fund: joint sign-off ----------------------------------------------------------


def test_a_bcf_plan_needs_both_the_icb_and_the_hwb_to_sign() -> None:
    steps = record(BCF, [], step(StepKind.SIGNOFF, ICB))
    with pytest.raises(InvalidInput) as err:
        check_step(BCF, steps, approval(), [])
    assert f"no sign-off recorded from {CITY.describe()}" in err.value.message
    assert ICB.code not in err.value.message.split("cannot be approved yet")[1]
    steps = record(BCF, steps, step(StepKind.SIGNOFF, CITY))
    assert plan_status(BCF, steps, []).ready


def test_a_third_body_cannot_sign_a_bcf_plan_and_nobody_signs_twice() -> None:
    with pytest.raises(InvalidInput) as err:
        check_step(BCF, [], step(StepKind.SIGNOFF, COUNTY), [])
    assert err.value.input_name == "party"
    assert ICB.describe() in (err.value.expected or "")
    assert CITY.describe() in (err.value.expected or "")
    with pytest.raises(Conflict, match="already recorded its sign-off"):
        check_step(BCF, [step(StepKind.SIGNOFF, CITY)], step(StepKind.SIGNOFF, CITY), [])


# -- local sign-off gates ----------------------------------------------------------------------


def test_a_local_gate_must_be_passed_before_approval_and_is_not_an_opinion() -> None:
    county_place = Plan("place-county", PlanKind.PLACE_PLAN, 2025, "P", ICB, (), COUNTY.code)
    assert CITY_GATE.applies_to(PLACE)
    assert not CITY_GATE.applies_to(county_place)
    check_step(county_place, [], approval(), [CITY_GATE])  # the gate is for the City only
    with pytest.raises(InvalidInput) as err:
        check_step(PLACE, [], approval(), [CITY_GATE])
    assert "no local agreement recorded from" in err.value.message
    assert "gate-city" in (err.value.expected or "")
    steps = record(PLACE, [], step(StepKind.LOCAL_AGREEMENT, CITY), [CITY_GATE])
    status = plan_status(PLACE, steps, [CITY_GATE])
    assert status.ready
    assert status.hwb_statements == ()
    with pytest.raises(InvalidInput, match="not a party to the local agreement"):
        check_step(PLACE, [], step(StepKind.LOCAL_AGREEMENT, COUNTY), [CITY_GATE])


def test_a_gate_on_a_jfp_adds_to_the_statutory_opinions() -> None:
    gate = Gate("gate-jfp", PlanKind.JOINT_FORWARD_PLAN, CITY, "City HWB agrees the JFP")
    steps = [opinion(CITY), opinion(COUNTY)]
    with pytest.raises(InvalidInput, match="no local agreement recorded from"):
        check_step(JFP, steps, approval(), [gate])
    steps = record(JFP, steps, step(StepKind.LOCAL_AGREEMENT, CITY), [gate])
    kinds = [r.kind for r in plan_status(JFP, steps, [gate]).requirements]
    assert kinds == [StepKind.HWB_OPINION, StepKind.HWB_OPINION, StepKind.LOCAL_AGREEMENT]
    check_step(JFP, steps, approval(), [gate])
