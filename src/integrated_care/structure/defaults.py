"""Default places for a new system: one per upper-tier council area.

Area: each upper-tier authority (county council or unitary/metropolitan/London borough)
that overlaps the ICB becomes a place covering the ICB's LSOAs in that authority, so default
places never cross the ICB boundary.

Practices: the reference data gives each practice's sub-ICB location but not its address's
LSOA, so practices are assigned a whole PCN at a time (keeping neighbourhoods intact), by
the first rule that applies, and the rule used is recorded with each practice:

1. the sub-ICB location lies (95% or more of its residents) in one authority;
2. the PCN's name (or, outside a PCN, the practice's name) names exactly one of the
   candidate authorities or one of their districts, as a whole word (to review);
3. otherwise the authority holding most of the sub-ICB location's residents (to review).

A practice whose sub-ICB location lies outside its ICB (NHS England assigns a few so) is
placed by rules 2 and 3 weighing the ICB's residents as a whole, so every practice of the
ICB is in exactly one default place.

Assignments by rules 2 and 3 are listed by ``ics structure validate`` for review; people
who know the system redefine places with ``ics places reconfigure``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from integrated_care.structure.dates import Period
from integrated_care.structure.organisations import Organisation, Practice
from integrated_care.structure.places import PlaceVersion

CONTAINED_SHARE = 0.95


@dataclass(frozen=True, slots=True)
class UpperTierArea:
    code: str  # GSS code of the upper-tier authority
    name: str
    lsoas: frozenset[str]  # the ICB's LSOAs within it
    district_names: tuple[str, ...]


def _names_in(text: str, names: Mapping[str, list[str]]) -> set[str]:
    found = set()
    for utla, candidates in names.items():
        for name in candidates:
            if re.search(rf"\b{re.escape(name)}\b", text, flags=re.IGNORECASE):
                found.add(utla)
    return found


def default_places(
    *,
    areas: list[UpperTierArea],
    practices: Mapping[str, Practice],
    pcns: Mapping[str, Organisation],
    sub_icb_residents: Mapping[str, Mapping[str, int]],
    effective: date,
) -> list[PlaceVersion]:
    """One place per upper-tier area; ``sub_icb_residents`` is sub-ICB -> area -> residents."""
    by_group: dict[str, list[Practice]] = defaultdict(list)
    for practice in practices.values():
        by_group[practice.pcn_code or f"practice:{practice.code}"].append(practice)

    area_names = {a.code: [a.name, *a.district_names] for a in areas}
    assigned: dict[str, dict[str, str]] = {a.code: {} for a in areas}
    icb_residents: dict[str, int] = defaultdict(int)
    for by_area in sub_icb_residents.values():
        for k, v in by_area.items():
            if k in assigned and v > 0:
                icb_residents[k] += v
    for group, members in sorted(by_group.items()):
        # A PCN's sub-ICB is that of most of its patients, as NHS England maps PCNs.
        weight: dict[str, int] = defaultdict(int)
        for p in members:
            weight[p.sub_icb_code] += p.registered_patients
        sub_icb = max(sorted(weight), key=lambda k: weight[k])
        residents = {
            k: v for k, v in sub_icb_residents.get(sub_icb, {}).items() if k in assigned and v > 0
        }
        outside = not residents
        if outside:
            # NHS England assigns a few practices to an ICB other than their sub-ICB
            # location's (29 in December 2025): they are the ICB's, so weigh its whole area.
            residents = dict(icb_residents)
        if not residents:
            continue
        total = sum(residents.values())
        top = max(sorted(residents), key=lambda k: residents[k])
        top_name = next(a.name for a in areas if a.code == top)
        if residents[top] >= CONTAINED_SHARE * total and not outside:
            area, basis = top, f"sub-ICB location lies within {top_name}"
        else:
            label = pcns[group].name if group in pcns else members[0].name
            named = _names_in(label, {k: area_names[k] for k in residents})
            if len(named) == 1:
                area = named.pop()
                area_name = next(a.name for a in areas if a.code == area)
                basis = f"the name '{label}' names {area_name}"
            else:
                area = top
                whose = "the ICB's" if outside else "the sub-ICB location's"
                basis = f"{top_name} holds {residents[top] / total:.0%} of {whose} residents"
            if outside:
                basis += f"; its sub-ICB location {sub_icb} lies outside the ICB"
            basis += " (review)"
        for p in members:
            assigned[area][p.code] = basis

    places = []
    for a in areas:
        if not a.lsoas and not assigned[a.code]:
            continue
        places.append(
            PlaceVersion(
                code=a.code,
                name=a.name,
                period=Period(effective),
                practices=frozenset(assigned[a.code]),
                lsoas=a.lsoas,
                basis=tuple(sorted(assigned[a.code].items())),
            )
        )
    return places
