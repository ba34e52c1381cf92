"""Registered and resident population and deprivation summaries for a set of practices/LSOAs.

Registered population is the NHS count of patients on practice lists (December 2025).
Resident population is the Census 2021 count of usual residents. They differ: lists are
inflated by people who have moved away, and practices near a boundary register people
from the next area. Both are kept and shown side by side, never substituted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from integrated_care.structure.organisations import Practice
from integrated_care.structure.system import AreaUnit

# Core20: the most deprived 20% of LSOAs in England by the IMD, i.e. deciles 1 and 2.
CORE20_DECILES = frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class Deprivation:
    """Population-weighted IMD 2025 summary of an area."""

    mean_score: float  # residents-weighted mean of LSOA IMD scores (higher = more deprived)
    core20_share: float  # share of residents in England's most deprived 20% of LSOAs
    lsoas: int

    def describe(self) -> str:
        return (
            f"IMD score {self.mean_score:.1f}; "
            f"{self.core20_share:.0%} of residents in the most deprived 20%"
        )


def registered_population(practices: Iterable[Practice]) -> int:
    return sum(p.registered_patients for p in practices)


def resident_population(lsoas: Iterable[str], area: Mapping[str, AreaUnit]) -> int:
    return sum(area[code].population for code in lsoas if code in area)


def deprivation(lsoas: Iterable[str], area: Mapping[str, AreaUnit]) -> Deprivation | None:
    units = [area[c] for c in set(lsoas) if c in area]
    people = sum(u.population for u in units)
    if not units or people == 0:
        return None
    score = sum(u.imd_score * u.population for u in units) / people
    core20 = sum(u.population for u in units if u.imd_decile in CORE20_DECILES) / people
    return Deprivation(round(score, 2), round(core20, 4), len(units))
