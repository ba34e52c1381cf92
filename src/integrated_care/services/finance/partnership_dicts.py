"""Pools, BCF plans and contributions as JSON-ready dicts (pence, ISO dates), shared by the
CLI's ``--json`` and the REST API so both say the same thing."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from integrated_care.finance import bcf as bcf_domain
from integrated_care.finance import contributions as contrib
from integrated_care.finance.chart import year_label
from integrated_care.finance.pools import Pool
from integrated_care.persistence.partnership_repository import PoolEntry
from integrated_care.services.finance.bcf import BcfView
from integrated_care.services.finance.contributions import YearView
from integrated_care.services.finance.pool_statements import PoolStatement, summarise


def percent(share: Fraction) -> str:
    """1/3 -> '33.3333' (4 places, for display; the rule keeps the exact fraction)."""
    value = Decimal(share.numerator * 100) / Decimal(share.denominator)
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def pool_dict(pool: Pool, fund: str) -> dict[str, Any]:
    rule = pool.risk_share
    return {
        "code": pool.code,
        "name": pool.name,
        "basis": pool.basis.value,
        "basis_description": pool.basis.description,
        "year": year_label(pool.year),
        "fund": fund,
        "host": pool.host,
        "aims": pool.aims,
        "partners": [
            {"organisation": p.organisation, "name": p.name, "sector": p.sector.value}
            for p in pool.partners
        ],
        "lines": [{"code": x.code, "name": x.name, "kind": x.kind.value} for x in pool.lines],
        "risk_share": {
            "basis": rule.basis.value,
            "fixed_shares": {k: percent(v) for k, v in rule.fixed_shares.items()},
            "underspend": rule.underspend.value,
            "cut_uncommitted": rule.cut_uncommitted,
            "caps": dict(rule.caps),
            "uncapped": rule.uncapped,
        },
    }


def entry_dict(e: PoolEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind,
        "partner": e.partner,
        "line": e.line,
        "amount": e.amount,
        "posted_on": e.posted_on.isoformat(),
        "description": e.description,
        "journal_id": e.journal_id,
    }


def statement_dict(s: PoolStatement) -> dict[str, Any]:
    totals: dict[tuple[str, str], int] = {}
    for c in s.contributions:
        totals[(c.partner, c.line)] = totals.get((c.partner, c.line), 0) + c.amount
    return {
        **pool_dict(s.pool, s.fund),
        "contributions": [
            {"partner": p, "line": line, "amount": v} for (p, line), v in totals.items()
        ],
        "spent": dict(s.spent),
        "called": dict(s.called),
        "preview": summarise(s.preview),
        "due": dict(s.due),
        "settled": None
        if s.settled is None
        else {"settled_on": s.settled.settled_on.isoformat(), "summary": s.settled.summary},
        "settled_amounts": dict(s.settled_amounts),
        "book_balance": s.book_balance,
        "ledger_balance": s.ledger_balance,
        "reconciled": s.reconciled,
        "entries": [entry_dict(e) for e in s.entries],
    }


def bcf_dict(view: BcfView) -> dict[str, Any]:
    plan = view.plan
    return {
        "hwb": plan.hwb,
        "hwb_name": plan.hwb_name,
        "year": year_label(plan.year),
        "note": view.note,
        "objectives": list(plan.objectives),
        "nhs_minimum_required": plan.nhs_minimum_required,
        "asc": None
        if plan.asc is None
        else {
            "previous": plan.asc.previous,
            "uplift": str(plan.asc.uplift),
            "required": plan.asc.required,
            "planned": plan.asc_from_nhs_minimum,
        },
        "income": [
            {
                "source": i.source.value,
                "label": i.source.label,
                "capital": i.source.capital,
                "amount": i.amount,
                "note": i.note,
            }
            for i in plan.income
        ],
        "by_source": [
            {
                "source": s.value,
                "label": s.label,
                "capital": s.capital,
                "income": inc,
                "planned": out,
            }
            for s, inc, out in bcf_domain.totals_by_source(plan)
        ],
        "revenue_income": plan.revenue_income,
        "capital_income": plan.capital_income,
        "schemes": [
            {
                "code": s.code,
                "name": s.name,
                "area": s.area.value,
                "provider": s.provider,
                "commissioner": s.commissioner.value,
                "source": s.source.value,
                "capital": s.capital,
                "amount": s.amount,
                "objective": s.objective,
            }
            for s in plan.schemes
        ],
        "signed_off": view.signed_off,
        "signoff": view.signoff_detail,
        "workflow_plan": view.workflow.plan.code if view.workflow else None,
        "workflow_state": view.workflow.state if view.workflow else None,
        "compliant": view.assessment.compliant,
        "checks": [
            {
                "code": c.code,
                "title": c.title,
                "passed": c.passed,
                "detail": c.detail,
                "part_of": c.part_of,
            }
            for c in view.assessment.checks
        ],
    }


def state_dict(s: contrib.State, names: dict[str, str]) -> dict[str, Any]:
    return {
        "partner": s.partner,
        "partner_name": names.get(s.partner, s.partner),
        "year": year_label(s.year),
        "status": s.status.value,
        "requested": s.requested,
        "pledged": s.pledged,
        "paid": s.paid,
        "declined_on": s.declined_on.isoformat() if s.declined_on else None,
        "reason": s.reason,
        "events": [
            {
                "kind": e.kind.value,
                "on": e.on.isoformat(),
                "amount": e.amount,
                "reason": e.reason,
                "reference": e.reference,
                "note": e.note,
            }
            for e in s.events
        ],
    }


def cap_dict(cap: contrib.RunningCostCap | None) -> dict[str, Any] | None:
    if cap is None:
        return None
    return {
        "year": year_label(cap.year),
        "rca": cap.rca,
        "rca_source": cap.rca_source,
        "pledged": cap.pledged,
        "paid": cap.paid,
        "cap": cap.cap,
    }


def year_dict(view: YearView) -> dict[str, Any]:
    return {
        "year": year_label(view.year),
        "partners": [state_dict(s, view.names) for s in view.states],
        "cap": cap_dict(view.cap),
        "planned": view.planned,
        "spent": view.spent,
    }
