"""The server-side SVG choropleth: structure, projection, classes, escaping and real boundaries."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from integrated_care.web.maps import (
    BLUES,
    DEPRIVATION,
    NO_DATA,
    class_breaks,
    classify,
    feature_polygons,
    fit_projection,
    merge_features,
    render_choropleth,
    simplify_ring,
)

SVG = "{http://www.w3.org/2000/svg}"
UNIT_SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]


def polygon(id_: str, ring: list[list[float]], **props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"code": id_, **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def square(id_: str, x: float, y: float, size: float = 1.0) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return polygon(id_, ring)


def multipolygon(id_: str, *squares: tuple[float, float]) -> dict[str, Any]:
    coords = [square("", x, y)["geometry"]["coordinates"] for x, y in squares]
    return {
        "type": "Feature",
        "properties": {"code": id_},
        "geometry": {"type": "MultiPolygon", "coordinates": coords},
    }


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- parses our own output, not untrusted input


def area_paths(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}path") if "area" in p.get("class", "").split()]


def numbers(d: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]


def test_svg_parses_with_one_path_per_feature_and_accessible_names() -> None:
    features = [square("A", 0, 0), multipolygon("B", (1, 0), (3, 0)), square("C", 0, 1)]
    svg = render_choropleth(
        features, key="code", values={"A": 1, "B": 2, "C": 3}, title="Test map", id_prefix="t"
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").get("id") == "t-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").get("id") == "t-desc"  # type: ignore[union-attr]
    paths = area_paths(root)
    assert [p.get("data-id") for p in paths] == ["A", "B", "C"]
    # The MultiPolygon is one path with a subpath per polygon; the Polygon has one.
    assert [p.get("d", "").count("M") for p in paths] == [1, 2, 1]
    assert all(p.find(f"{SVG}title") is not None for p in paths)


def test_unit_square_projects_to_the_documented_pixel_corners() -> None:
    width, height, padding = 200, 100, 10
    svg = render_choropleth(
        [polygon("sq", UNIT_SQUARE)],
        key="code",
        values={"sq": 1.0},
        title="Square",
        width=width,
        height=height,
        padding=padding,
    )
    # By hand from the module docstring: k = cos(mean lat 0.5°); X span k, Y span 1;
    # s = min(180 / k, 80 / 1) = 80; the 80-wide square is centred in the 180-wide box.
    k = math.cos(math.radians(0.5))
    s = min((width - 2 * padding) / k, (height - 2 * padding) / 1.0)
    assert s == 80
    x0 = padding + ((width - 2 * padding) - k * s) / 2
    y0 = padding + ((height - 2 * padding) - 1.0 * s) / 2
    expected = [
        (x0, y0 + s),  # (0, 0): south-west corner is at the bottom
        (x0 + k * s, y0 + s),  # (1, 0)
        (x0 + k * s, y0),  # (1, 1)
        (x0, y0),  # (0, 1)
    ]
    d = area_paths(parse(svg))[0].get("d", "")
    got = numbers(d)
    assert len(got) == 8
    for (ex, ey), gx, gy in zip(expected, got[0::2], got[1::2], strict=True):
        assert gx == pytest.approx(ex, abs=0.05)
        assert gy == pytest.approx(ey, abs=0.05)
    assert d == "M60 90L140 90 140 10 60 10Z"  # the same, rounded to 1 decimal place

    projection = fit_projection([polygon("sq", UNIT_SQUARE)], width, height, padding)
    assert projection.project(1, 1) == pytest.approx((x0 + k * s, y0))


def test_equal_interval_classes_for_one_to_ten() -> None:
    values = [float(v) for v in range(1, 11)]
    breaks = class_breaks(values, 5, "equal")
    assert breaks == pytest.approx([1, 2.8, 4.6, 6.4, 8.2, 10])
    assert [classify(v, breaks) for v in (1, 2.7, 2.8, 6.4, 9.9, 10)] == [0, 0, 1, 3, 4, 4]

    features = [square(str(v), v, 0) for v in range(1, 11)]
    svg = render_choropleth(
        features,
        key="code",
        values={str(v): float(v) for v in range(1, 11)},
        title="Ten",
        method="equal",
    )
    root = parse(svg)
    legend = root.find(f"{SVG}g[@class='legend']")
    assert legend is not None
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts == ["1 – 2.8", "2.8 – 4.6", "4.6 – 6.4", "6.4 – 8.2", "8.2 – 10"]
    swatches = [r.get("fill") for r in legend.iter(f"{SVG}rect")]
    assert swatches == list(BLUES)
    fills = {p.get("data-id"): p.get("fill") for p in area_paths(root)}
    assert fills["1"] == fills["2"] == BLUES[0]
    assert fills["3"] == BLUES[1]
    assert fills["10"] == BLUES[4]


def test_quantile_classes_follow_the_distribution_not_the_range() -> None:
    values = [1, 2, 3, 4, 5, 6, 7, 8, 50, 100]
    # Positions (n - 1) * i / 5 = 0, 1.8, 3.6, 5.4, 7.2, 9, interpolating between neighbours:
    # 7.2 lies a fifth of the way from 8 to 50, so 8 + 0.2 * 42 = 16.4.
    assert class_breaks(values, 5, "quantile") == pytest.approx([1, 2.8, 4.6, 6.4, 16.4, 100])
    assert class_breaks(values, 5, "equal")[1] == pytest.approx(20.8)
    # Repeated values collapse boundaries rather than leaving empty classes: positions 0 and
    # 1.8 both give 1 here, so there are four classes, not five.
    skewed = [1, 1, 1, 2, 2, 3, 4, 5, 50, 100]
    assert class_breaks(skewed, 5, "quantile") == pytest.approx([1, 2, 3.4, 14, 100])
    assert class_breaks([3, 3, 3, 3], 5, "quantile") == [3]
    assert class_breaks([], 5, "equal") == []


def test_labels_titles_and_links_are_xml_escaped() -> None:
    svg = render_choropleth(
        [square("a&b", 0, 0)],
        key="code",
        values={"a&b": 2.5},
        labels={"a&b": 'Bits <&> "Pieces"'},
        links={"a&b": "/places/x?y=1&z=<2>"},
        title="A <map> & more",
        description="Desc with <tags> & ampersands",
        legend_title="Rate <per 1,000>",
    )
    assert "<&>" not in svg
    assert "Bits &lt;&amp;&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "A <map> & more"  # type: ignore[union-attr]
    link = root.find(f".//{SVG}a")
    assert link is not None
    assert link.get("href") == "/places/x?y=1&z=<2>"
    path = link.find(f"{SVG}path")
    assert path is not None
    assert path.get("data-id") == "a&b"
    assert path.find(f"{SVG}title").text == 'Bits <&> "Pieces": 2.5'  # type: ignore[union-attr]


def test_missing_values_are_light_grey_and_listed_in_the_legend() -> None:
    features = [square("A", 0, 0), square("B", 1, 0), square("C", 2, 0)]
    svg = render_choropleth(
        features, key="code", values={"A": 1.0, "B": None, "C": math.nan}, title="Gaps"
    )
    root = parse(svg)
    fills = {p.get("data-id"): p.get("fill") for p in area_paths(root)}
    assert fills["B"] == NO_DATA
    assert fills["C"] == NO_DATA
    assert fills["A"] != NO_DATA
    titles = [p.find(f"{SVG}title").text for p in area_paths(root)]  # type: ignore[union-attr]
    assert titles == ["A: 1", "B: no data", "C: no data"]
    legend_texts = [t.text for t in root.iter(f"{SVG}text")]
    assert legend_texts[-1] == "No data"

    all_missing = render_choropleth(features, key="code", values={}, title="Empty")
    assert {p.get("fill") for p in area_paths(parse(all_missing))} == {NO_DATA}


def test_polygon_and_multipolygon_geometry_and_bad_types() -> None:
    poly = square("P", 0, 0)
    multi = multipolygon("M", (0, 0), (2, 2))
    assert len(feature_polygons(poly)) == 1
    assert len(feature_polygons(multi)) == 2
    assert feature_polygons(poly)[0][0][2] == (1.0, 1.0)
    with pytest.raises(ValueError, match="Point"):
        feature_polygons({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 0]}})


def test_merge_features_concatenates_polygons_into_one_place() -> None:
    place = merge_features(
        [square("A", 0, 0), multipolygon("B", (1, 0), (2, 0))], {"code": "P1", "name": "Place"}
    )
    assert place["geometry"]["type"] == "MultiPolygon"
    assert len(place["geometry"]["coordinates"]) == 3
    assert place["properties"] == {"code": "P1", "name": "Place"}
    svg = render_choropleth([place], key="code", values={"P1": 1.0}, title="Merged")
    paths = area_paths(parse(svg))
    assert len(paths) == 1
    assert paths[0].get("d", "").count("M") == 3


def test_key_function_deprivation_palette_and_outline_overlay() -> None:
    features = [square("A", 0, 0), square("B", 1, 0), square("C", 2, 0)]
    svg = render_choropleth(
        features,
        key=lambda f: f["properties"]["code"].lower(),
        values={"a": 1, "b": 5, "c": 10},
        palette="deprivation",
        title="IMD",
        outlines=[merge_features(features, {"code": "ICB"})],
        outline_key="code",
    )
    root = parse(svg)
    fills = {p.get("data-id"): p.get("fill") for p in area_paths(root)}
    assert fills == {"a": DEPRIVATION[0], "b": DEPRIVATION[2], "c": DEPRIVATION[4]}
    outlines = root.find(f"{SVG}g[@class='outlines']")
    assert outlines is not None
    assert outlines.get("fill") == "none"
    assert [p.get("data-id") for p in outlines.iter(f"{SVG}path")] == ["ICB"]
    legend_texts = [t.text for t in root.iter(f"{SVG}text")]
    assert legend_texts[:2] == ["Deprivation decile", "1–2 (most deprived)"]


def test_simplify_ring_drops_close_points_but_stays_a_closed_ring() -> None:
    ring = [(0.0, 0.0), (0.1, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.05), (0, 0)]
    out = simplify_ring(ring, 1.0)
    assert out == [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    # A ring smaller than the tolerance would collapse; it becomes a triangle of its own points.
    tiny = [(0.0, 0.0), (0.1, 0.0), (0.1, 0.1), (0.05, 0.1), (0.0, 0.1), (0.0, 0.0)]
    assert simplify_ring(tiny, 1.0) == [(0.0, 0.0), (0.1, 0.0), (0.05, 0.1), (0.0, 0.0)]
    assert simplify_ring(ring, 0) == ring


NOTTS = {
    "E06000018": "Nottingham",
    "E07000170": "Ashfield",
    "E07000171": "Bassetlaw",
    "E07000172": "Broxtowe",
    "E07000173": "Gedling",
    "E07000174": "Mansfield",
    "E07000175": "Newark and Sherwood",
    "E07000176": "Rushcliffe",
}


def _boundary_file(name: str) -> Path:
    # shared/ sits beside the repository checkout, both here and in CI.
    repo = Path(__file__).resolve().parents[3]
    for base in (repo.parent / "shared", Path("/work/shared")):
        candidate = base / "data" / "boundaries" / name
        if candidate.is_file():
            return candidate
    pytest.skip(f"boundary file {name} not found beside the repository (shared/data/boundaries)")


def test_real_nottinghamshire_districts_render_small() -> None:
    path = _boundary_file("lad24_buc_england.geojson")
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = [f for f in collection["features"] if f["properties"]["lad24_code"] in NOTTS]
    assert len(features) == 8
    values = {code: float(i) for i, code in enumerate(sorted(NOTTS))}
    svg = render_choropleth(
        features,
        key="lad24_code",
        values=values,
        labels=NOTTS,
        links={code: f"/places/{code}" for code in NOTTS},
        title="Nottingham and Nottinghamshire districts",
        width=500,
        height=600,
    )
    root = parse(svg)
    paths = area_paths(root)
    assert len(paths) == 8
    assert {p.get("data-id") for p in paths} == set(NOTTS)
    assert len(svg.encode("utf-8")) < 60_000
    # Everything lands inside the map box.
    coords = [n for p in paths for n in numbers(p.get("d", ""))]
    assert min(coords) >= 0
    assert max(coords[0::2]) <= 500
    assert max(coords[1::2]) <= 600
