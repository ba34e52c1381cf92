"""Better Care Fund plans: one per Health and Wellbeing Board area and year, with income by
source, schemes, the national-condition checks and the joint sign-off.

The sign-off is not recorded here: it is the governance workflow's Better Care Fund plan for
the same area and year (``services.workflows``: the ICB and the HWB each sign off, then the
ICB approves). This service reads that workflow; NC1 is met only when both sign-offs are
recorded there. Once either party has signed, the plan's figures are frozen (a signed plan
must be the plan that was signed). Writes need ``POST_FINANCE``; BCF plans are published by
HWBs, so reading them is public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance import bcf
from integrated_care.finance.money import to_decimal
from integrated_care.governance.workflows import (
    PlanKind,
    PlanStatus,
    StepKind,
    hwb_party,
    parse_year,
    year_label,
)
from integrated_care.persistence.bcf_repository import BcfRepository
from integrated_care.persistence.consultation_repository import PlanRepository
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import workflows
from integrated_care.services.finance.pools import audit
from integrated_care.structure.organisations import Organisation

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class BcfView:
    plan: bcf.BcfPlan
    note: str
    workflow: PlanStatus | None  # the governance plan carrying the sign-offs, if created
    signed_off: bool
    signoff_detail: str
    assessment: bcf.Assessment

    @property
    def key(self) -> str:
        return f"{self.plan.hwb}/{year_label(self.plan.year).replace('/', '-')}"


def _repo(uow: UnitOfWork) -> BcfRepository:
    return BcfRepository(uow.session)


def council(uow: UnitOfWork, system_code: str, value: str) -> Organisation:
    """The upper-tier council whose HWB the plan belongs to (by code or name)."""
    wanted = value.strip()
    orgs = [o for o in uow.structure.organisations(system_code) if o.kind.is_upper_tier_council]
    for o in orgs:
        if wanted in (o.code, o.gss_code) or wanted.lower() in (
            o.name.lower(),
            hwb_party(o).name.lower(),
        ):
            return o
    raise NotFound(
        "Health and Wellbeing Board area",
        value,
        input_name="hwb",
        candidates=[o.code for o in orgs] + [o.name for o in orgs],
        expected="an upper-tier council of the system (its HWB), by GSS code",
    )


def workflow_plan(uow: UnitOfWork, system_code: str, hwb: str, year: int) -> PlanStatus | None:
    for plan in PlanRepository(uow.session).all(system_code):
        if (plan.kind, plan.year, plan.area_code) == (PlanKind.BETTER_CARE_FUND, year, hwb):
            return workflows.status(uow, system_code, plan.code)
    return None


def _signoff(status: PlanStatus | None) -> tuple[bool, str]:
    if status is None:
        return False, "no Better Care Fund plan in the governance workflow yet"
    missing = [r.describe_missing() for r in status.missing]
    if missing:
        return False, f"{status.plan.code}: " + "; ".join(missing)
    signed = [
        f"{r.party.name} on {r.met_by.on.isoformat()}" for r in status.requirements if r.met_by
    ]
    return True, f"{status.plan.code}: signed off by " + " and ".join(signed) + (
        f"; approved {status.approval.on.isoformat()}" if status.approval else ""
    )


def _view(uow: UnitOfWork, system_code: str, hwb: str, year: int) -> BcfView:
    stored = _repo(uow).get(system_code, hwb, year)
    if stored is None:
        raise NotFound(
            "Better Care Fund plan",
            f"{hwb} {year_label(year)}",
            input_name="hwb",
            candidates=[f"{h} {year_label(y)}" for h, y in _repo(uow).keys(system_code)],
            expected="a plan made with 'ics finance bcf create'",
        )
    status = workflow_plan(uow, system_code, hwb, year)
    signed, detail = _signoff(status)
    assessment = bcf.assess(stored.plan, signed_off=signed, signoff_detail=detail)
    return BcfView(stored.plan, stored.note, status, signed, detail, assessment)


def view(uow: UnitOfWork, system_code: str, hwb: str, year: int | str, *, actor: Actor) -> BcfView:
    require(actor, Permission.READ_PUBLIC)
    return _view(uow, system_code, council(uow, system_code, hwb).code, parse_year(year))


def list_plans(uow: UnitOfWork, system_code: str, *, actor: Actor) -> list[BcfView]:
    require(actor, Permission.READ_PUBLIC)
    return [_view(uow, system_code, h, y) for h, y in _repo(uow).keys(system_code)]


def _uplift(percent: str | Decimal) -> Decimal:
    value = to_decimal(percent, input_name="asc_uplift") if isinstance(percent, str) else percent
    if not Decimal(-100) < value <= Decimal(100):
        raise InvalidInput(
            f"An uplift of {value}% is not plausible.",
            input_name="asc_uplift",
            expected="a percentage such as 3.9",
        )
    return value / 100


def create_plan(
    uow: UnitOfWork,
    system_code: str,
    *,
    hwb: str,
    year: int | str,
    nhs_minimum_required: int | None = None,
    asc_previous: int | None = None,
    asc_uplift_percent: str | Decimal | None = None,
    objectives: Sequence[str] | None = None,
    note: str = "",
    actor: Actor,
) -> BcfView:
    """A plan for an HWB area and year. The published NHS minimum for the HWB and last
    year's NHS contribution to adult social care with the uplift (percent) are optional;
    without them the matching checks show "not checkable"."""
    require(actor, Permission.POST_FINANCE)
    area = council(uow, system_code, hwb)
    start = parse_year(year)
    if (asc_previous is None) != (asc_uplift_percent is None):
        raise InvalidInput(
            "The adult social care check needs both last year's figure and the uplift.",
            input_name="asc_uplift" if asc_uplift_percent is None else "asc_previous",
            expected="both, or neither",
        )
    for name, value in (("nhs_minimum", nhs_minimum_required), ("asc_previous", asc_previous)):
        if value is not None and value < 0:
            raise InvalidInput(f"{name} is negative.", input_name=name, expected=">= 0")
    asc = (
        bcf.AscRequirement(asc_previous, _uplift(asc_uplift_percent))
        if asc_previous is not None and asc_uplift_percent is not None
        else None
    )
    chosen = tuple(o.strip() for o in (objectives or bcf.DEFAULT_OBJECTIVES) if o.strip())
    if not chosen:
        raise InvalidInput("A plan needs its objectives.", input_name="objectives")
    plan = bcf.BcfPlan(
        area.code, hwb_party(area).name, start, (), (), nhs_minimum_required, asc, chosen
    )
    if _repo(uow).get(system_code, area.code, start) is not None:
        raise Conflict(
            f"There is already a Better Care Fund plan for {plan.hwb_name}, {year_label(start)}.",
            input_name="year",
            expected="one plan per HWB area and year",
        )
    _repo(uow).add(system_code, plan, note.strip(), actor.name)
    audit(uow, actor, system_code, f"finance/bcf/{area.code}/{start}", use_case="create_plan")
    return _view(uow, system_code, area.code, start)


def _editable(
    uow: UnitOfWork, system_code: str, hwb: str, year: int | str, actor: Actor
) -> BcfView:
    require(actor, Permission.POST_FINANCE)
    current = _view(uow, system_code, council(uow, system_code, hwb).code, parse_year(year))
    if current.workflow is not None:
        signed = [
            s
            for s in workflows.steps(uow, system_code, current.workflow.plan.code)
            if s.kind is StepKind.SIGNOFF
        ]
        if signed:
            raise Conflict(
                f"The plan was signed off by {signed[0].party.name} on "
                f"{signed[0].on.isoformat()}; its figures can no longer change.",
                input_name="hwb",
                expected="a plan not yet signed off",
            )
    return current


def _enum(kind: type[E], value: str, input_name: str) -> E:
    wanted = value.strip().lower().replace("_", "-")
    for member in kind:
        if wanted in (member.value.lower(), member.value.lower().replace(" ", "-")):
            return member
    raise InvalidInput(
        f"Unknown {input_name} '{value}'.",
        input_name=input_name,
        expected=", ".join(m.value for m in kind),
    )


def add_income(
    uow: UnitOfWork,
    system_code: str,
    hwb: str,
    year: int | str,
    *,
    source: str,
    amount: int,
    note: str = "",
    actor: Actor,
) -> BcfView:
    current = _editable(uow, system_code, hwb, year, actor)
    income = bcf.Income(_enum(bcf.IncomeSource, source, "source"), amount, note.strip())
    bcf.check_income(income)
    _repo(uow).add_income(system_code, current.plan.hwb, current.plan.year, income)
    audit(
        uow,
        actor,
        system_code,
        f"finance/bcf/{current.plan.hwb}/{current.plan.year}",
        use_case="add_income",
        source=income.source.value,
        amount=amount,
    )
    return _view(uow, system_code, current.plan.hwb, current.plan.year)


def add_scheme(
    uow: UnitOfWork,
    system_code: str,
    hwb: str,
    year: int | str,
    *,
    code: str,
    name: str,
    area: str,
    provider: str,
    commissioner: str,
    source: str,
    amount: int,
    objective: int = 1,
    actor: Actor,
) -> BcfView:
    current = _editable(uow, system_code, hwb, year, actor)
    scheme = bcf.Scheme(
        code.strip(),
        name.strip(),
        _enum(bcf.AreaOfSpend, area, "area"),
        provider.strip(),
        _enum(bcf.Commissioner, commissioner, "commissioner"),
        _enum(bcf.IncomeSource, source, "source"),
        amount,
        objective,
    )
    bcf.check_scheme(current.plan, scheme)
    _repo(uow).add_scheme(system_code, current.plan.hwb, current.plan.year, scheme)
    audit(
        uow,
        actor,
        system_code,
        f"finance/bcf/{current.plan.hwb}/{current.plan.year}",
        use_case="add_scheme",
        scheme=scheme.code,
        amount=amount,
    )
    return _view(uow, system_code, current.plan.hwb, current.plan.year)


def open_signoff(
    uow: UnitOfWork, system_code: str, hwb: str, year: int | str, *, actor: Actor
) -> PlanStatus:
    """Create the governance workflow's BCF plan for this area and year (the ICB and the
    HWB then sign it off with ``ics governance plans signoff``). Needs a role that records
    plan decisions."""
    current = view(uow, system_code, hwb, year, actor=actor)
    if current.workflow is not None:
        return current.workflow
    plan = workflows.create_plan(
        uow,
        system_code,
        kind=PlanKind.BETTER_CARE_FUND,
        year=current.plan.year,
        area=current.plan.hwb,
        actor=actor,
    )
    return workflows.status(uow, system_code, plan.code)
