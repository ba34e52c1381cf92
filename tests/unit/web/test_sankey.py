"""The Sankey is a pure, deterministic, accessible SVG whose band widths are proportional to
pence on one scale."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from itertools import pairwise

from integrated_care.finance.flows import Flow, Node
from integrated_care.web.finance.sankey import layout, render_svg

STREAM = Node(0, "stream:core", "NHS England: ICB core services")
PMC = Node(0, "stream:pmc", "NHS England: Primary medical care")
POT = Node(1, "pot", "ICB single pot")
CITY = Node(2, "place:city", "Place: Nottingham <City> & Co")
BASSETLAW = Node(2, "place:bassetlaw", "Place: Bassetlaw")
MH = Node(3, "spend:mental-health", "Mental health")
FLOWS = [
    Flow(STREAM, POT, 3_000_000_00),
    Flow(PMC, POT, 1_000_000_00),
    Flow(POT, CITY, 2_500_000_00),
    Flow(POT, BASSETLAW, 1_000_000_00),
    Flow(CITY, MH, 500_000_00),
]
SVG = "{http://www.w3.org/2000/svg}"


def test_band_thickness_is_proportional_to_pence() -> None:
    lay = layout(FLOWS)
    thickness = {(b.flow.source.key, b.flow.target.key): b.thickness for b in lay.bands}
    scale = thickness[("stream:core", "pot")] / 3_000_000_00
    for flow in FLOWS:
        assert thickness[(flow.source.key, flow.target.key)] == scale * flow.amount
    boxes = {b.node.key: b for b in lay.boxes}
    # A node is as tall as the larger of its inflow (4m) and outflow (3.5m).
    assert boxes["pot"].height == scale * 4_000_000_00
    assert boxes["pot"].value == 4_000_000_00


def test_bands_stack_without_gaps_inside_a_node() -> None:
    lay = layout(FLOWS)
    leaving_pot = sorted((b for b in lay.bands if b.flow.source.key == "pot"), key=lambda b: b.y0)
    pot = next(b for b in lay.boxes if b.node.key == "pot")
    assert leaving_pot[0].y0 == pot.y
    for first, second in pairwise(leaving_pot):
        assert second.y0 == first.y0 + first.thickness
    arriving = sorted((b for b in lay.bands if b.flow.target.key == "pot"), key=lambda b: b.y1)
    assert arriving[-1].y1 + arriving[-1].thickness == pot.y + pot.height


def test_columns_run_left_to_right_within_the_picture() -> None:
    lay = layout(FLOWS)
    xs = {b.node.column: b.x for b in lay.boxes}
    assert xs[0] < xs[1] < xs[2] < xs[3]
    assert all(Fraction(0) <= b.y and b.y + b.height <= lay.height for b in lay.boxes)


def test_the_svg_is_deterministic_well_formed_and_accessible() -> None:
    svg = render_svg(FLOWS, title="The 2025/26 single pot")
    assert svg == render_svg(list(FLOWS), title="The 2025/26 single pot")
    root = ET.fromstring(svg)  # noqa: S314  (our own output)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}desc") is not None
    paths = root.findall(f".//{SVG}path")
    assert len(paths) == len(FLOWS)
    assert all(p.find(f"{SVG}title") is not None for p in paths)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "ICB single pot to Place: Bassetlaw: £1.0m" in titles
    assert "ICB single pot: £4.0m" in titles
    # Names are escaped, never markup.
    assert "Nottingham <City> & Co" in "".join(t or "" for t in titles)
    assert "<City>" not in svg


def test_numbers_are_written_to_two_places() -> None:
    svg = render_svg(FLOWS, title="x")
    for number in re.findall(r'[xy]="([-0-9.]+)"', svg):
        assert re.fullmatch(r"-?\d+\.\d\d", number), number


def test_leftward_or_empty_flows_are_not_drawn() -> None:
    back = Flow(CITY, POT, 5)
    lay = layout([*FLOWS, back, Flow(POT, BASSETLAW, 0)])
    assert len(lay.bands) == len(FLOWS)
    assert render_svg([], title="nothing yet").startswith("<svg")
