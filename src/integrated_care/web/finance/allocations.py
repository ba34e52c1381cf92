"""The allocation page: NHS England's published ICB allocations recomputed by the packaged
policy, with each ICB's distance from target before and after convergence, drawn as a
server-rendered SVG chart (no scripts, no external requests) above the full table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from integrated_care.access import Permission, require
from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.convergence import percent
from integrated_care.finance.allocation.engine import AllocationLine, StreamResult, allocate
from integrated_care.finance.allocation.exact import round_fraction
from integrated_care.finance.allocation.policy import load_policy
from integrated_care.finance.allocation.report import short_name
from integrated_care.finance.allocation.workbook import (
    STREAMS,
    packaged_allocations,
    packaged_years,
)
from integrated_care.finance.chart import parse_financial_year, year_label
from integrated_care.web.views import session
from integrated_care.web.views.common import render

router = APIRouter(include_in_schema=False)

STREAM_NAMES = {
    "core": "ICB core services",
    "pmc": "Primary medical care",
    "other_primary_care": "Other primary care (pharmacy, optometry, dental)",
    "rca": "Running cost allowance",
}
# Chart geometry, in SVG user units.
ROW = 14
LABEL = 48
PLOT = 560
TOP = 24


@dataclass(frozen=True, slots=True)
class Bar:
    code: str
    name: str
    y: str
    before_x: str
    before_width: str
    after_x: str
    after_width: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    zero_x: str
    ticks: tuple[tuple[str, str], ...]  # (x, label)
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Row:
    line: AllocationLine
    name: str
    before: str
    after: str
    growth: str
    convergence: str
    difference: str


@dataclass(frozen=True, slots=True)
class AllocationsPage:
    year: str
    stream: str
    stream_name: str
    years: tuple[str, ...]
    streams: tuple[tuple[str, str], ...]
    result: StreamResult
    policy_title: str
    rows: tuple[Row, ...]
    chart: Chart | None


def _units(value: Fraction) -> str:
    return str(round_fraction(value, 1))


def _chart(lines: list[AllocationLine]) -> Chart | None:
    """Horizontal bars of distance from target, before (pale) and after (blue) convergence."""
    pairs = [
        (line, line.gap, line.post_distance)
        for line in lines
        if line.gap is not None and line.post_distance is not None
    ]
    if not pairs:
        return None
    pairs.sort(key=lambda p: (p[1], p[0].icb_ods_code))
    extent = max(max(abs(g), abs(a)) for _, g, a in pairs)
    step = Fraction(1, 100)  # ticks every 1%, widened to 2% or 5% on wide spreads
    while extent / step > 5:
        step *= 2 if step in (Fraction(1, 100), Fraction(5, 100)) else Fraction(5, 2)
    half = math.ceil(extent / step) * step or step
    scale = Fraction(PLOT, 2) / half

    def x(value: Fraction) -> Fraction:
        return LABEL + Fraction(PLOT, 2) + value * scale

    bars = []
    for index, (line, before, after) in enumerate(pairs):
        y = TOP + index * ROW
        bars.append(
            Bar(
                code=line.icb_ods_code,
                name=short_name(line.icb_name),
                y=str(y),
                before_x=_units(min(x(before), x(Fraction(0)))),
                before_width=_units(abs(before) * scale),
                after_x=_units(min(x(after), x(Fraction(0)))),
                after_width=_units(abs(after) * scale),
                before=percent(before),
                after=percent(after),
            )
        )
    count = int(half / step)
    ticks = tuple((_units(x(k * step)), percent(k * step, 0)) for k in range(-count, count + 1))
    return Chart(
        width=LABEL + PLOT + 16,
        height=TOP + len(bars) * ROW + 8,
        zero_x=_units(x(Fraction(0))),
        ticks=ticks,
        bars=tuple(bars),
    )


def _pct(value: Fraction | None, places: int = 2) -> str:
    return "–" if value is None else percent(value, places)


def allocations_page(year: str, stream: str) -> AllocationsPage:
    label = year_label(parse_financial_year(year))
    if stream not in STREAMS:
        raise InvalidInput(
            f"Unknown stream '{stream}'.", input_name="stream", expected=" or ".join(STREAMS)
        )
    data = packaged_allocations(label)
    result = allocate(data, load_policy(label), [stream])
    stream_result = result.streams[0]
    rows = tuple(
        Row(
            line=line,
            name=short_name(line.icb_name),
            before=_pct(line.gap),
            after=_pct(line.post_distance),
            growth=_pct(line.base_growth),
            convergence=_pct(line.convergence, 3),
            difference="–" if line.difference_k is None else f"{line.difference_k:,}",
        )
        for line in sorted(stream_result.lines, key=lambda line: line.icb_name)
    )
    return AllocationsPage(
        year=label,
        stream=stream,
        stream_name=STREAM_NAMES[stream],
        years=tuple(packaged_years()),
        streams=tuple(STREAM_NAMES.items()),
        result=stream_result,
        policy_title=result.policy_title,
        rows=rows,
        chart=_chart(list(stream_result.lines)),
    )


@router.get("/finance/allocations", response_class=HTMLResponse)
def allocations_view(
    request: Request,
    year: Annotated[str, Query()] = "2024/25",
    stream: Annotated[str, Query()] = "core",
) -> Response:
    require(session.actor(request), Permission.READ_PUBLIC)
    page = allocations_page(year, stream)
    crumbs = [{"text": "Overview", "href": "/"}, {"text": "Finance", "href": "/finance"}]
    return render(
        request,
        "finance_allocations.html",
        {"page": page, "page_title": f"Allocations {page.year}", "breadcrumbs": crumbs},
    )
