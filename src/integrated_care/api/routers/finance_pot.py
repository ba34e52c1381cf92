"""The single pot and places API under /api/v1/finance: the pot per stream, receiving
allocations, place need indices and budgets, the scheme of delegation, delegations, spending
at place, financial duties and the pot's flows.

The pot's published summary (what NHS England allocated per stream) is public; everything
else is restricted (finance, admin, analyst, board secretary; each read is audited) and
refused to partners, who see only their own pools (partnerships API). Writes need
POST_FINANCE (finance and admin; checked by the services).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status

from integrated_care.access import Actor, Permission, Role
from integrated_care.api.deps import (
    ActorDep,
    SignedInDep,
    UowDep,
    WorkspaceDep,
    current_actor,
    restricted_reader,
)
from integrated_care.api.schemas.common import IsoDate, error_responses
from integrated_care.api.schemas.finance_pot import (
    DelegationCreate,
    DelegationRead,
    DutyCreate,
    DutyRead,
    DutyStatusRead,
    FlowRead,
    PlacePostingRead,
    PlaceRead,
    PlaceSpendCreate,
    PlacesRead,
    PotRead,
    ReceiptRead,
    ReceiveCreate,
    SchemeEnd,
    SchemeEntryCreate,
    SchemeEntryRead,
)
from integrated_care.errors import Forbidden, InvalidInput
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.finance.duties import DutyConfig, parse_duty
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.finance.single_pot import load_published, parse_allocation, parse_stream
from integrated_care.services.finance import delegation, place_budgets, single_pot
from integrated_care.services.finance import duties as duty_service
from integrated_care.services.finance.pot_dicts import (
    budget_dict,
    delegation_dict,
    duty_dict,
    duty_status_dict,
    flow_dict,
    need_dict,
    posting_dict,
    pot_dict,
    scheme_entry_dict,
)

PREFIX = "/finance"
router = APIRouter(tags=["finance: single pot and places"], dependencies=[Depends(current_actor)])
READ_ERRORS = error_responses(400, 401, 403, 404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)
YearQuery = Annotated[str, Query(description="Financial year, e.g. 2025/26")]
WeightsQuery = Annotated[
    str | None,
    Query(description="Weighted populations year: 2023/24, 2024/25 or 2026/27 (default: best)"),
]


def pot_reader(request: Request, actor: ActorDep, workspace: WorkspaceDep) -> Actor:
    """A restricted read (audited), refused to partners: budgets span every place."""
    if actor.role is Role.PARTNER:
        raise Forbidden(
            "Partners may not read the ICB's budgets; pool statements are under "
            "/api/v1/finance/partnerships.",
            input_name="role",
            expected="finance, admin, analyst or board_secretary",
        )
    return restricted_reader(request, actor, workspace)


ReaderDep = Annotated[Actor, Depends(pot_reader)]


def _year(text: str, name: str = "year") -> int:
    return parse_financial_year(text, input_name=name)


def _weights(text: str | None) -> str | None:
    return None if text is None else year_label(_year(text, "weights_year"))


# -- the pot -------------------------------------------------------------------------------------
@router.get(f"{PREFIX}/pot", response_model=PotRead, responses=READ_ERRORS)
def pot(
    request: Request, uow: UowDep, workspace: WorkspaceDep, actor: ActorDep, year: YearQuery
) -> PotRead:
    """The single pot per stream. Public: what NHS England allocated. Readers of restricted
    information (not partners) also get delegated, pooled, committed, spent, unallocated."""
    start = _year(year)
    found = single_pot.pot(uow, workspace.system, start)
    detail = actor.can(Permission.READ_RESTRICTED) and actor.role is not Role.PARTNER
    if detail:
        restricted_reader(request, actor, workspace)  # audits the read
    return PotRead.model_validate(pot_dict(found, public=not detail))


@router.post(
    f"{PREFIX}/pot/receive",
    response_model=list[ReceiptRead],
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def receive(body: ReceiveCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep) -> Any:
    """Receive allocation lines (or NHS England's published figures) into the pot: one
    journal per line. Receiving again with the same reference replays."""
    start = _year(body.year)
    if body.published == (body.lines is not None):
        raise InvalidInput(
            "Send either lines or published: true.",
            input_name="lines",
            expected="lines, or published for 2023/24 and 2024/25",
        )
    if body.published:
        allocation = load_published(body.icb or workspace.system, start)
    else:
        allocation = parse_allocation(
            {
                "year": body.year,
                "unit": body.unit,
                "source": body.source,
                "lines": [line.model_dump() for line in body.lines or []],
            },
            year=start,
        )
    posted = single_pot.receive(
        uow, workspace.system, allocation, actor=actor, posted_on=body.posted_on,
        reference=body.reference,
    )  # fmt: skip
    result = [
        ReceiptRead(
            journal_id=p.journal.id,
            key=p.journal.key,
            stream=line.stream.value,
            line=line.line,
            amount=line.amount,
            replayed=p.replayed,
        )
        for p, line in zip(posted, allocation.lines, strict=True)
    ]
    uow.commit()
    return result


@router.get(f"{PREFIX}/flows", response_model=list[FlowRead], responses=READ_ERRORS)
def flows(uow: UowDep, workspace: WorkspaceDep, _reader: ReaderDep, year: YearQuery) -> Any:
    """Flows of the pot between groups: NHS England's streams -> the pot -> places, pools and
    what the ICB retains -> spend lines; largest first (pence)."""
    return [flow_dict(f) for f in single_pot.pot_flows(uow, workspace.system, _year(year))]


# -- places --------------------------------------------------------------------------------------
def _day(start: int, as_of: date | None) -> date:
    return as_of or date(start, 4, 1)


@router.get(f"{PREFIX}/places", response_model=PlacesRead, responses=READ_ERRORS)
def places(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    year: YearQuery,
    weights_year: WeightsQuery = None,
    as_of: Annotated[IsoDate | None, Query(description="Places on (default 1 April)")] = None,
) -> Any:
    """Each place's need indices per component and its budget vs actual per line."""
    start = _year(year)
    report = delegation.need(
        uow, workspace.system, day=_day(start, as_of), weights_year=_weights(weights_year)
    )
    found = place_budgets.budgets(uow, workspace.system, start)
    return {
        "year": year_label(start),
        "need": need_dict(report),
        "budgets": [budget_dict(b) for b in found],
    }


@router.get(f"{PREFIX}/places/{{code}}", response_model=PlaceRead, responses=READ_ERRORS)
def place(
    code: Annotated[str, Path(description="Place code")],
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    year: YearQuery,
    weights_year: WeightsQuery = None,
    as_of: Annotated[IsoDate | None, Query(description="Place on (default 1 April)")] = None,
) -> Any:
    """One place: need indices per component and budget vs actual per line."""
    start = _year(year)
    budget = place_budgets.place_budget_for(uow, workspace.system, start, code)
    report = delegation.need(
        uow, workspace.system, day=_day(start, as_of), weights_year=_weights(weights_year)
    )
    delegation.check_places([code], report)
    need = next(p for p in need_dict(report)["places"] if p["code"] == code)
    return {
        "year": year_label(start),
        "weights_year": report.weights_year,
        "need": need,
        "budget": budget_dict(budget),
    }


@router.post(
    f"{PREFIX}/places/{{code}}/spend",
    response_model=PlacePostingRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def place_spend(
    code: Annotated[str, Path(description="Place code")],
    body: PlaceSpendCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> Any:
    """A commitment (``commit``) or payment against a place's delegated budget, within the
    scheme's single-commitment limit and approved by the scheme's approver."""
    done = place_budgets.spend_at_place(
        uow, workspace.system, place=code, year=_year(body.year),
        stream=parse_stream(body.stream), line=body.line, amount=body.amount, on=body.on,
        key=body.key, approved_by=body.approved_by, description=body.description, actor=actor,
        commit_only=body.commit, expires_on=body.expires_on,
    )  # fmt: skip
    result = posting_dict(done)
    uow.commit()
    return result


# -- the scheme of delegation and delegations ---------------------------------------------------
@router.get(f"{PREFIX}/scheme", response_model=list[SchemeEntryRead], responses=READ_ERRORS)
def scheme(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    as_of: Annotated[IsoDate | None, Query(description="Only entries in force then")] = None,
) -> Any:
    """The scheme of delegation: lines, places, split components, limits, approvers."""
    return [scheme_entry_dict(e) for e in delegation.scheme(uow, workspace.system, as_of)]


@router.post(
    f"{PREFIX}/scheme",
    response_model=SchemeEntryRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def add_scheme_entry(
    body: SchemeEntryCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> Any:
    """Delegate a line to a place from a date (an overlapping entry is refused: 409)."""
    entry = SchemeEntry(
        place=body.place, stream=parse_stream(body.stream), line=body.line,
        component=body.component, approver=body.approver, valid_from=body.valid_from,
        valid_to=body.valid_to, max_budget=body.max_budget, max_commitment=body.max_commitment,
    )  # fmt: skip
    stored = delegation.add_scheme_entry(uow, workspace.system, entry, actor=actor)
    result = scheme_entry_dict(stored)
    uow.commit()
    return result


@router.post(
    f"{PREFIX}/scheme/{{entry_id}}/end", response_model=SchemeEntryRead, responses=WRITE_ERRORS
)
def end_scheme_entry(
    entry_id: Annotated[int, Path(description="The entry's id")],
    body: SchemeEnd,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> Any:
    """End a scheme entry (kept, never deleted)."""
    ended = delegation.end_scheme_entry(uow, workspace.system, entry_id, body.valid_to, actor=actor)
    result = scheme_entry_dict(ended)
    uow.commit()
    return result


@router.get(f"{PREFIX}/delegations", response_model=list[DelegationRead], responses=READ_ERRORS)
def delegations(uow: UowDep, workspace: WorkspaceDep, _reader: ReaderDep, year: YearQuery) -> Any:
    """Every delegation of the year with each place's part."""
    found = delegation.delegations(uow, workspace.system, _year(year))
    return [delegation_dict(d) for d in found]


@router.post(
    f"{PREFIX}/delegations",
    response_model=DelegationRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def delegate(
    body: DelegationCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> Any:
    """Delegate a line's budget to the places the scheme names, split by need (largest
    remainder: the parts sum to the amount). Above a limit: 400, nothing written."""
    done = delegation.delegate(
        uow, workspace.system, year=_year(body.year), stream=parse_stream(body.stream),
        line=body.line, amount=body.amount, on=body.on, key=body.key, actor=actor,
        weights_year=_weights(body.weights_year), description=body.description,
    )  # fmt: skip
    result = delegation_dict(done)
    uow.commit()
    return result


# -- duties ---------------------------------------------------------------------------------------
@router.get(f"{PREFIX}/duties", response_model=list[DutyStatusRead], responses=READ_ERRORS)
def duties(uow: UowDep, workspace: WorkspaceDep, _reader: ReaderDep, year: YearQuery) -> Any:
    """The duties configured for a year and where each stands (headroom >= 0: met)."""
    return [duty_status_dict(s) for s in duty_service.statuses(uow, workspace.system, _year(year))]


@router.post(
    f"{PREFIX}/duties",
    response_model=DutyRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def configure_duty(
    body: DutyCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> Any:
    """Configure a duty for a year (replacing its earlier setting)."""
    config = DutyConfig(parse_duty(body.duty), _year(body.year), body.target, tuple(body.lines))
    stored = duty_service.configure(uow, workspace.system, config, actor=actor)
    result = duty_dict(stored)
    uow.commit()
    return result
