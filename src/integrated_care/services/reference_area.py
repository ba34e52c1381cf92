"""Area facts for a system from the packaged reference data (LSOAs, districts, councils).

Kept apart from the pure structure domain: this is where reference records become the
``AreaUnit``/``LadInfo`` values the domain reads. Results are cached per ICB because they
never change within a process (the reference data is packaged and read-only).
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from integrated_care.reference.loader import ReferenceData
from integrated_care.structure.defaults import UpperTierArea
from integrated_care.structure.organisations import Organisation, council_kind_for
from integrated_care.structure.system import AreaUnit, LadInfo


def reference() -> ReferenceData:
    return ReferenceData.packaged()


@lru_cache(maxsize=64)
def icb_area(icb_gss: str) -> dict[str, AreaUnit]:
    return {
        u.code: AreaUnit(
            u.code, u.lad_code, u.icb_gss_code, u.pop_census2021, u.imd_decile, u.imd_score
        )
        for u in reference().lsoas(icb_gss)
    }


@lru_cache(maxsize=1)
def all_area() -> dict[str, AreaUnit]:
    return {
        u.code: AreaUnit(
            u.code, u.lad_code, u.icb_gss_code, u.pop_census2021, u.imd_decile, u.imd_score
        )
        for u in reference().lsoas()
    }


@lru_cache(maxsize=1)
def lad_infos() -> dict[str, LadInfo]:
    ref = reference()
    by_icb: dict[str, dict[str, int]] = defaultdict(dict)
    for share in ref.lad_icb_shares():
        by_icb[share.lad_code][share.icb_gss_code] = share.pop_census2021
    return {
        lad.code: LadInfo(
            lad.code, lad.name, lad.utla_code, lad.utla_name, by_icb.get(lad.code, {})
        )
        for lad in ref.lads()
    }


def lads_overlapping(icb_gss: str) -> dict[str, LadInfo]:
    return {c: info for c, info in lad_infos().items() if icb_gss in info.population_by_icb}


def upper_tier_areas(icb_gss: str) -> list[UpperTierArea]:
    """Upper-tier authorities overlapping the ICB, each with the ICB's LSOAs inside it."""
    lads = lad_infos()
    lsoas_by_utla: dict[str, set[str]] = defaultdict(set)
    for unit in icb_area(icb_gss).values():
        lsoas_by_utla[lads[unit.lad_code].utla_code].add(unit.code)
    areas = []
    for share in sorted(reference().utla_icb_shares(icb_gss), key=lambda s: s.utla_name):
        districts = tuple(
            sorted(
                info.name
                for info in lads.values()
                if info.utla_code == share.utla_code and icb_gss in info.population_by_icb
            )
        )
        areas.append(
            UpperTierArea(
                share.utla_code,
                share.utla_name,
                frozenset(lsoas_by_utla.get(share.utla_code, set())),
                districts,
            )
        )
    return areas


def sub_icb_residents_by_utla(icb_gss: str) -> dict[str, dict[str, int]]:
    """Sub-ICB ODS code -> upper-tier authority code -> Census 2021 residents."""
    ref = reference()
    ods_by_gss = {s.gss_code: s.ods_code for s in ref.sub_icbs()}
    lads = lad_infos()
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lsoa in ref.lsoas(icb_gss):
        utla = lads[lsoa.lad_code].utla_code
        result[ods_by_gss[lsoa.sicbl_gss_code]][utla] += lsoa.pop_census2021
    return {k: dict(v) for k, v in result.items()}


def councils(icb_gss: str) -> list[Organisation]:
    """Councils covering any of the ICB's area: upper-tier authorities and districts."""
    orgs: dict[str, Organisation] = {}
    for area in upper_tier_areas(icb_gss):
        kind = council_kind_for(area.code)
        suffix = " County Council" if area.code.startswith("E10") else " Council"
        orgs[area.code] = Organisation(area.code, area.name + suffix, kind, gss_code=area.code)
    for info in lads_overlapping(icb_gss).values():
        if info.code.startswith("E07"):  # districts are councils in their own right
            orgs[info.code] = Organisation(
                info.code,
                info.name + " Council",
                council_kind_for(info.code),
                gss_code=info.code,
                parent_code=info.utla_code,
            )
    return sorted(orgs.values(), key=lambda o: (o.kind.value, o.name))


@lru_cache(maxsize=1)
def practice_icb_names() -> dict[str, str]:
    """Every practice in England -> the name of its (commissioning) ICB, for messages."""
    ref = reference()
    names = {i.gss_code: i.name for i in ref.icbs()}
    return {p.code: names.get(p.icb_gss_code, p.icb_gss_code) for p in ref.practices()}
