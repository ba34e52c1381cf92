"""Pools, the Better Care Fund and running-cost contributions over REST.

- ``/finance/pools...`` (``finance_pools``): restricted reads, partners see their own pools;
- ``/finance/bcf...``: plans are published by HWBs, so reads are public; writes need the
  finance role; the joint sign-off is recorded through ``/plans`` (the governance workflow);
- ``/finance/contributions...``: who was asked for, pledged, paid or declined a running-cost
  contribution is public; recording it, the allowance, plans and postings need finance.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, status

from integrated_care.api.deps import ActorDep, SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.finance_pools import router as pools_router
from integrated_care.api.schemas.common import error_responses
from integrated_care.api.schemas.finance_partnerships import (
    AllowanceCreate,
    BcfIncomeCreate,
    BcfPlanCreate,
    BcfPlanRead,
    BcfSchemeCreate,
    CapRead,
    ContributionCreate,
    ContributionStateRead,
    ContributionYearRead,
    PostedRead,
    RunningCostPlanCreate,
    RunningCostPostingCreate,
)
from integrated_care.services.finance import bcf, contributions
from integrated_care.services.finance.partnership_dicts import (
    bcf_dict,
    cap_dict,
    state_dict,
    year_dict,
)

router = APIRouter(tags=["finance: partnerships"], dependencies=[Depends(current_actor)])
router.include_router(pools_router)
READ = error_responses(404, 422)
WRITE = error_responses(400, 401, 403, 404, 409, 422)


@router.get("/finance/bcf", response_model=list[BcfPlanRead], responses=READ)
def list_bcf(actor: ActorDep, uow: UowDep, workspace: WorkspaceDep) -> list[dict[str, Any]]:
    """Every Better Care Fund plan: income, schemes, conditions and sign-off."""
    return [bcf_dict(v) for v in bcf.list_plans(uow, workspace.system, actor=actor)]


@router.get("/finance/bcf/{hwb}/{year}", response_model=BcfPlanRead, responses=READ)
def show_bcf(
    hwb: str, year: str, actor: ActorDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """One plan, by the HWB's council code and the year (2025-26)."""
    return bcf_dict(bcf.view(uow, workspace.system, hwb, year, actor=actor))


@router.post(
    "/finance/bcf",
    response_model=BcfPlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def create_bcf(
    body: BcfPlanCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    view = bcf.create_plan(
        uow,
        workspace.system,
        hwb=body.hwb,
        year=body.year,
        nhs_minimum_required=body.nhs_minimum_required,
        asc_previous=body.asc_previous,
        asc_uplift_percent=body.asc_uplift_percent,
        objectives=body.objectives,
        note=body.note,
        actor=actor,
    )
    uow.commit()
    return bcf_dict(view)


@router.post(
    "/finance/bcf/{hwb}/{year}/income",
    response_model=BcfPlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_bcf_income(
    hwb: str,
    year: str,
    body: BcfIncomeCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    view = bcf.add_income(
        uow,
        workspace.system,
        hwb,
        year,
        source=body.source,
        amount=body.amount,
        note=body.note,
        actor=actor,
    )
    uow.commit()
    return bcf_dict(view)


@router.post(
    "/finance/bcf/{hwb}/{year}/schemes",
    response_model=BcfPlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_bcf_scheme(
    hwb: str,
    year: str,
    body: BcfSchemeCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    view = bcf.add_scheme(
        uow,
        workspace.system,
        hwb,
        year,
        code=body.code,
        name=body.name,
        area=body.area,
        provider=body.provider,
        commissioner=body.commissioner,
        source=body.source,
        amount=body.amount,
        objective=body.objective,
        actor=actor,
    )
    uow.commit()
    return bcf_dict(view)


@router.get("/finance/contributions", response_model=list[ContributionYearRead], responses=READ)
def list_contributions(
    actor: ActorDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    year: str | None = Query(default=None, description="Only this year, e.g. 2020-21."),
) -> list[dict[str, Any]]:
    """Each partner's running-cost contribution per year (declines with their reasons)
    and the year's cap."""
    years = [year] if year else [str(y) for y in contributions.years(uow, workspace.system)]
    return [
        year_dict(contributions.year_view(uow, workspace.system, y, actor=actor)) for y in years
    ]


@router.post(
    "/finance/contributions",
    response_model=ContributionStateRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def record_contribution(
    body: ContributionCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """Record a request, pledge, payment (posted to the ledger) or decline."""
    state = contributions.record(
        uow,
        workspace.system,
        partner=body.partner,
        year=body.year,
        kind=body.kind,
        on=body.on,
        amount=body.amount,
        reason=body.reason,
        reference=body.reference,
        note=body.note,
        actor=actor,
    )
    names = {o.code: o.name for o in uow.structure.organisations(workspace.system)}
    uow.commit()
    return state_dict(state, names)


@router.get("/finance/contributions/{year}/cap", response_model=CapRead, responses=READ)
def show_cap(year: str, actor: ActorDep, uow: UowDep, workspace: WorkspaceDep) -> dict[str, Any]:
    """The running-cost cap: the running cost allowance plus partners' pledges."""
    return cap_dict(contributions.cap(uow, workspace.system, year, actor=actor)) or {}


@router.post(
    "/finance/contributions/{year}/allowance",
    response_model=CapRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def set_allowance(
    year: str, body: AllowanceCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    limit = contributions.set_allowance(
        uow, workspace.system, year=year, amount=body.amount, source=body.source, actor=actor
    )
    uow.commit()
    return cap_dict(limit) or {}


@router.post(
    "/finance/contributions/{year}/plan",
    response_model=CapRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def plan_running_costs(
    year: str,
    body: RunningCostPlanCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Plan the year's ICS running costs: 409 above the cap."""
    limit = contributions.plan_running_costs(
        uow, workspace.system, year=year, amount=body.amount, note=body.note, actor=actor
    )
    uow.commit()
    return cap_dict(limit) or {}


@router.post(
    "/finance/contributions/{year}/costs",
    response_model=PostedRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def post_running_costs(
    year: str,
    body: RunningCostPostingCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> dict[str, Any]:
    """Post running costs: 409 above the allowance plus contributions received."""
    posted = contributions.post_running_costs(
        uow,
        workspace.system,
        year=year,
        amount=body.amount,
        on=body.on,
        description=body.description,
        key=body.key,
        actor=actor,
    )
    uow.commit()
    return {"journal_id": posted.journal.id, "replayed": posted.replayed}
