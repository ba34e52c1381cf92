"""A Sankey diagram of the single pot as server-rendered SVG: a pure function of the flows.

Columns as ``finance.flows`` numbers them (sources, the pot, holders, uses). A node is as
tall as the larger of what flows in and out of it; every link is exactly as thick as its
pence on one scale shared by the whole picture, so widths are comparable everywhere.
Coordinates are computed with exact fractions and written to two decimal places, so the
same flows always give the same bytes. Every node and link carries a ``<title>`` (shown as
a tooltip and read by screen readers); the page shows the same flows as a table too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html import escape

from integrated_care.finance.flows import Flow, Node
from integrated_care.finance.single_pot import format_gbp_m

WIDTH = 960
NODE_WIDTH = 14
GAP = 30  # between nodes stacked in one column (room for a two-line label)
MARGIN = 8
HEADER = 22  # room above the columns for their headings
LEFT_ROOM = 200  # labels of the first column sit left of it
RIGHT_ROOM = 190  # labels of the last column sit right of it
HEADINGS = ("Sources", "Single pot", "Places, pools, ICB", "Spending")
COLOURS = ("#005eb8", "#330072", "#007f3b", "#ae2573")  # NHS blue, purple, green, pink
LINK_COLOURS = ("#41b6e6", "#7c2855", "#78be20", "#ffb81c")


@dataclass(frozen=True, slots=True)
class Box:
    node: Node
    x: Fraction
    y: Fraction
    height: Fraction
    value: int


@dataclass(frozen=True, slots=True)
class Band:
    flow: Flow
    x0: Fraction
    y0: Fraction  # top of the band where it leaves its source
    x1: Fraction
    y1: Fraction  # top of the band where it reaches its target
    thickness: Fraction


@dataclass(frozen=True, slots=True)
class Layout:
    width: int
    height: int
    boxes: tuple[Box, ...]
    bands: tuple[Band, ...]


def _num(value: Fraction) -> str:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _values(flows: Sequence[Flow]) -> dict[Node, int]:
    inflow: dict[Node, int] = {}
    outflow: dict[Node, int] = {}
    for f in flows:
        outflow[f.source] = outflow.get(f.source, 0) + f.amount
        inflow[f.target] = inflow.get(f.target, 0) + f.amount
    nodes = set(inflow) | set(outflow)
    return {n: max(inflow.get(n, 0), outflow.get(n, 0)) for n in nodes}


def layout(flows: Sequence[Flow], *, height: int | None = None) -> Layout:
    """Place the nodes and bands. Links that do not go rightwards are left out (the table
    still lists them)."""
    drawn = [f for f in flows if f.amount > 0 and f.target.column > f.source.column]
    values = _values(drawn)
    columns: dict[int, list[Node]] = {}
    for node in sorted(values, key=lambda n: (n.column, -values[n], n.key)):
        columns.setdefault(node.column, []).append(node)
    tallest = max((len(nodes) for nodes in columns.values()), default=1)
    total_height = height or max(360, 80 + tallest * 56)
    usable = total_height - 2 * MARGIN - HEADER - 16  # 16: the last label's second line
    scale = min(
        (
            Fraction(usable - GAP * (len(nodes) - 1), sum(values[n] for n in nodes))
            for nodes in columns.values()
            if sum(values[n] for n in nodes) > 0
        ),
        default=Fraction(0),
    )
    step = _step()
    boxes: dict[Node, Box] = {}
    for column, nodes in columns.items():
        stack = sum((values[n] * scale for n in nodes), Fraction(0)) + GAP * (len(nodes) - 1)
        y = MARGIN + HEADER + (usable - stack) / 2
        x = LEFT_ROOM + column * step
        for node in nodes:
            h = values[node] * scale
            boxes[node] = Box(node, Fraction(x), y, h, values[node])
            y += h + GAP
    out_at = {n: b.y for n, b in boxes.items()}
    in_at = {n: b.y for n, b in boxes.items()}
    bands = []
    # Bands leave a node in the order of their targets and reach a node in the order of their
    # sources, so they never cross at the nodes themselves.
    order = sorted(drawn, key=lambda f: (boxes[f.source].x, boxes[f.source].y, boxes[f.target].y))
    for f in order:
        thick = f.amount * scale
        bands.append(
            Band(f, boxes[f.source].x + NODE_WIDTH, out_at[f.source], boxes[f.target].x,
                 Fraction(0), thick)
        )  # fmt: skip
        out_at[f.source] += thick
    arriving = sorted(
        range(len(bands)), key=lambda i: (boxes[bands[i].flow.source].y, bands[i].flow.source.key)
    )
    placed = list(bands)
    for i in arriving:
        band = bands[i]
        target = band.flow.target
        placed[i] = Band(band.flow, band.x0, band.y0, band.x1, in_at[target], band.thickness)
        in_at[target] += band.thickness
    ordered_boxes = sorted(boxes.values(), key=lambda b: (b.node.column, b.y))
    return Layout(WIDTH, total_height, tuple(ordered_boxes), tuple(placed))


def _step() -> Fraction:
    return Fraction(WIDTH - LEFT_ROOM - RIGHT_ROOM - NODE_WIDTH, len(HEADINGS) - 1)


def _band_path(b: Band) -> str:
    middle = (b.x0 + b.x1) / 2
    x0, x1, xm = _num(b.x0), _num(b.x1), _num(middle)
    top0, top1 = _num(b.y0), _num(b.y1)
    bottom0, bottom1 = _num(b.y0 + b.thickness), _num(b.y1 + b.thickness)
    return (
        f"M{x0},{top0} C{xm},{top0} {xm},{top1} {x1},{top1} "
        f"L{x1},{bottom1} C{xm},{bottom1} {xm},{bottom0} {x0},{bottom0} Z"
    )


def render_svg(flows: Sequence[Flow], *, title: str, description: str = "") -> str:
    """The diagram as an accessible ``<svg>`` element (text escaped; safe to embed)."""
    lay = layout(flows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ics-sankey" role="img" '
        f'viewBox="0 0 {lay.width} {lay.height}" width="100%" '
        f'aria-labelledby="sankey-title sankey-desc" data-flows="{len(lay.bands)}">',
        f'<title id="sankey-title">{escape(title)}</title>',
        f'<desc id="sankey-desc">{escape(description or "Flows of money, widths in proportion to pounds; the same figures are in the table below.")}</desc>',  # noqa: E501
        '<g class="ics-sankey__headings" font-size="12" font-weight="bold" fill="#4c6272">',
        *(
            f'<text x="{_num(LEFT_ROOM + i * _step() + Fraction(NODE_WIDTH, 2))}" y="14.00" '
            f'text-anchor="middle">{escape(h)}</text>'
            for i, h in enumerate(HEADINGS)
        ),
        '</g><g class="ics-sankey__links">',
    ]
    for band in lay.bands:
        f = band.flow
        colour = LINK_COLOURS[f.source.column % len(LINK_COLOURS)]
        tip = f"{f.source.label} to {f.target.label}: {format_gbp_m(f.amount)}"
        parts.append(
            f'<path d="{_band_path(band)}" fill="{colour}" fill-opacity="0.45" '
            f'data-pence="{f.amount}"><title>{escape(tip)}</title></path>'
        )
    parts.append('</g><g class="ics-sankey__nodes">')
    for box in lay.boxes:
        node = box.node
        tip = f"{node.label}: {format_gbp_m(box.value)}"
        left = node.column == 0
        text_x = box.x - 6 if left else box.x + NODE_WIDTH + 6
        anchor = "end" if left else "start"
        middle = box.y + box.height / 2
        parts.append(
            f'<g data-node="{escape(node.key)}"><title>{escape(tip)}</title>'
            f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{NODE_WIDTH}" '
            f'height="{_num(max(box.height, Fraction(1)))}" '
            f'fill="{COLOURS[node.column % len(COLOURS)]}"/>'
            f'<text x="{_num(text_x)}" y="{_num(middle)}" text-anchor="{anchor}" '
            f'font-size="12" fill="#212b32" stroke="#ffffff" stroke-width="3" '
            f'paint-order="stroke"><tspan x="{_num(text_x)}" dy="-0.2em">'
            f"{escape(node.label)}</tspan>"
            f'<tspan x="{_num(text_x)}" dy="1.2em">{escape(format_gbp_m(box.value))}</tspan>'
            "</text></g>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
