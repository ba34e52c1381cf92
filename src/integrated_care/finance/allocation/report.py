"""Plain data (JSON-ready) views of allocation results and ICB targets, shared by the CLI,
the API and the web page so that they always show the same figures.

Money is £ thousand written as decimal text (never a float); rates are decimal text to 12
places; shares to 12 places; need indices as published (3 places).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from integrated_care.finance.allocation.engine import (
    RATE_PLACES,
    AllocationLine,
    AllocationResult,
    StreamResult,
)
from integrated_care.finance.allocation.exact import round_fraction
from integrated_care.finance.allocation.fair_shares import IcbTargets
from integrated_care.reference.weighted_population import COMPONENTS

TARGET_PLACES = 3  # £k places shown for an unrounded target


def text(value: Decimal) -> str:
    """Plain decimal text, never exponent notation ('0.000000000000', not '0E-12')."""
    return format(value, "f")


def rate(value: Fraction | None) -> str | None:
    return None if value is None else text(round_fraction(value, RATE_PLACES))


def money(value: Decimal | Fraction | None, places: int = TARGET_PLACES) -> str | None:
    if value is None:
        return None
    if isinstance(value, Fraction):
        return text(round_fraction(value, places))
    return text(value)


def short_name(name: str) -> str:
    """'NHS Nottingham and Nottinghamshire ICB' -> 'Nottingham and Nottinghamshire'."""
    return name.removeprefix("NHS ").removesuffix(" ICB").removesuffix(" Integrated Care Board")


def line_dict(line: AllocationLine) -> dict[str, Any]:
    return {
        "icb_ods_code": line.icb_ods_code,
        "icb_name": line.icb_name,
        "region_code": line.region_code,
        "baseline_k": money(line.baseline_k),
        "target_k": money(line.target_k),
        "distance_from_target": rate(line.distance_from_target),
        "new_target_k": money(line.new_target_k),
        "gap_to_new_target": rate(line.gap),
        "base_growth": rate(line.base_growth),
        "convergence": rate(line.convergence),
        "rule": line.rule,
        "overridden": line.overridden,
        "computed": line.computed,
        "recurrent_allocation_k": money(line.recurrent_k),
        "post_convergence_distance_from_target": rate(line.post_distance),
        "published_recurrent_allocation_k": money(line.published_recurrent_k),
        "difference_k": money(line.difference_k),
    }


def stream_dict(result: StreamResult) -> dict[str, Any]:
    return {
        "stream": result.stream,
        "method": result.method,
        "notes": result.notes,
        "icbs": len(result.lines),
        "total_k": money(result.total_k),
        "published_total_k": money(result.published_total_k),
        "max_abs_difference_k": money(result.max_abs_difference_k),
        "overrides": [{"icb_ods_code": c, "reason": r} for c, r in result.overrides],
        "estimated_target": result.estimated_target,
        "lines": [line_dict(line) for line in result.lines],
    }


def result_dict(result: AllocationResult) -> dict[str, Any]:
    return {
        "year": result.year,
        "file": result.file_name,
        "policy": result.policy_name,
        "policy_title": result.policy_title,
        "streams": [stream_dict(s) for s in result.streams],
        "skipped_streams": list(result.skipped_streams),
    }


def targets_dict(targets: IcbTargets) -> dict[str, Any]:
    return {
        "year": targets.year,
        "practices": targets.practices,
        "population": text(targets.population),
        "components": dict(COMPONENTS),
        "icbs": [
            {
                "icb_ods_code": icb.icb_ods_code,
                "practices": icb.practices,
                "population": text(icb.population),
                "weighted_population": {k: text(v) for k, v in icb.weighted.items()},
                "target_share": {k: rate(v) for k, v in icb.shares.items()},
                "need_index": {k: text(v) for k, v in icb.indices.items()},
            }
            for icb in targets.icbs
        ],
    }
