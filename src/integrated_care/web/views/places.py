"""The places list and one place: history, districts, population, PCNs, partnership members."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from integrated_care.errors import NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import membership
from integrated_care.services.structure import load_model
from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.population import Deprivation
from integrated_care.structure.tree import build_tree
from integrated_care.web.templating import long_date
from integrated_care.web.views import geography
from integrated_care.web.views.common import AsOf, code_path, link
from integrated_care.web.views.membership import BodyMembers, group_by_body
from integrated_care.web.views.overview import PcnLink, PlaceRow, pcn_links, place_rows


@dataclass(frozen=True, slots=True)
class OtherPlace:
    """A place code not in force on the date: retired, or not started yet."""

    code: str
    name: str
    href: str
    periods: str


@dataclass(frozen=True, slots=True)
class PlacesList:
    icb_name: str
    places: tuple[PlaceRow, ...]
    others: tuple[OtherPlace, ...]


def _periods(versions: list[PlaceVersion]) -> str:
    """'1 April 2018 to 31 March 2019': the last day in force, as people say it."""
    parts = []
    for v in sorted(versions, key=lambda v: v.period.start):
        end = v.period.end
        until = f" to {long_date(end - timedelta(days=1))}" if end else " onwards"
        parts.append(long_date(v.period.start) + until)
    return "; ".join(parts)


def places_list(uow: UnitOfWork, system_code: str, as_of: AsOf) -> PlacesList:
    model = load_model(uow, system_code)
    rows = place_rows(model, build_tree(model, as_of.day), as_of)
    in_force = {r.code for r in rows}
    by_code: dict[str, list[PlaceVersion]] = {}
    for version in model.places:
        if version.code not in in_force:
            by_code.setdefault(version.code, []).append(version)
    others = tuple(
        OtherPlace(
            code,
            max(versions, key=lambda v: v.period.start).name,
            link(code_path("/places", code), as_of),
            _periods(versions),
        )
        for code, versions in sorted(by_code.items())
    )
    return PlacesList(model.icb.name, rows, others)


@dataclass(frozen=True, slots=True)
class VersionRow:
    start: date
    last_day: date | None  # periods end exclusively; people read the last day in force
    name: str
    practices: int
    lads: int
    lsoas: int
    current: bool


@dataclass(frozen=True, slots=True)
class PracticeRow:
    code: str
    name: str
    pcn_name: str
    pcn_href: str | None
    registered: int


@dataclass(frozen=True, slots=True)
class PlacePage:
    code: str
    path: str  # the page's own path, for the date form and the history links
    name: str
    icb_name: str
    in_force: bool  # False: the place exists but not on the date shown
    versions: tuple[VersionRow, ...]
    districts: tuple[geography.District, ...]
    drawn_districts: tuple[str, ...]
    registered: int | None
    resident: int | None
    deprivation: Deprivation | None
    pcns: tuple[PcnLink, ...]
    practices: tuple[PracticeRow, ...]
    body_name: str | None
    body_href: str | None
    members: BodyMembers | None  # None: no members recorded on the date
    map_svg: str | None


def place_page(uow: UnitOfWork, system_code: str, code: str, as_of: AsOf) -> PlacePage:
    model = load_model(uow, system_code)
    versions = sorted((v for v in model.places if v.code == code), key=lambda v: v.period.start)
    if not versions:
        raise NotFound(
            "place",
            code,
            input_name="code",
            candidates=sorted({v.code for v in model.places} | {v.name for v in model.places}),
        )
    current = next((v for v in versions if v.active_on(as_of.day)), None)
    shown = current or versions[-1]
    tree = build_tree(model, as_of.day)
    node = next((n for n in tree.children if n.code == code), None) if current else None
    districts = geography.place_districts(model, shown)
    practices: list[PracticeRow] = []
    if node is not None:
        for pcn in node.children:
            pcn_href = link(code_path("/pcns", pcn.code), as_of) if pcn.code in model.pcns else None
            practices.extend(
                PracticeRow(p.code, p.name, pcn.name, pcn_href, p.registered) for p in pcn.children
            )
    body = next((b for b in model.bodies if b.place_code == code), None)
    groups = (
        group_by_body(membership.members_on(uow, system_code, as_of.day, body.code), as_of)
        if body
        else []
    )
    return PlacePage(
        code=code,
        path=code_path("/places", code),
        name=shown.name,
        icb_name=model.icb.name,
        in_force=current is not None,
        versions=tuple(
            VersionRow(
                v.period.start,
                v.period.end - timedelta(days=1) if v.period.end else None,
                v.name,
                len(v.practices),
                len(v.lads),
                len(v.lsoas),
                v is current,
            )
            for v in versions
        ),
        districts=tuple(districts),
        drawn_districts=tuple(geography.drawn_districts(shown, districts)),
        registered=node.registered if node else None,
        resident=node.resident if node else None,
        deprivation=node.deprivation if node else None,
        pcns=pcn_links(node, as_of, model) if node else (),
        practices=tuple(practices),
        body_name=body.name if body else None,
        body_href=link("/membership", as_of, body=body.code) if body else None,
        members=groups[0] if groups else None,
        map_svg=geography.districts_map(shown.name, districts),
    )
