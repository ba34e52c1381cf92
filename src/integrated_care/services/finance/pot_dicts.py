"""Plain dictionaries of the single pot, places, the scheme, duties and flows, for ``--json``
and the API. Amounts are integer pence; exact decimals (weighted populations) are strings."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from integrated_care.finance.chart import year_label
from integrated_care.finance.delegation import NeedReport
from integrated_care.finance.duties import DUTY_NAMES, DutyConfig, DutyStatus
from integrated_care.finance.flows import Flow
from integrated_care.finance.money import round_half_up
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.persistence.delegation_repository import Delegation
from integrated_care.services.finance.place_budgets import PlaceBudget, PlacePosting
from integrated_care.services.finance.single_pot import Pot


def share_text(value: Fraction, places: int = 6) -> str:
    """An exact share as a decimal string (half up at ``places``)."""
    return str(round_half_up(Decimal(value.numerator) / Decimal(value.denominator), places))


def pot_dict(pot: Pot, *, public: bool = False) -> dict[str, Any]:
    """The pot per stream; ``public`` keeps only what NHS England published (allocations)."""
    streams = []
    for line in pot.lines:
        row: dict[str, Any] = {
            "stream": line.stream.value,
            "label": line.label,
            "fund": line.fund,
            "allocated": line.allocated,
        }
        if not public:
            row.update(
                delegated=line.delegated,
                pooled=line.pooled,
                committed=line.committed,
                spent=line.spent,
                unallocated=line.unallocated,
            )
        streams.append(row)
    total = pot.total
    result: dict[str, Any] = {
        "system": pot.system_code,
        "year": year_label(pot.year),
        "streams": streams,
        "total": {"allocated": total["allocated"]} if public else total,
    }
    if not public:
        result["ringfenced"] = pot.ringfenced
    return result


def need_dict(report: NeedReport) -> dict[str, Any]:
    return {
        "weights_year": report.weights_year,
        "icb": report.icb,
        "icb_practices": report.icb_practices,
        "icb_population": str(report.icb_population),
        "places": [
            {
                "code": p.code,
                "name": p.name,
                "practices": p.practices,
                "population": str(p.population),
                "indices": {k: str(v) for k, v in p.indices.items()},
                "shares": {k: share_text(v) for k, v in p.shares.items()},
                "weighted": {k: str(v) for k, v in p.weighted.items()},
                "missing_from_weights": list(p.missing),
            }
            for p in report.places
        ],
        "unplaced": list(report.unplaced),
        "in_several_places": list(report.in_several_places),
        "filed_under_another_icb": dict(report.other_icb),
    }


def delegation_dict(d: Delegation) -> dict[str, Any]:
    return {
        "id": d.id,
        "key": d.key,
        "year": year_label(d.year),
        "stream": d.stream.value,
        "fund": d.fund,
        "line": d.line,
        "component": d.component,
        "weights_year": d.weights_year,
        "amount": d.amount,
        "delegated_on": d.delegated_on.isoformat(),
        "journal_id": d.journal_id,
        "description": d.description,
        "parts": dict(d.parts),
        "weighted_populations": {k: str(v) for k, v in d.weights.items()},
    }


def scheme_entry_dict(e: SchemeEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "place": e.place,
        "stream": e.stream.value,
        "line": e.line,
        "component": e.component,
        "approver": e.approver,
        "valid_from": e.valid_from.isoformat(),
        "valid_to": e.valid_to.isoformat() if e.valid_to else None,
        "max_budget": e.max_budget,
        "max_commitment": e.max_commitment,
    }


def budget_dict(b: PlaceBudget) -> dict[str, Any]:
    return {
        "place": b.place,
        "name": b.name,
        "budget": b.budget,
        "committed": b.committed,
        "spent": b.spent,
        "available": b.available,
        "lines": [
            {
                "stream": x.stream.value,
                "fund": x.fund,
                "line": x.line,
                "component": x.component,
                "budget": x.budget,
                "committed": x.committed,
                "spent": x.spent,
                "available": x.available,
            }
            for x in b.lines
        ],
    }


def posting_dict(p: PlacePosting) -> dict[str, Any]:
    return {
        "id": p.id,
        "key": p.key,
        "kind": p.kind,
        "place": p.place,
        "fund": p.fund,
        "line": p.line,
        "amount": p.amount,
        "approved_by": p.approved_by,
        "posted_on": p.posted_on.isoformat(),
        "description": p.description,
        "commitment_id": p.commitment_id,
        "journal_id": p.journal_id,
    }


def duty_dict(config: DutyConfig) -> dict[str, Any]:
    return {
        "duty": config.duty.value,
        "name": DUTY_NAMES[config.duty],
        "year": year_label(config.year),
        "target": config.target,
        "lines": list(config.lines),
    }


def duty_status_dict(status: DutyStatus) -> dict[str, Any]:
    return {
        **duty_dict(status.config),
        "measure": status.measure,
        "limit": status.limit,
        "headroom": status.headroom,
        "met": status.met,
    }


def flow_dict(f: Flow) -> dict[str, Any]:
    return {
        "source": f.source.key,
        "source_label": f.source.label,
        "target": f.target.key,
        "target_label": f.target.label,
        "amount": f.amount,
    }
