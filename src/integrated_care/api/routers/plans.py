"""Cross-body plan workflows: a joint forward plan needs each relevant Health and Wellbeing
Board's opinion before the ICB approves it; a Better Care Fund plan needs joint sign-off by
the ICB and the HWB; local sign-off gates add agreements. Reads are public; recording a step
needs a role that records plan decisions (board secretary or admin). Every step goes to the
public decision register."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.governance_common import READ_ERRORS, WRITE_ERRORS, SignedUowDep
from integrated_care.api.schemas.consultations import (
    PartyRead,
    PlanCreate,
    PlanRead,
    RequirementRead,
    StepCreate,
    StepRead,
)
from integrated_care.errors import InvalidInput
from integrated_care.governance.workflows import Party, PlanStatus, Step, year_label
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import workflows

router = APIRouter(tags=["plans"], dependencies=[Depends(current_actor)])


def _party(p: Party) -> PartyRead:
    return PartyRead(code=p.code, name=p.name)


def _step(s: Step) -> StepRead:
    return StepRead(
        kind=s.kind.value,
        party=_party(s.party),
        on=s.on,
        statement=s.statement,
        decision_ref=s.decision_ref,
    )


def _plan(uow: UnitOfWork, system: str, status_: PlanStatus) -> PlanRead:
    plan = status_.plan
    return PlanRead(
        code=plan.code,
        kind=plan.kind.value,
        year=year_label(plan.year),
        title=plan.title,
        icb=_party(plan.icb),
        hwbs=[_party(h) for h in plan.hwbs],
        area=plan.area_code,
        state=status_.state,
        ready=status_.ready,
        missing=[r.describe_missing() for r in status_.missing],
        requirements=[
            RequirementRead(
                kind=r.kind.value,
                party=_party(r.party),
                basis=r.basis,
                met_by=_step(r.met_by) if r.met_by else None,
            )
            for r in status_.requirements
        ],
        approval=_step(status_.approval) if status_.approval else None,
        steps=[_step(s) for s in workflows.steps(uow, system, plan.code)],
    )


def _party_of(step: StepCreate) -> str:
    if not step.party:
        raise InvalidInput("No party given.", input_name="party", expected="the party's code")
    return step.party


@router.get("/plans", response_model=list[PlanRead], responses=READ_ERRORS)
def list_plans(uow: UowDep, workspace: WorkspaceDep) -> list[PlanRead]:
    """Every plan with its status: what is required, what is recorded, what is missing."""
    return [_plan(uow, workspace.system, s) for s in workflows.list_plans(uow, workspace.system)]


@router.get("/plans/{code}", response_model=PlanRead, responses=READ_ERRORS)
def show_plan(code: str, uow: UowDep, workspace: WorkspaceDep) -> PlanRead:
    """One plan's status and every step recorded on it."""
    return _plan(uow, workspace.system, workflows.status(uow, workspace.system, code))


@router.post(
    "/plans", response_model=PlanRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
def create_plan(
    body: PlanCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> PlanRead:
    """Create a joint forward plan, a Better Care Fund plan (for one HWB area) or a place
    plan (for one place)."""
    plan = workflows.create_plan(
        uow,
        workspace.system,
        kind=body.kind,
        year=body.year,
        area=body.area,
        hwbs=body.hwbs,
        title=body.title,
        code=body.code,
        actor=actor,
    )
    result = _plan(uow, workspace.system, workflows.status(uow, workspace.system, plan.code))
    uow.commit()
    return result


def _recorded(uow: UnitOfWork, system: str, code: str) -> PlanRead:
    result = _plan(uow, system, workflows.status(uow, system, code))
    uow.commit()
    return result


@router.post(
    "/plans/{code}/opinions",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def record_opinion(
    code: str, step: StepCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> PlanRead:
    """Record an HWB's statement of opinion on a joint forward plan (``party``: the HWB's
    council code); a later opinion revises it."""
    workflows.record_opinion(
        uow, workspace.system, code, hwb=_party_of(step), statement=step.statement,
        on=step.on, decision_ref=step.decision_ref, actor=actor,
    )  # fmt: skip
    return _recorded(uow, workspace.system, code)


@router.post(
    "/plans/{code}/signoffs",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def record_signoff(
    code: str, step: StepCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> PlanRead:
    """Record the ICB's or the HWB's sign-off of a Better Care Fund plan."""
    workflows.record_signoff(
        uow, workspace.system, code, party=_party_of(step), statement=step.statement,
        on=step.on, decision_ref=step.decision_ref, actor=actor,
    )  # fmt: skip
    return _recorded(uow, workspace.system, code)


@router.post(
    "/plans/{code}/agreements",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def record_agreement(
    code: str, step: StepCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> PlanRead:
    """Record a party's agreement under a local sign-off gate (not a statutory step)."""
    workflows.record_local_agreement(
        uow, workspace.system, code, party=_party_of(step), statement=step.statement,
        on=step.on, decision_ref=step.decision_ref, actor=actor,
    )  # fmt: skip
    return _recorded(uow, workspace.system, code)


@router.post(
    "/plans/{code}/approval",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def approve(
    code: str, step: StepCreate, actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> PlanRead:
    """Record the ICB's approval; refused (409/400, nothing written) while an HWB opinion,
    a sign-off or a local agreement is missing."""
    if step.party:
        raise InvalidInput(
            "The approval is always the ICB's; it takes no party.",
            input_name="party",
            expected="no party",
        )
    workflows.approve(
        uow, workspace.system, code, statement=step.statement, on=step.on,
        decision_ref=step.decision_ref, actor=actor,
    )  # fmt: skip
    return _recorded(uow, workspace.system, code)
