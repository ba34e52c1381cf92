"""Maps for the web pages: places drawn from district boundaries, districts by deprivation.

The reference data has boundaries for local authority districts, sub-ICB locations and
ICBs, but not for LSOAs or PCNs, so a place is drawn as whole districts:

* a place defined by districts is drawn as exactly those districts;
* a place defined by LSOAs (the default places) is drawn as the districts where it holds
  most of the residents. A district only grazed by a place is left out, so two places never
  claim the same district and the map does not suggest a place is bigger than it is. If a
  place holds most of no district (a small place), its biggest district is drawn instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from integrated_care.reference.loader import ReferenceData
from integrated_care.reference.models import AreaDeprivation
from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.system import SystemModel
from integrated_care.web.maps import (
    class_breaks,
    format_number,
    merge_features,
    render_choropleth,
)

# Fixed classes for IMD average scores, so that the same shade means the same deprivation on
# every page, date and system (England's district averages run from about 5 to about 45).
IMD_SCORE_BREAKS: tuple[float, ...] = (0, 10, 20, 30, 40, 100)
# A tenth of a pixel is invisible; half a pixel keeps the sub-ICB outlines (merged from
# thousands of small-area edges) to a few kilobytes without visibly changing them.
SIMPLIFY_PX = 0.5


@lru_cache(maxsize=1)
def _lad_features() -> Mapping[str, Mapping[str, Any]]:
    collection = ReferenceData.packaged().boundaries("lad")
    return {str(f["properties"]["code"]): f for f in collection["features"]}


@lru_cache(maxsize=1)
def _sub_icb_features() -> Mapping[str, Mapping[str, Any]]:
    collection = ReferenceData.packaged().boundaries("sicbl")
    return {str(f["properties"]["code"]): f for f in collection["features"]}


@lru_cache(maxsize=1)
def _lad_residents() -> Mapping[str, int]:
    return {lad.code: lad.pop_census2021 for lad in ReferenceData.packaged().lads()}


@lru_cache(maxsize=1)
def lad_deprivation() -> Mapping[str, AreaDeprivation]:
    return {d.area_code: d for d in ReferenceData.packaged().lad_deprivation()}


@dataclass(frozen=True, slots=True)
class District:
    code: str
    name: str
    residents_in_place: int  # Census 2021, of the place's LSOAs in this district
    district_residents: int  # Census 2021, the whole district
    deprivation: AreaDeprivation | None  # MHCLG's summary for the whole district

    @property
    def share_in_place(self) -> float | None:
        if not self.district_residents:
            return None
        return self.residents_in_place / self.district_residents


def place_districts(model: SystemModel, place: PlaceVersion) -> list[District]:
    """The districts a place covers, with how much of each, most residents first."""
    in_place: Counter[str] = Counter()
    for code in model.place_lsoas(place):
        unit = model.area.get(code)
        if unit is not None:
            in_place[unit.lad_code] += unit.population
    for code in place.lads:
        in_place.setdefault(code, 0)
    residents, deprivation = _lad_residents(), lad_deprivation()
    districts = [
        District(
            code,
            model.lads[code].name if code in model.lads else code,
            people,
            residents.get(code, 0),
            deprivation.get(code),
        )
        for code, people in in_place.items()
    ]
    return sorted(districts, key=lambda d: (-d.residents_in_place, d.name))


def drawn_districts(place: PlaceVersion, districts: Sequence[District]) -> list[str]:
    """The district codes that draw ``place`` on a map (see the module docstring)."""
    if place.lads:
        return sorted(place.lads)
    majority = [
        d.code for d in districts if d.share_in_place is not None and d.share_in_place > 0.5
    ]
    if majority:
        return sorted(majority)
    return [districts[0].code] if districts else []


def place_feature(place: PlaceVersion, districts: Sequence[District]) -> dict[str, Any] | None:
    features = _lad_features()
    shapes = [features[c] for c in drawn_districts(place, districts) if c in features]
    if not shapes:
        return None
    return merge_features(shapes, {"code": place.code, "name": place.name})


def sub_icb_outlines(model: SystemModel) -> list[Mapping[str, Any]]:
    features = _sub_icb_features()
    return [features[code] for s in model.sub_icbs if (code := s.gss_code or "") in features]


def one_decimal(value: float) -> str:
    """33.91 -> '33.9'; class boundaries like 10.0 -> '10'."""
    return format_number(round(value, 1))


def whole_number(value: float) -> str:
    return f"{round(value):,}"


@dataclass(frozen=True, slots=True)
class Indicator:
    """A way to shade the map of places."""

    key: str
    label: str  # for the switcher
    legend: str  # short: the legend strip is 200 pixels wide
    description: str  # what darker means, for the SVG's <desc> and the caption
    breaks: tuple[float, ...] | None
    fmt: Callable[[float], str]


INDICATORS: dict[str, Indicator] = {
    "deprivation": Indicator(
        "deprivation",
        "Deprivation (IMD 2025 score)",
        "IMD 2025 score",
        "darker means more deprived (residents-weighted IMD 2025 average score)",
        IMD_SCORE_BREAKS,
        one_decimal,
    ),
    "population": Indicator(
        "population",
        "Registered patients",
        "Registered patients",
        "darker means more patients registered with the place's GP practices (December 2025)",
        None,
        whole_number,
    ),
}


def places_map(
    features: Sequence[Mapping[str, Any]],
    *,
    values: Mapping[str, float | None],
    labels: Mapping[str, str],
    links: Mapping[str, str],
    indicator: Indicator,
    outlines: Sequence[Mapping[str, Any]],
    title: str,
) -> str:
    present = [v for v in values.values() if v is not None]
    # With few places, five quantile classes would invent boundaries between two values;
    # one class per place keeps the legend honest.
    classes = max(1, min(5, len(present)))
    described = ", ".join(
        f"{labels[k]} {indicator.fmt(v)}" for k, v in sorted(values.items()) if v is not None
    )
    return render_choropleth(
        features,
        key="code",
        values=values,
        labels=labels,
        links=links,
        title=title,
        description=f"Map of {len(features)} places: {described}. Shading: "
        f"{indicator.description}. Sub-ICB location boundaries are outlined in black.",
        breaks=indicator.breaks
        if indicator.breaks is not None
        else _quantile_breaks(present, classes),
        legend_title=indicator.legend,
        value_format=indicator.fmt,
        outlines=outlines,
        outline_key="code",
        simplify_tolerance=SIMPLIFY_PX,
        id_prefix="places-map",
    )


def _quantile_breaks(values: Sequence[float], classes: int) -> list[float]:
    return class_breaks(values, classes, "quantile") or [0.0]


def districts_map(place_name: str, districts: Sequence[District]) -> str | None:
    """A place's districts shaded by MHCLG's district IMD 2025 average score."""
    features = _lad_features()
    shown = [d for d in districts if d.code in features]
    if not shown:
        return None
    values = {d.code: d.deprivation.average_score if d.deprivation else None for d in shown}
    described = "; ".join(
        f"{d.name} {one_decimal(v)}" for d in shown if (v := values[d.code]) is not None
    )
    return render_choropleth(
        [features[d.code] for d in shown],
        key="code",
        values=values,
        labels={d.code: d.name for d in shown},
        title=f"Deprivation in the districts of {place_name}",
        description=f"Map of {len(shown)} local authority districts shaded by IMD 2025 "
        f"average score (darker is more deprived): {described}.",
        breaks=IMD_SCORE_BREAKS,
        legend_title="IMD 2025 score",
        value_format=one_decimal,
        simplify_tolerance=SIMPLIFY_PX,
        id_prefix="districts-map",
    )
