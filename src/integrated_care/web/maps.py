"""Server-side SVG choropleth maps, with no dependencies beyond the standard library.

Maps are drawn on the server so that they work without JavaScript, without a tile server and
offline. Input is GeoJSON-like features in WGS84 lon/lat (``Polygon`` or ``MultiPolygon``).

Projection (documented because tests and callers rely on it):

* ``k = cos(phi0)`` where ``phi0`` is the mean of the southern and northern edges of the
  bounding box of the filled features (the box centre, so vertex density does not bias it).
* A point is first taken to ``(X, Y) = (lon * k, lat)``: equirectangular, with longitude
  shrunk so that shapes at English latitudes are not stretched east-west.
* ``s = min((width - 2*padding) / (Xmax - Xmin), (height - 2*padding) / (Ymax - Ymin))``
  and the drawing is centred in the padded box:
  ``x = padding + ((width - 2*padding) - (Xmax - Xmin) * s) / 2 + (X - Xmin) * s`` and
  ``y = padding + ((height - 2*padding) - (Ymax - Ymin) * s) / 2 + (Ymax - Y) * s``
  (y is flipped because SVG's y axis points down).
* Coordinates are written rounded to 1 decimal place: a tenth of a pixel is invisible and
  it keeps a map of a few districts to tens of kilobytes.

The legend sits in a strip ``legend_width`` pixels wide to the right of the map box, so the
SVG's viewBox is ``(width + legend_width) x height``.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

Feature = Mapping[str, Any]
Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]

# ColorBrewer "Blues" (5 classes): sequential and safe for the common colour-vision deficiencies.
BLUES: tuple[str, ...] = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
# ColorBrewer "YlGnBu" reversed, so the most deprived deciles (1-2) are darkest, as in the
# published English Indices of Deprivation maps; distinct from BLUES so the two are not confused.
DEPRIVATION: tuple[str, ...] = ("#253494", "#2c7fb8", "#41b6c4", "#a1dab4", "#ffffcc")
DEPRIVATION_BREAKS: tuple[float, ...] = (1, 3, 5, 7, 9, 10)
# Short enough for the default 200-pixel legend; the legend title says they are deciles.
DEPRIVATION_LABELS: tuple[str, ...] = (
    "1–2 (most deprived)",
    "3–4",
    "5–6",
    "7–8",
    "9–10 (least deprived)",
)
NO_DATA = "#d8dde0"  # NHS.UK grey 4: light, and unlike any palette colour
# Mid grey rather than the usual white: the lightest class is near-white and would otherwise
# lose its edge against a white page.
STROKE = "#768692"
OUTLINE_STROKE = "#212b32"  # NHS.UK text colour, so overlays read as boundaries, not data

ClassMethod = Literal["quantile", "equal"]
Palette = Literal["blues", "deprivation"]


def feature_polygons(feature: Feature) -> list[Polygon]:
    """The polygons (each a list of rings of (lon, lat)) of a Polygon or MultiPolygon feature."""
    geometry: Mapping[str, Any] = feature.get("geometry") or {}
    kind = geometry.get("type")
    coords: list[Any] = geometry.get("coordinates") or []
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = list(coords)
    else:
        raise ValueError(f"unsupported geometry type {kind!r}: only Polygon and MultiPolygon")
    # Positions may carry a third (height) value; only lon and lat matter here.
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polygons]


def merge_features(features: Iterable[Feature], properties: Mapping[str, Any]) -> dict[str, Any]:
    """One MultiPolygon feature holding every polygon of ``features``.

    A place made of several districts is drawn as one shape this way. No geometric union is
    done: shared internal edges stay in the data, but they are invisible once filled alike.
    """
    coordinates = [
        [[[lon, lat] for lon, lat in ring] for ring in poly]
        for feature in features
        for poly in feature_polygons(feature)
    ]
    return {
        "type": "Feature",
        "properties": dict(properties),
        "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
    }


@dataclass(frozen=True)
class Projection:
    """Maps lon/lat to SVG pixels; see the module docstring for the formula."""

    k: float
    scale: float
    x_min: float
    y_max: float
    x_offset: float
    y_offset: float

    def project(self, lon: float, lat: float) -> Point:
        x = self.x_offset + (lon * self.k - self.x_min) * self.scale
        y = self.y_offset + (self.y_max - lat) * self.scale
        return (x, y)


def fit_projection(
    features: Sequence[Feature], width: float, height: float, padding: float = 10.0
) -> Projection:
    """The projection that fits ``features`` into a ``width`` x ``height`` box."""
    points = [p for f in features for poly in feature_polygons(f) for ring in poly for p in ring]
    if not points:
        raise ValueError("cannot fit a projection to features with no coordinates")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    lat_min, lat_max = min(lats), max(lats)
    k = math.cos(math.radians((lat_min + lat_max) / 2))
    x_min, x_max = min(lons) * k, max(lons) * k
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    # A single point or a line has zero extent on an axis; that axis must not set the scale.
    spans = [
        inner / span
        for inner, span in ((inner_w, x_max - x_min), (inner_h, lat_max - lat_min))
        if span > 0
    ]
    scale = min(spans) if spans else 1.0
    return Projection(
        k=k,
        scale=scale,
        x_min=x_min,
        y_max=lat_max,
        x_offset=padding + (inner_w - (x_max - x_min) * scale) / 2,
        y_offset=padding + (inner_h - (lat_max - lat_min) * scale) / 2,
    )


def simplify_ring(ring: Sequence[Point], tolerance: float) -> Ring:
    """Drop points closer than ``tolerance`` to the last kept point (in the ring's units).

    The result stays closed (first point repeated at the end) and keeps at least 4 points, the
    minimum for a closed ring: a ring that would collapse below that (a small island) becomes a
    triangle of three of its own points spread around it, so it is still drawn, at little cost.
    """
    pts = list(ring)
    if tolerance <= 0 or len(pts) <= 4:
        return pts
    closed = pts[0] == pts[-1]
    body = pts[:-1] if closed else pts
    kept = [body[0]]
    for p in body[1:]:
        if math.dist(p, kept[-1]) >= tolerance:
            kept.append(p)
    # The last kept point may sit right next to the start; closing the ring covers that gap.
    if len(kept) > 1 and math.dist(kept[-1], kept[0]) < tolerance:
        kept.pop()
    if len(kept) < 3:
        n = len(body)
        kept = [body[0], body[n // 3], body[2 * n // 3]]
    kept.append(kept[0])
    return kept


def class_breaks(
    values: Iterable[float], classes: int = 5, method: ClassMethod = "quantile"
) -> list[float]:
    """Class boundaries, lowest first: ``classes + 1`` numbers, fewer if some coincide.

    ``equal`` splits the range into equal steps; ``quantile`` puts about the same number of
    values in each class (quantiles by linear interpolation between order statistics).
    """
    data = sorted(values)
    if not data:
        return []
    lo, hi = data[0], data[-1]
    if method == "equal":
        # lo + span * i / n, not repeated addition, so 1..10 gives exactly 2.8, 4.6, ...
        breaks = [lo + (hi - lo) * i / classes for i in range(classes + 1)]
    elif method == "quantile":
        breaks = [_quantile(data, i / classes) for i in range(classes + 1)]
    else:
        raise ValueError(f"unknown classification method {method!r}")
    breaks[-1] = hi
    # Equal boundaries would make empty classes; merging them keeps every legend row useful.
    return sorted(set(breaks))


def _quantile(data: Sequence[float], q: float) -> float:
    pos = (len(data) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def classify(value: float, breaks: Sequence[float]) -> int:
    """Index of the class of ``value``: classes are [b0, b1), [b1, b2), ..., [bn-1, bn]."""
    n_classes = max(len(breaks) - 1, 1)
    return min(max(bisect_right(breaks, value) - 1, 0), n_classes - 1)


def class_colours(n_classes: int, palette: Sequence[str]) -> list[str]:
    """``n_classes`` colours spread across ``palette``, so 3 classes still span light to dark."""
    if n_classes <= 1:
        return [palette[len(palette) // 2]]
    last = len(palette) - 1
    return [palette[round(i * last / (n_classes - 1))] for i in range(n_classes)]


def format_number(value: float) -> str:
    """Up to two decimals, no trailing zeros, thousands separated: 2.8, 10, 1,234.5."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _num(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _path_data(polygons: Sequence[Polygon], projection: Projection, tolerance: float) -> str:
    parts: list[str] = []
    for poly in polygons:
        for ring in poly:
            pixels = simplify_ring([projection.project(lon, lat) for lon, lat in ring], tolerance)
            coords: list[str] = []
            for x, y in pixels[:-1] if pixels and pixels[0] == pixels[-1] else pixels:
                pair = f"{_num(x)} {_num(y)}"
                # Points that round to the same tenth of a pixel add bytes, not detail.
                if not coords or coords[-1] != pair:
                    coords.append(pair)
            if coords:
                parts.append(
                    "M" + coords[0] + ("L" + " ".join(coords[1:]) if len(coords) > 1 else "") + "Z"
                )
    return "".join(parts)


def _key_function(key: str | Callable[[Feature], str]) -> Callable[[Feature], str]:
    if callable(key):
        return key
    return lambda feature: str(feature["properties"][key])


def render_choropleth(
    features: Sequence[Feature],
    *,
    key: str | Callable[[Feature], str],
    values: Mapping[str, float | None],
    title: str,
    labels: Mapping[str, str] | None = None,
    links: Mapping[str, str] | None = None,
    description: str | None = None,
    width: int = 600,
    height: int = 600,
    padding: int = 10,
    method: ClassMethod = "quantile",
    palette: Palette = "blues",
    breaks: Sequence[float] | None = None,
    legend_title: str | None = None,
    legend_width: int = 200,
    value_format: Callable[[float], str] = format_number,
    outlines: Sequence[Feature] | None = None,
    outline_key: str | Callable[[Feature], str] | None = None,
    simplify_tolerance: float = 0.0,
    id_prefix: str = "map",
) -> str:
    """An accessible SVG choropleth of ``features`` coloured by ``values``.

    ``key`` is a property name or a function giving each feature's id; ``values``, ``labels``
    and ``links`` are looked up by that id. A feature whose value is missing or None is grey.
    With ``palette="deprivation"`` values are deciles (1 = most deprived, drawn darkest) and
    the classes are fixed pairs of deciles. ``breaks`` overrides the computed boundaries.
    ``outlines`` are drawn on top as unfilled strokes (e.g. sub-ICBs over districts) and do
    not affect the fit. ``simplify_tolerance`` is in pixels. ``id_prefix`` keeps element ids
    unique when a page holds several maps.
    """
    if not features:
        raise ValueError("a map needs at least one feature")
    key_of = _key_function(key)
    labels = labels or {}
    links = links or {}
    ids = [key_of(f) for f in features]
    # NaN is how pandas-style sources say "missing"; treat it like None rather than mis-colour.
    clean = {i: v for i in ids if (v := values.get(i)) is not None and not math.isnan(v)}
    present = list(clean.values())

    legend_labels: list[str]
    if palette == "deprivation":
        bounds = list(breaks if breaks is not None else DEPRIVATION_BREAKS)
        colours = class_colours(len(bounds) - 1, DEPRIVATION)
        legend_labels = (
            list(DEPRIVATION_LABELS) if breaks is None else _range_labels(bounds, value_format)
        )
        legend_title = legend_title or "Deprivation decile"
    else:
        bounds = list(breaks) if breaks is not None else class_breaks(present, len(BLUES), method)
        colours = class_colours(len(bounds) - 1, BLUES)
        legend_labels = _range_labels(bounds, value_format)

    projection = fit_projection(features, width, height, padding)
    total_w = width + legend_width
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    desc = description or _describe(len(features), present, palette)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ics-map" viewBox="0 0 {total_w} {height}"'
        f' width="{total_w}" height="{height}" role="img"'
        f" aria-labelledby={quoteattr(title_id + ' ' + desc_id)}"
        ' font-family="Frutiger W01, Arial, sans-serif" font-size="14">',
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f"<desc id={quoteattr(desc_id)}>{escape(desc)}</desc>",
        f'<g class="areas" stroke="{STROKE}" stroke-width="0.75" stroke-linejoin="round">',
    ]
    for feature, fid in zip(features, ids, strict=True):
        value = clean.get(fid)
        if value is not None and bounds:
            fill, css, shown = colours[classify(value, bounds)], "area", value_format(value)
        else:
            fill, css, shown = NO_DATA, "area no-data", "no data"
        label = labels.get(fid, fid)
        d = _path_data(feature_polygons(feature), projection, simplify_tolerance)
        path = (
            f'<path class="{css}" data-id={quoteattr(fid)}'
            f' fill="{fill}" fill-rule="evenodd" d="{d}">'
            f"<title>{escape(label)}: {escape(shown)}</title></path>"
        )
        link = links.get(fid)
        out.append(f"<a href={quoteattr(link)}>{path}</a>" if link else path)
    out.append("</g>")

    if outlines:
        outline_key_of = _key_function(outline_key) if outline_key is not None else None
        # pointer-events="none" so hovering and clicking reach the filled areas underneath.
        out.append(
            f'<g class="outlines" fill="none" stroke="{OUTLINE_STROKE}" stroke-width="1.5"'
            ' pointer-events="none">'
        )
        for feature in outlines:
            d = _path_data(feature_polygons(feature), projection, simplify_tolerance)
            data_id = f" data-id={quoteattr(outline_key_of(feature))}" if outline_key_of else ""
            out.append(f'<path class="outline"{data_id} d="{d}"/>')
        out.append("</g>")

    if legend_width > 0:
        has_missing = any(i not in clean for i in ids) or not bounds
        out.append(_legend(width, legend_title, legend_labels, colours, has_missing))
    out.append("</svg>")
    return "".join(out)


