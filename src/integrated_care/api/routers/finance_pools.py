"""Section 75 pools over REST: ``/finance/pools``.

Reads are restricted (sign in; each read is audited); a partner-role user sees only the
pools its organisation belongs to, and any other pool answers 404 as if it did not exist.
Writes need the finance (or admin) role: 401 without a token, 403 for other roles.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from integrated_care.api.deps import RestrictedDep, SignedInDep, UowDep, WorkspaceDep
from integrated_care.api.schemas.common import error_responses
from integrated_care.api.schemas.finance_partnerships import (
    EntryRead,
    LineCreate,
    MoneyIn,
    PartnerCreate,
    PoolCreate,
    PoolRead,
    PoolStatementRead,
    RuleCreate,
    SettlementCreate,
    SpendCreate,
)
from integrated_care.finance.pools import Line, RiskShare
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import pool_postings, pools
from integrated_care.services.finance.partnership_dicts import (
    entry_dict,
    pool_dict,
    statement_dict,
)
from integrated_care.services.finance.pool_statements import statement

router = APIRouter(tags=["finance: pools"])
READ = error_responses(401, 403, 404, 422)
WRITE = error_responses(400, 401, 403, 404, 409, 422)


def _rule(body: RuleCreate) -> RiskShare:
    return pools.parse_rule(
        basis=body.basis,
        shares=body.shares,
        underspend=body.underspend,
        cut_uncommitted=body.cut_uncommitted,
        caps=body.caps,
        uncapped=body.uncapped,
    )


def _statement(uow: UnitOfWork, system: str, code: str, actor: Any) -> dict[str, Any]:
    return statement_dict(statement(uow, system, code, actor=actor))


@router.get("/finance/pools", response_model=list[PoolRead], responses=READ)
def list_pools(actor: RestrictedDep, uow: UowDep, workspace: WorkspaceDep) -> list[dict[str, Any]]:
    """The pools the signed-in user may see (a partner: its organisation's pools)."""
    return [pool_dict(p.pool, p.fund) for p in pools.list_pools(uow, workspace.system, actor=actor)]


@router.get("/finance/pools/{code}", response_model=PoolStatementRead, responses=READ)
def show_pool(
    code: str, actor: RestrictedDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """The pooled fund statement: contributions, spend, calls, the settlement (preview or
    posted) and the pool fund's ledger balance."""
    return _statement(uow, workspace.system, code, actor)


@router.post(
    "/finance/pools",
    response_model=PoolStatementRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def create_pool(
    body: PoolCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """Create a pool with its host, partners, lines and risk-share rule."""
    lines = [Line(x.code, x.name or x.code, pools.parse_kind(x.kind)) for x in body.lines]
    pool = pools.create_pool(
        uow,
        workspace.system,
        code=body.code,
        name=body.name,
        year=body.year,
        host=body.host,
        partners=body.partners,
        basis=body.basis,
        stream=body.stream,
        aims=body.aims,
        rule=_rule(body.rule) if body.rule else None,
        lines=lines,
        actor=actor,
    )
    result = _statement(uow, workspace.system, pool.code, actor)
    uow.commit()
    return result


@router.post(
    "/finance/pools/{code}/partners",
    response_model=PoolStatementRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_partner(
    code: str, body: PartnerCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    pools.add_partner(uow, workspace.system, code, body.organisation, actor=actor)
    result = _statement(uow, workspace.system, code, actor)
    uow.commit()
    return result


@router.post(
    "/finance/pools/{code}/lines",
    response_model=PoolStatementRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def add_line(
    code: str, body: LineCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    pools.add_line(
        uow, workspace.system, code, line=body.code, name=body.name, kind=body.kind, actor=actor
    )
    result = _statement(uow, workspace.system, code, actor)
    uow.commit()
    return result


@router.put("/finance/pools/{code}/rule", response_model=PoolStatementRead, responses=WRITE)
def set_rule(
    code: str, body: RuleCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """Replace the risk-share rule (refused once spend is recorded)."""
    pools.set_rule(uow, workspace.system, code, _rule(body), actor=actor)
    result = _statement(uow, workspace.system, code, actor)
    uow.commit()
    return result


@router.post(
    "/finance/pools/{code}/contributions",
    response_model=EntryRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def contribute(
    code: str, body: MoneyIn, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """A partner's contribution to a line, posted to the ledger."""
    entry = pool_postings.contribute(
        uow,
        workspace.system,
        code,
        partner=body.partner,
        line=body.line,
        amount=body.amount,
        on=body.on,
        description=body.description,
        key=body.key,
        actor=actor,
    )
    uow.commit()
    return entry_dict(entry)


@router.post(
    "/finance/pools/{code}/spend",
    response_model=list[EntryRead],
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def spend(
    code: str, body: SpendCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> list[dict[str, Any]]:
    """Spend on a line; beyond the pool's balance only ``under_risk_share`` (the shortfall
    is called from the partners first)."""
    entries = pool_postings.record_spend(
        uow,
        workspace.system,
        code,
        line=body.line,
        amount=body.amount,
        on=body.on,
        description=body.description,
        under_risk_share=body.under_risk_share,
        key=body.key,
        actor=actor,
    )
    uow.commit()
    return [entry_dict(e) for e in entries]


@router.post(
    "/finance/pools/{code}/settlement",
    response_model=PoolStatementRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE,
)
def settle(
    code: str, body: SettlementCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> dict[str, Any]:
    """Settle the year and close the pool."""
    s = pool_postings.settle_year(uow, workspace.system, code, on=body.on, actor=actor)
    uow.commit()
    return statement_dict(s)
