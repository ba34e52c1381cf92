"""The system: one ICB, its sub-ICB locations, PCNs, practices, partners, places and bodies.

``SystemModel`` is an immutable snapshot that the pure functions in this package read
(``tree.build_tree``, ``validation.validate``). Area facts (LSOAs with population and IMD)
come from the packaged reference data and are passed in, so nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from integrated_care.structure.membership import (
    MembershipEvent,
    MembershipState,
    PartnershipBody,
    state_as_of,
)
from integrated_care.structure.organisations import Organisation, Practice
from integrated_care.structure.places import PlaceVersion, places_as_of


@dataclass(frozen=True, slots=True)
class AreaUnit:
    """One LSOA 2021: the building block of resident population and deprivation."""

    code: str
    lad_code: str
    icb_code: str  # GSS code of the ICB the LSOA lies in
    population: int  # Census 2021 usual residents
    imd_decile: int  # IMD 2025, 1 = most deprived 10% in England
    imd_score: float


@dataclass(frozen=True, slots=True)
class LadInfo:
    code: str
    name: str
    utla_code: str
    utla_name: str
    # ICB GSS code -> Census 2021 residents of the district living in that ICB.
    population_by_icb: Mapping[str, int] = field(default_factory=dict)

    @property
    def is_split(self) -> bool:
        return sum(1 for v in self.population_by_icb.values() if v > 0) > 1


@dataclass(frozen=True, slots=True)
class SystemModel:
    icb: Organisation
    sub_icbs: tuple[Organisation, ...]
    pcns: Mapping[str, Organisation]
    practices: Mapping[str, Practice]
    partners: tuple[Organisation, ...]
    places: tuple[PlaceVersion, ...]
    bodies: tuple[PartnershipBody, ...]
    memberships: tuple[MembershipEvent, ...]
    area: Mapping[str, AreaUnit]  # the ICB's LSOAs plus any LSOA a place refers to
    lads: Mapping[str, LadInfo]  # districts overlapping the ICB or named by a place
    icb_names: Mapping[str, str] = field(default_factory=dict)  # GSS -> name, for messages

    @property
    def icb_gss(self) -> str:
        return self.icb.gss_code or self.icb.code

    def places_on(self, day: date) -> list[PlaceVersion]:
        return places_as_of(self.places, day)

    def organisation(self, code: str) -> Organisation | None:
        for org in (self.icb, *self.sub_icbs, *self.partners, *self.pcns.values()):
            if org.code == code:
                return org
        return None

    def place_lsoas(self, place: PlaceVersion) -> set[str]:
        """The LSOAs a place's area covers: its LSOAs plus every LSOA of its districts."""
        codes = set(place.lsoas)
        if place.lads:
            codes.update(u.code for u in self.area.values() if u.lad_code in place.lads)
        return codes

    def membership_on(self, body_code: str, org_code: str, day: date) -> MembershipState:
        events = [
            e for e in self.memberships if e.body_code == body_code and e.org_code == org_code
        ]
        return state_as_of(events, day)
