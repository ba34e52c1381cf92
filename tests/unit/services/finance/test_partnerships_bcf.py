"""Better Care Fund plans through the services: figures, checks and the joint sign-off that
only the governance workflow can give. Round illustrative figures, checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine
from tests.unit.services.finance.partnership_support import CITY, COUNTY, FINANCE, SYSTEM

from integrated_care.access import ANONYMOUS, LOCAL_OPERATOR
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import workflows
from integrated_care.services.finance import bcf
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]
POUND = 100


def make_plan(uow: UnitOfWork) -> None:
    bcf.create_plan(
        uow,
        SYSTEM,
        hwb=CITY,
        year="2025/26",
        nhs_minimum_required=1_000 * POUND,
        asc_previous=38_499,
        asc_uplift_percent="3.9",
        actor=FINANCE,
    )
    for source, pounds in (("nhs-minimum", 1_000), ("la-better-care-grant", 500), ("dfg", 200)):
        bcf.add_income(
            uow, SYSTEM, CITY, "2025/26", source=source, amount=pounds * POUND, actor=FINANCE
        )
    schemes = [
        ("home-care", "social care", "nhs-minimum", 400),  # £384.99 × 1.039 -> £400.00
        ("community", "community health", "nhs-minimum", 600),
        ("discharge", "social care", "la-better-care-grant", 500),
        ("adaptations", "housing adaptations", "dfg", 200),
    ]
    for code, area, source, pounds in schemes:
        bcf.add_scheme(
            uow,
            SYSTEM,
            CITY,
            "2025/26",
            code=code,
            name=code.title(),
            area=area,
            provider="Nottingham City Council",
            commissioner="joint",
            source=source,
            amount=pounds * POUND,
            actor=FINANCE,
        )


def checks(view: bcf.BcfView) -> dict[str, bool | None]:
    return {c.code: c.passed for c in view.assessment.checks}


def test_a_plan_is_signed_off_only_through_the_governance_workflow(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        make_plan(uow)
        view = bcf.view(uow, SYSTEM, CITY, "2025/26", actor=ANONYMOUS)
        assert view.plan.hwb_name == "Nottingham Health and Wellbeing Board"
        assert checks(view)["NC1"] is False
        assert "no Better Care Fund plan in the governance workflow" in view.signoff_detail
        assert all(v for k, v in checks(view).items() if k != "NC1")
        with pytest.raises(Forbidden):  # the finance role does not record plan decisions
            bcf.open_signoff(uow, SYSTEM, CITY, "2025/26", actor=FINANCE)
        status = bcf.open_signoff(uow, SYSTEM, CITY, "2025/26", actor=LOCAL_OPERATOR)
        assert status.plan.code == "bcf-E06000018-2025-26"
        workflows.record_signoff(
            uow, SYSTEM, status.plan.code, party=SYSTEM, on=date(2025, 6, 1), actor=LOCAL_OPERATOR
        )
        half = bcf.view(uow, SYSTEM, CITY, "2025/26", actor=ANONYMOUS)
        assert checks(half)["NC1"] is False
        assert "no sign-off recorded from Nottingham Health and Wellbeing Board" in (
            half.signoff_detail
        )
        with pytest.raises(Conflict, match="signed off by NHS Nottingham"):
            bcf.add_income(
                uow, SYSTEM, CITY, "2025/26", source="additional-la", amount=1, actor=FINANCE
            )
        workflows.record_signoff(
            uow, SYSTEM, status.plan.code, party=CITY, on=date(2025, 6, 12), actor=LOCAL_OPERATOR
        )
        full = bcf.view(uow, SYSTEM, CITY, "2025/26", actor=ANONYMOUS)
        uow.commit()
    assert full.signed_off
    assert full.assessment.compliant


def test_failed_conditions_are_named(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        make_plan(uow)
        bcf.add_income(
            uow, SYSTEM, CITY, "2025/26", source="additional-icb", amount=50 * POUND, actor=FINANCE
        )
        view = bcf.view(
            uow, SYSTEM, "Nottingham Health and Wellbeing Board", "2025-26", actor=ANONYMOUS
        )
    found = checks(view)
    assert found["balance.additional-icb"] is False
    assert found["balance.total"] is False
    assert found["NC3"] is False
    nc3 = next(c for c in view.assessment.checks if c.code == "NC3")
    assert "Additional ICB contribution fully allocated" in nc3.detail


def test_bad_plans_write_nothing(qt1: Workspace, row_counts: RowCounts) -> None:
    with qt1.uow() as uow:
        make_plan(uow)
        uow.commit()
    before = row_counts(qt1.engine)
    cases: list[tuple[Callable[[UnitOfWork], object], type[Exception], str]] = [
        (
            lambda u: bcf.create_plan(u, SYSTEM, hwb=CITY, year="2025/26", actor=FINANCE),
            Conflict,
            "year",
        ),
        (
            lambda u: bcf.create_plan(u, SYSTEM, hwb="E07000170", year="2025/26", actor=FINANCE),
            NotFound,
            "hwb",
        ),
        (
            lambda u: bcf.create_plan(
                u, SYSTEM, hwb=COUNTY, year="2025/26", asc_previous=1, actor=FINANCE
            ),
            InvalidInput,
            "asc_uplift",
        ),
        (
            lambda u: bcf.add_income(
                u, SYSTEM, CITY, "2025/26", source="lottery", amount=1, actor=FINANCE
            ),
            InvalidInput,
            "source",
        ),
        (
            lambda u: bcf.add_income(
                u, SYSTEM, CITY, "2025/26", source="dfg", amount=0, actor=FINANCE
            ),
            InvalidInput,
            "amount",
        ),
        (
            lambda u: bcf.add_scheme(
                u,
                SYSTEM,
                CITY,
                "2025/26",
                code="ramps",
                name="Ramps",
                area="social care",
                provider="P",
                commissioner="joint",
                source="dfg",
                amount=1,
                actor=FINANCE,
            ),
            InvalidInput,
            "source",
        ),
        (
            lambda u: bcf.add_scheme(
                u,
                SYSTEM,
                CITY,
                "2025/26",
                code="x",
                name="X",
                area="social care",
                provider="P",
                commissioner="nobody",
                source="nhs-minimum",
                amount=1,
                actor=FINANCE,
            ),
            InvalidInput,
            "commissioner",
        ),
        (
            lambda u: bcf.add_income(
                u, SYSTEM, CITY, "2025/26", source="dfg", amount=1, actor=ANONYMOUS
            ),
            Forbidden,
            "role",
        ),
        (lambda u: bcf.view(u, SYSTEM, COUNTY, "2025/26", actor=ANONYMOUS), NotFound, "hwb"),
    ]
    for call, error, input_name in cases:
        with pytest.raises(error) as raised, qt1.uow() as uow:
            call(uow)
        assert getattr(raised.value, "input_name", None) == input_name
    assert row_counts(qt1.engine) == before
