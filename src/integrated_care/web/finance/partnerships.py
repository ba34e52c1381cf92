"""Finance pages for partnerships: ``/finance/pools`` and ``/finance/pools/{code}`` (pooled
fund statements), ``/finance/bcf`` (Better Care Fund plans) and ``/finance/contributions``
(partner contributions to ICS running costs).

Pools are restricted: signed-in readers of restricted information see them; a partner sees
only its organisation's pools (any other answers "not found"); each page view is audited.
BCF plans and contribution decisions are published by HWBs and councils: public.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from integrated_care.access import Actor, Permission, require
from integrated_care.api.deps import UowDep, WorkspaceDep
from integrated_care.errors import AuthError
from integrated_care.finance.bcf import totals_by_source
from integrated_care.finance.money import format_gbp
from integrated_care.finance.pools import LineKind
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import bcf, contributions, pools
from integrated_care.services.finance.partnership_dicts import percent
from integrated_care.services.finance.pool_statements import statement
from integrated_care.web.views import session
from integrated_care.web.views.common import code_path, render

router = APIRouter(include_in_schema=False)
FINANCE_CRUMBS = [{"text": "Overview", "href": "/"}, {"text": "Finance", "href": "/finance"}]
CHECK_TAGS = {
    True: ("met", "nhsuk-tag--green"),
    False: ("not met", "nhsuk-tag--red"),
    None: ("not checkable", "nhsuk-tag--yellow"),
}
STATUS_TAGS = {
    "not requested": "nhsuk-tag--grey",
    "requested": "nhsuk-tag--blue",
    "pledged": "nhsuk-tag--aqua-green",
    "part paid": "nhsuk-tag--aqua-green",
    "paid": "nhsuk-tag--green",
    "declined": "nhsuk-tag--red",
}


def _reader(request: Request) -> Actor:
    actor = session.actor(request)
    if not actor.can(Permission.READ_RESTRICTED):
        raise AuthError(
            "Pooled budgets are not public; sign in first.",
            input_name="sign-in",
            expected="a signed-in finance, admin, analyst, board secretary or partner user",
        )
    return actor


def _audit(uow: UnitOfWork, system_code: str, actor: Actor, path: str) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="read",
        resource=path,
        system_code=system_code,
        detail={"page": path},
    )
    uow.commit()


@router.get("/finance/pools", response_class=HTMLResponse)
def pools_page(request: Request, uow: UowDep, workspace: WorkspaceDep) -> Response:
    actor = _reader(request)
    found = pools.list_pools(uow, workspace.system, actor=actor)
    rows = [
        {
            "pool": p.pool,
            "fund": p.fund,
            "href": code_path("/finance/pools", p.pool.code),
            "statement": statement(uow, workspace.system, p.pool.code, actor=actor),
        }
        for p in found
    ]
    _audit(uow, workspace.system, actor, request.url.path)
    context = {"rows": rows, "page_title": "Pooled budgets", "breadcrumbs": FINANCE_CRUMBS,
               "gbp": format_gbp, "partner_view": actor.organisation_code}  # fmt: skip
    return render(request, "finance_pools.html", context)


@router.get("/finance/pools/{code}", response_class=HTMLResponse)
def pool_page(request: Request, code: str, uow: UowDep, workspace: WorkspaceDep) -> Response:
    actor = _reader(request)
    s = statement(uow, workspace.system, code, actor=actor)
    _audit(uow, workspace.system, actor, request.url.path)
    names = {p.organisation: p.name for p in s.pool.partners}
    crumbs = [*FINANCE_CRUMBS, {"text": "Pooled budgets", "href": "/finance/pools"}]
    context = {
        "s": s,
        "names": names,
        "results": {x.line: x for x in s.preview.lines},
        "shares": {k: percent(v) for k, v in s.pool.risk_share.fixed_shares.items()},
        "risk_pool_kind": LineKind.RISK_POOL,
        "page_title": s.pool.name,
        "breadcrumbs": crumbs,
        "gbp": format_gbp,
    }
    return render(request, "finance_pool.html", context)


@router.get("/finance/bcf", response_class=HTMLResponse)
def bcf_page(request: Request, uow: UowDep, workspace: WorkspaceDep) -> Response:
    actor = session.actor(request)
    require(actor, Permission.READ_PUBLIC)
    views = bcf.list_plans(uow, workspace.system, actor=actor)
    plans = [
        {"view": v, "sources": totals_by_source(v.plan), "id": f"bcf-{v.plan.hwb}-{v.plan.year}"}
        for v in views
    ]
    context = {"plans": plans, "page_title": "Better Care Fund", "breadcrumbs": FINANCE_CRUMBS,
               "gbp": format_gbp, "tags": CHECK_TAGS}  # fmt: skip
    return render(request, "finance_bcf.html", context)


@router.get("/finance/contributions", response_class=HTMLResponse)
def contributions_page(request: Request, uow: UowDep, workspace: WorkspaceDep) -> Response:
    actor = session.actor(request)
    require(actor, Permission.READ_PUBLIC)
    years = [
        contributions.year_view(uow, workspace.system, y, actor=actor)
        for y in sorted(contributions.years(uow, workspace.system), reverse=True)
    ]
    context = {"years": years, "page_title": "Partner contributions to running costs",
               "breadcrumbs": FINANCE_CRUMBS, "gbp": format_gbp, "tags": STATUS_TAGS}  # fmt: skip
    return render(request, "finance_contributions.html", context)
