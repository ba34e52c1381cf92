"""The system overview: headline numbers, the map of places and the places table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from integrated_care.errors import InvalidInput
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.reference.models import AreaDeprivation
from integrated_care.services import reference_area
from integrated_care.services.structure import load_model
from integrated_care.structure.population import Deprivation
from integrated_care.structure.system import SystemModel
from integrated_care.structure.tree import NO_PCN_CODE, UNPLACED_CODE, Node, build_tree
from integrated_care.web.views import geography
from integrated_care.web.views.common import AsOf, code_path, link


@dataclass(frozen=True, slots=True)
class PcnLink:
    code: str
    name: str
    href: str | None  # None for the "not in a PCN" group, which has no page
    practices: int
    registered: int


@dataclass(frozen=True, slots=True)
class PlaceRow:
    code: str
    name: str
    href: str | None  # None for the "Not in any place" row
    registered: int
    resident: int | None
    deprivation: Deprivation | None
    practices: int
    pcns: tuple[PcnLink, ...]  # may end with the "Practices not in a PCN" group

    @property
    def networks(self) -> int:
        return sum(1 for p in self.pcns if p.code != NO_PCN_CODE)


@dataclass(frozen=True, slots=True)
class ColourChoice:
    key: str
    label: str
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class Overview:
    icb_name: str
    icb_code: str
    icb_gss: str
    registered: int
    resident: int | None
    deprivation: Deprivation | None
    published_deprivation: AreaDeprivation | None  # MHCLG's own ICB summary
    icb_count: int
    places: tuple[PlaceRow, ...]  # in force on the date, then "Not in any place" if any
    place_count: int
    pcn_count: int
    practice_count: int
    council_count: int
    map_svg: str | None
    colour: geography.Indicator
    colours: tuple[ColourChoice, ...]


def pcn_links(node: Node, as_of: AsOf, model: SystemModel) -> tuple[PcnLink, ...]:
    return tuple(
        PcnLink(
            pcn.code,
            pcn.name,
            link(code_path("/pcns", pcn.code), as_of)
            if pcn.code != NO_PCN_CODE and pcn.code in model.pcns
            else None,
            len(pcn.children),
            pcn.registered,
        )
        for pcn in node.children
    )


def place_rows(model: SystemModel, tree: Node, as_of: AsOf) -> tuple[PlaceRow, ...]:
    """One row per place in ``tree`` (from ``build_tree``), with its PCNs."""
    return tuple(
        PlaceRow(
            node.code,
            node.name,
            None if node.code == UNPLACED_CODE else link(code_path("/places", node.code), as_of),
            node.registered,
            node.resident,
            node.deprivation,
            sum(len(p.children) for p in node.children),
            pcn_links(node, as_of, model),
        )
        for node in tree.children
    )


def _map(model: SystemModel, rows: tuple[PlaceRow, ...], day: date,
         indicator: geography.Indicator) -> str | None:  # fmt: skip
    features: list[dict[str, Any]] = []
    for place in model.places_on(day):
        feature = geography.place_feature(place, geography.place_districts(model, place))
        if feature is not None:
            features.append(feature)
    if not features:
        return None
    # Only drawn places feed the classes: the "Not in any place" row has no shape.
    drawn = {str(f["properties"]["code"]) for f in features}
    by_code = {r.code: r for r in rows if r.code in drawn}
    values: dict[str, float | None] = {}
    for code, row in by_code.items():
        if indicator.key == "population":
            values[code] = row.registered
        else:
            values[code] = row.deprivation.mean_score if row.deprivation else None
    return geography.places_map(
        features,
        values=values,
        labels={r.code: r.name for r in by_code.values()},
        links={r.code: r.href for r in by_code.values() if r.href},
        indicator=indicator,
        outlines=geography.sub_icb_outlines(model),
        title=f"Places of {model.icb.name} on {day.day} {day:%B %Y}, "
        f"shaded by {indicator.label.lower()}",
    )


def overview(uow: UnitOfWork, system_code: str, as_of: AsOf, colour: str | None) -> Overview:
    key = colour or "deprivation"
    indicator = geography.INDICATORS.get(key)
    if indicator is None:
        raise InvalidInput(
            f"The map cannot be shaded by '{key}'.",
            input_name="colour",
            expected=" or ".join(geography.INDICATORS),
        )
    model = load_model(uow, system_code)
    day = as_of.day
    tree = build_tree(model, day)
    rows = place_rows(model, tree, as_of)
    published = {d.area_code: d for d in reference_area.reference().icb_deprivation()}
    colours = tuple(
        ColourChoice(k, i.label, link("/", as_of, colour=k), k == key)
        for k, i in geography.INDICATORS.items()
    )
    return Overview(
        icb_name=model.icb.name,
        icb_code=model.icb.code,
        icb_gss=model.icb_gss,
        registered=tree.registered,
        resident=tree.resident,
        deprivation=tree.deprivation,
        published_deprivation=published.get(model.icb_gss),
        icb_count=len(published),
        places=rows,
        place_count=sum(1 for r in rows if r.code != UNPLACED_CODE),
        pcn_count=len(model.pcns),
        practice_count=len(model.practices),
        council_count=sum(1 for o in model.partners if o.kind.is_council),
        map_svg=_map(model, rows, day, indicator),
        colour=indicator,
        colours=colours,
    )
