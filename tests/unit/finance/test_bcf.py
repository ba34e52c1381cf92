"""Better Care Fund plan checks: national conditions, the ASC uplift, DFG as capital, balance.

Figures are small round numbers chosen so each expectation can be worked by hand from the
rule; the 3.9% uplift is the 2025/26 figure (NHS England BCF grants page, research note §3).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.finance.bcf import (
    AreaOfSpend,
    AscRequirement,
    BcfPlan,
    Commissioner,
    Income,
    IncomeSource,
    Scheme,
    assess,
    check_scheme,
)

POUND = 100
NHS, GRANT, DFG = IncomeSource.NHS_MINIMUM, IncomeSource.LA_BETTER_CARE_GRANT, IncomeSource.DFG


def scheme(code: str, source: IncomeSource, pounds: int, area: AreaOfSpend) -> Scheme:
    return Scheme(
        code, code.title(), area, "Provider", Commissioner.JOINT, source, pounds * POUND, 1
    )


def plan() -> BcfPlan:
    return BcfPlan(
        "E06000018",
        "Nottingham City Health and Wellbeing Board",
        2025,
        (Income(NHS, 1_000 * POUND), Income(GRANT, 500 * POUND), Income(DFG, 200 * POUND)),
        (
            scheme("home-care", NHS, 400, AreaOfSpend.SOCIAL_CARE),
            scheme("community", NHS, 600, AreaOfSpend.COMMUNITY_HEALTH),
            scheme("discharge", GRANT, 500, AreaOfSpend.SOCIAL_CARE),
            scheme("adaptations", DFG, 200, AreaOfSpend.HOUSING_ADAPTATIONS),
        ),
        nhs_minimum_required=1_000 * POUND,
        asc=AscRequirement(38_499, Decimal("0.039")),  # £384.99 × 1.039 -> £400.00
    )


def by_code(p: BcfPlan, *, signed: bool = True) -> dict[str, bool | None]:
    return {c.code: c.passed for c in assess(p, signed_off=signed, signoff_detail="").checks}


def test_a_balanced_signed_plan_meets_every_condition() -> None:
    result = assess(plan(), signed_off=True, signoff_detail="signed by both")
    assert result.compliant
    codes = [c.code for c in result.checks]
    assert codes[:3] == ["NC1", "NC2", "NC3"]
    assert {
        "NC3.nhs-minimum",
        "NC3.asc",
        "balance.nhs-minimum",
        "balance.dfg",
        "balance.total",
    } <= set(codes)


def test_unsigned_plan_fails_nc1_only() -> None:
    checks = by_code(plan(), signed=False)
    assert checks["NC1"] is False
    assert all(v for k, v in checks.items() if k != "NC1")


def test_asc_must_grow_by_the_uplift_rounded_half_up() -> None:
    # £385.00 × 1.039 = £400.015 -> 40,001.5p -> 40,002p (half up): £400 planned is short.
    assert AscRequirement(385 * POUND, Decimal("0.039")).required == 40_002
    checks = by_code(replace(plan(), asc=AscRequirement(385 * POUND, Decimal("0.039"))))
    assert checks["NC3.asc"] is False
    assert checks["NC3"] is False
    # Last year £384.99: 38,499p × 1.039 = 40,000.461p -> 40,000p, met exactly.
    assert AscRequirement(38_499, Decimal("0.039")).required == 40_000
    assert by_code(plan())["NC3.asc"] is True


def test_nhs_minimum_pooled_and_fully_allocated() -> None:
    short = replace(plan(), nhs_minimum_required=1_001 * POUND)
    assert by_code(short)["NC3.nhs-minimum"] is False
    unallocated = replace(plan(), income=(Income(NHS, 1_100 * POUND), *plan().income[1:]))
    checks = by_code(unallocated)
    assert checks["balance.nhs-minimum"] is False
    assert checks["balance.total"] is False
    assert checks["NC3"] is False


def test_unrecorded_figures_are_not_checkable_rather_than_passed() -> None:
    bare = replace(plan(), nhs_minimum_required=None, asc=None)
    checks = by_code(bare)
    assert checks["NC3.nhs-minimum"] is None
    assert checks["NC3.asc"] is None
    assert checks["NC3"] is None
    assert not assess(bare, signed_off=True, signoff_detail="").compliant


def test_dfg_is_capital_for_housing_adaptations_only() -> None:
    p = plan()
    assert (p.capital_income, p.revenue_income) == (200 * POUND, 1_500 * POUND)
    with pytest.raises(InvalidInput, match="capital") as error:
        check_scheme(p, scheme("dfg-care", DFG, 10, AreaOfSpend.SOCIAL_CARE))
    assert error.value.input_name == "source"
    with pytest.raises(InvalidInput, match="capital") as error:
        check_scheme(p, scheme("ramps", NHS, 10, AreaOfSpend.HOUSING_ADAPTATIONS))
    assert error.value.input_name == "area"


@pytest.mark.parametrize(
    ("bad", "input_name"),
    [
        (scheme("home-care", NHS, 1, AreaOfSpend.SOCIAL_CARE), "code"),
        (scheme("Home Care", NHS, 1, AreaOfSpend.SOCIAL_CARE), "code"),
        (scheme("zero", NHS, 0, AreaOfSpend.SOCIAL_CARE), "amount"),
        (replace(scheme("obj", NHS, 1, AreaOfSpend.SOCIAL_CARE), objective=3), "objective"),
        (replace(scheme("anon", NHS, 1, AreaOfSpend.SOCIAL_CARE), provider=" "), "provider"),
    ],
)
def test_bad_schemes_are_refused(bad: Scheme, input_name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check_scheme(plan(), bad)
    assert error.value.input_name == input_name


def test_no_schemes_fails_nc2() -> None:
    assert by_code(replace(plan(), schemes=()))["NC2"] is False