def _range_labels(bounds: Sequence[float], value_format: Callable[[float], str]) -> list[str]:
    if len(bounds) == 1:  # every value the same: one class, no range to show
        return [value_format(bounds[0])]
    return [f"{value_format(a)} – {value_format(b)}" for a, b in itertools.pairwise(bounds)]


def _describe(n_features: int, present: Sequence[float], palette: Palette) -> str:
    if not present:
        return f"Map of {n_features} areas; no values are available."
    if palette == "deprivation":
        return f"Map of {n_features} areas shaded by deprivation decile; darker is more deprived."
    return (
        f"Map of {n_features} areas shaded by value, from {format_number(min(present))}"
        f" to {format_number(max(present))}; darker shading means a higher value."
    )


def _legend(
    x0: int, title: str | None, labels: Sequence[str], colours: Sequence[str], missing: bool
) -> str:
    row, swatch = 24, 18
    parts = [f'<g class="legend" transform="translate({x0 + 10} 20)">']
    y = 0
    if title:
        parts.append(
            f'<text class="legend-title" x="0" y="{y + 14}" font-weight="bold">'
            f"{escape(title)}</text>"
        )
        y += row + 4
    entries = list(zip(colours, labels, strict=False))
    if missing:
        entries.append((NO_DATA, "No data"))
    for colour, text in entries:
        parts.append(
            f'<rect x="0" y="{y}" width="{swatch}" height="{swatch}" fill="{colour}"'
            ' stroke="#aeb7bd"/>'
            f'<text x="{swatch + 8}" y="{y + 14}">{escape(text)}</text>'
        )
        y += row
    parts.append("</g>")
    return "".join(parts)
