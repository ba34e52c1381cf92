"""Finance pages: ``/finance`` (the single pot per stream, its Sankey and the places) and
``/finance/places/{code}`` (a place's budget vs actual per line, with its need indices).

What NHS England allocated is public. Delegations, spending, flows and duties are
restricted: shown to signed-in readers of restricted information (not partners, who see only
their own pools), and each such page view is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from integrated_care.access import Actor, Permission, Role, require
from integrated_care.api.deps import UowDep, WorkspaceDep
from integrated_care.errors import AuthError, Forbidden, IcsError
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.finance.delegation import COMPONENT_LABELS, NeedReport, PlaceNeed
from integrated_care.finance.duties import DutyStatus
from integrated_care.finance.flows import Flow
from integrated_care.finance.money import format_gbp
from integrated_care.finance.single_pot import format_gbp_m
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import delegation, ledger, place_budgets, single_pot
from integrated_care.services.finance import duties as duty_service
from integrated_care.services.finance.place_budgets import PlaceBudget, PlacePosting
from integrated_care.services.finance.single_pot import Pot
from integrated_care.web.finance.sankey import render_svg
from integrated_care.web.views import session
from integrated_care.web.views.common import render

router = APIRouter(include_in_schema=False)
YearQuery = Annotated[str | None, Query()]
INDEX_COMPONENTS = ("core", "g_and_a", "community", "mental_health", "maternity",
                    "prescribing", "health_inequalities", "pmc")  # fmt: skip
PARTNERSHIP_LINKS = (
    ("Fair-shares allocations", "/finance/allocations"),
    ("Pooled budgets (section 75)", "/finance/pools"),
    ("Better Care Fund", "/finance/bcf"),
    ("Partner contributions to running costs", "/finance/contributions"),
)


@dataclass(frozen=True, slots=True)
class PotPage:
    year: str
    years: tuple[str, ...]
    pot: Pot
    detail: bool  # the restricted parts are shown
    sankey: Markup | None
    flows: tuple[Flow, ...]
    places: tuple[PlaceBudget, ...]
    duties: tuple[DutyStatus, ...]
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PlacePage:
    year: str
    code: str
    name: str
    budget: PlaceBudget
    need: PlaceNeed | None
    weights_year: str
    unplaced: tuple[str, ...]
    components: tuple[tuple[str, str], ...]  # (key, label) of the need table
    postings: tuple[PlacePosting, ...]


def gbp(pence: int) -> str:
    return format_gbp(pence)


def _years_with_a_pot(uow: UnitOfWork, system_code: str) -> list[int]:
    found = {
        ref.year
        for a in ledger.list_accounts(uow, system_code, prefix="icb:")
        if (ref := parse_account(a.code)).purpose == "nhse-funding" and ref.year is not None
    }
    return sorted(y for y in found if y is not None)


def _year(uow: UnitOfWork, system_code: str, raw: str | None) -> tuple[int, list[int]]:
    known = _years_with_a_pot(uow, system_code)
    if raw:
        return parse_financial_year(raw), known
    today = date.today()
    current = today.year if today.month >= 4 else today.year - 1
    return (known[-1] if known else current), known


def _reader(request: Request) -> Actor | None:
    """The actor if they may see the restricted parts, else None (public view)."""
    actor = session.actor(request)
    if actor.can(Permission.READ_RESTRICTED) and actor.role is not Role.PARTNER:
        return actor
    return None


def _audit(uow: UnitOfWork, system_code: str, actor: Actor, path: str) -> None:
    uow.audit.append(
        actor=actor.name, role=actor.role.value, action="read", resource=path,
        system_code=system_code, detail={"page": path},
    )  # fmt: skip
    uow.commit()


def pot_page(
    uow: UnitOfWork, system_code: str, year: int, known: list[int], detail: bool
) -> PotPage:
    found = single_pot.pot(uow, system_code, year)
    flows: list[Flow] = []
    sankey = None
    places: list[PlaceBudget] = []
    duties: list[DutyStatus] = []
    if detail:
        flows = single_pot.pot_flows(uow, system_code, year)
        label = year_label(year)
        sankey = Markup(  # noqa: S704  (render_svg escapes every text it writes)
            render_svg(
                flows,
                title=f"Flow of the {label} single pot",
                description=f"NHS England's allocation streams for {label} flowing into the "
                "ICB's single pot, then to places, pools and what the ICB spends itself, then "
                "to spending lines. Widths are in proportion to pounds; the table below the "
                "diagram lists every flow.",
            )
        )
        places = place_budgets.budgets(uow, system_code, year)
        duties = duty_service.statuses(uow, system_code, year)
    return PotPage(
        year=year_label(year),
        years=tuple(year_label(y) for y in sorted({*known, year})),
        pot=found,
        detail=detail,
        sankey=sankey,
        flows=tuple(flows),
        places=tuple(places),
        duties=tuple(duties),
        links=PARTNERSHIP_LINKS,
    )


def _need_for(uow: UnitOfWork, system_code: str, year: int) -> NeedReport | None:
    """Need indices on 1 April of the year, or None if they cannot be worked out (no places
    that day, or no packaged weights cover them): the page still shows the budget."""
    try:
        return delegation.need(uow, system_code, day=date(year, 4, 1))
    except IcsError:
        return None


def place_page(uow: UnitOfWork, system_code: str, year: int, code: str) -> PlacePage:
    budget = place_budgets.place_budget_for(uow, system_code, year, code)
    report = _need_for(uow, system_code, year)
    need = report.by_code().get(code) if report is not None else None
    return PlacePage(
        year=year_label(year),
        code=code,
        name=budget.name,
        budget=budget,
        need=need,
        weights_year=report.weights_year if report is not None else "",
        unplaced=report.unplaced if report is not None else (),
        components=tuple((k, COMPONENT_LABELS[k]) for k in INDEX_COMPONENTS),
        postings=tuple(
            p
            for p in place_budgets.postings(uow, system_code, code)
            if p.fund.endswith(f"-{year}-{(year + 1) % 100:02d}")
        ),
    )


@router.get("/finance", response_class=HTMLResponse)
def finance_index(
    request: Request, uow: UowDep, workspace: WorkspaceDep, year: YearQuery = None
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    start, known = _year(uow, workspace.system, year)
    reader = _reader(request)
    page = pot_page(uow, workspace.system, start, known, detail=reader is not None)
    if reader is not None:
        _audit(uow, workspace.system, reader, request.url.path)
    crumbs = [{"text": "Overview", "href": "/"}]
    context = {"page": page, "page_title": f"Finance {page.year}", "breadcrumbs": crumbs,
               "gbp": gbp, "gbp_m": format_gbp_m}  # fmt: skip
    return render(request, "finance_index.html", context)


@router.get("/finance/places/{code}", response_class=HTMLResponse)
def finance_place(
    request: Request, code: str, uow: UowDep, workspace: WorkspaceDep, year: YearQuery = None
) -> Response:
    actor = session.actor(request)
    if actor.role is Role.PARTNER:
        raise Forbidden(
            "Partners may not read the ICB's place budgets; see your pools instead.",
            input_name="role",
            expected="finance, admin, analyst or board_secretary",
        )
    if not actor.can(Permission.READ_RESTRICTED):
        raise AuthError(
            "Place budgets are not public; sign in first.",
            input_name="sign-in",
            expected="a signed-in finance, admin, analyst or board secretary user",
        )
    start, _ = _year(uow, workspace.system, year)
    page = place_page(uow, workspace.system, start, code)
    _audit(uow, workspace.system, actor, request.url.path)
    crumbs = [
        {"text": "Overview", "href": "/"},
        {"text": "Finance", "href": f"/finance?year={page.year}"},
    ]
    context = {"page": page, "page_title": f"{page.name}: budget {page.year}",
               "breadcrumbs": crumbs, "gbp": gbp}  # fmt: skip
    return render(request, "finance_place.html", context)
