"""One primary care network (neighbourhood): its practices, place(s) and sub-ICB location."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from integrated_care.errors import NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.structure import load_model
from integrated_care.structure.places import PlaceVersion
from integrated_care.web.views.common import AsOf, code_path, link


@dataclass(frozen=True, slots=True)
class PcnPractice:
    code: str
    name: str
    postcode: str | None
    sub_icb: str
    place_name: str | None
    place_href: str | None
    registered: int


@dataclass(frozen=True, slots=True)
class PlaceLink:
    name: str
    href: str
    practices: int


@dataclass(frozen=True, slots=True)
class PcnPage:
    code: str
    name: str
    icb_name: str
    sub_icb_name: str | None
    sub_icb_code: str | None
    places: tuple[PlaceLink, ...]
    practices: tuple[PcnPractice, ...]
    registered: int


def pcn_page(uow: UnitOfWork, system_code: str, code: str, as_of: AsOf) -> PcnPage:
    model = load_model(uow, system_code)
    pcn = model.pcns.get(code) or model.pcns.get(code.upper())
    if pcn is None:
        raise NotFound(
            "PCN",
            code,
            input_name="code",
            candidates=[*model.pcns, *(p.name for p in model.pcns.values())],
        )
    subs = {s.code: s for s in model.sub_icbs}
    # A practice in two places is a structure error that validation reports; here the
    # practice is shown under one of them rather than twice.
    home: dict[str, PlaceVersion] = {}
    for version in model.places_on(as_of.day):
        home.update(dict.fromkeys(version.practices, version))
    members = sorted(
        (p for p in model.practices.values() if p.pcn_code == pcn.code), key=lambda p: p.name
    )
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    rows = []
    for p in members:
        place = home.get(p.code)
        if place is not None:
            counts[place.code] += 1
            names[place.code] = place.name
        sub = subs.get(p.sub_icb_code)
        rows.append(
            PcnPractice(
                p.code,
                p.name,
                p.postcode,
                sub.name if sub else p.sub_icb_code,
                place.name if place else None,
                link(code_path("/places", place.code), as_of) if place else None,
                p.registered_patients,
            )
        )
    sub_icb = subs.get(pcn.parent_code or "")
    return PcnPage(
        code=pcn.code,
        name=pcn.name,
        icb_name=model.icb.name,
        sub_icb_name=sub_icb.name if sub_icb else None,
        sub_icb_code=sub_icb.code if sub_icb else pcn.parent_code,
        places=tuple(
            PlaceLink(names[c], link(code_path("/places", c), as_of), n)
            for c, n in sorted(counts.items(), key=lambda kv: names[kv[0]])
        ),
        practices=tuple(rows),
        registered=sum(p.registered_patients for p in members),
    )
