"""Delegation to places: place need indices per component and place budgets that sum exactly.

A place is a set of GP practices. Its need index in a component is NHS England's place-tool
formula, (place WP / place list) / (ICB WP / ICB list), from the practices' weighted
populations (``finance.allocation.fair_shares``); the ICB is every practice of the ICB in
the weights file. Practices of a place that the weights file lacks, and weights-file
practices of the ICB that are in no place, are reported, never silently dropped.

A budget delegated for a component is split between the places in proportion to their
weighted population in that component with the largest-remainder method, so the places'
budgets sum to the delegated amount to the penny. Places are ordered by code, so a tie in
remainders always goes to the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.fair_shares import need_indices, share
from integrated_care.finance.money import largest_remainder
from integrated_care.reference.weighted_population import COMPONENTS, PracticeWeightedPopulation

# What each delegable service line is split by, unless the scheme says otherwise.
COMPONENT_LABELS: Mapping[str, str] = {
    "g_and_a": "General and acute",
    "community": "Community services",
    "mental_health": "Mental health",
    "maternity": "Maternity",
    "health_inequalities": "Health inequalities",
    "prescribing": "Prescribing",
    "core": "ICB core services (all components)",
    "pmc_need": "Primary medical care need",
    "pmc": "Primary medical care (85:15 with health inequalities)",
}


def check_component(component: str, *, input_name: str = "component") -> str:
    key = component.strip().lower().replace("-", "_")
    if key not in COMPONENTS:
        raise InvalidInput(
            f"Unknown need component '{component}'.",
            input_name=input_name,
            expected=", ".join(COMPONENTS),
        )
    return key


@dataclass(frozen=True, slots=True)
class PlaceMembers:
    code: str
    name: str
    practices: frozenset[str]


@dataclass(frozen=True, slots=True)
class PlaceNeed:
    code: str
    name: str
    practices: int  # found in the weights file
    population: Decimal  # Σ projected list of those practices
    weighted: Mapping[str, Decimal]  # component -> Σ weighted population
    indices: Mapping[str, Decimal]  # component -> need index vs the ICB, 0.001 half up
    shares: Mapping[str, Fraction]  # component -> share of the ICB's weighted population
    missing: tuple[str, ...]  # practices of the place the weights file lacks


@dataclass(frozen=True, slots=True)
class NeedReport:
    weights_year: str
    icb: str
    icb_practices: int
    icb_population: Decimal
    places: tuple[PlaceNeed, ...]  # ordered by code
    unplaced: tuple[str, ...]  # the ICB's weights-file practices in no place
    in_several_places: tuple[str, ...]  # practices counted in more than one place
    other_icb: Mapping[str, str]  # place practices filed under another ICB that year

    @property
    def missing(self) -> dict[str, tuple[str, ...]]:
        return {p.code: p.missing for p in self.places if p.missing}

    def by_code(self) -> dict[str, PlaceNeed]:
        return {p.code: p for p in self.places}


def coverage(practices: Iterable[str], weights_codes: Iterable[str]) -> int:
    return len(set(practices) & set(weights_codes))


def choose_weights_year(practices: Iterable[str], available: Mapping[str, Iterable[str]]) -> str:
    """The year whose weights file holds most of ``practices``; the latest of equals.

    ``available`` maps each packaged year ('2026/27') to the practice codes of this ICB's
    file for that year (years in which the ICB does not exist are left out by the caller).
    """
    if not available:
        raise InvalidInput(
            "No packaged weighted populations cover this ICB.",
            input_name="weights_year",
            expected="a year whose weights file includes the ICB",
        )
    wanted = set(practices)
    return max(available, key=lambda year: (coverage(wanted, available[year]), year))


def place_need(
    places: Sequence[PlaceMembers],
    icb_rows: Sequence[PracticeWeightedPopulation],
    year_rows: Sequence[PracticeWeightedPopulation],
    *,
    weights_year: str,
    icb: str,
) -> NeedReport:
    """Need indices and shares of each place against the ICB (``icb_rows``). A place's
    practices are looked up in the whole year's file (``year_rows``), so a practice filed
    under another ICB that year still counts for its place and is reported."""
    if not icb_rows:
        raise InvalidInput(
            f"The {weights_year} weights file has no practices for {icb}.",
            input_name="weights_year",
            expected="a weights year in which the ICB exists",
        )
    by_code = {p.practice_code: p for p in year_rows}
    icb_codes = {p.practice_code for p in icb_rows}
    seen: dict[str, int] = {}
    needs = []
    other: dict[str, str] = {}
    for place in sorted(places, key=lambda p: p.code):
        for code in place.practices:
            seen[code] = seen.get(code, 0) + 1
        members = [by_code[c] for c in sorted(place.practices) if c in by_code]
        missing = tuple(sorted(c for c in place.practices if c not in by_code))
        other.update(
            {
                c: by_code[c].icb_ods_code
                for c in place.practices
                if c in by_code and c not in icb_codes
            }
        )
        if not members:
            raise InvalidInput(
                f"None of the practices of place '{place.code}' is in the {weights_year} "
                "weights file.",
                input_name="weights_year",
                expected="a weights year that includes the place's practices",
            )
        needs.append(
            PlaceNeed(
                code=place.code,
                name=place.name,
                practices=len(members),
                population=sum((m.population for m in members), Decimal(0)),
                weighted={k: sum((m.weighted[k] for m in members), Decimal(0)) for k in COMPONENTS},
                indices=need_indices(members, icb_rows),
                shares={k: share(members, icb_rows, k) for k in COMPONENTS},
                missing=missing,
            )
        )
    return NeedReport(
        weights_year=weights_year,
        icb=icb,
        icb_practices=len(icb_rows),
        icb_population=sum((p.population for p in icb_rows), Decimal(0)),
        places=tuple(needs),
        unplaced=tuple(sorted(icb_codes - set(seen))),
        in_several_places=tuple(sorted(c for c, n in seen.items() if n > 1)),
        other_icb=dict(sorted(other.items())),
    )


def split_budget(
    total: int, need: NeedReport, component: str, places: Iterable[str] | None = None
) -> dict[str, int]:
    """``total`` pence split between ``places`` (default: all) by their weighted population
    in ``component``, largest remainder, places in code order: the parts sum to ``total``."""
    key = check_component(component)
    found = need.by_code()
    chosen = sorted(set(places) if places is not None else found)
    unknown = [c for c in chosen if c not in found]
    if unknown:
        raise InvalidInput(
            f"No need figures for place(s) {', '.join(unknown)}.",
            input_name="places",
            expected=", ".join(sorted(found)),
        )
    weights = [found[c].weighted[key] for c in chosen]
    return dict(zip(chosen, largest_remainder(total, weights), strict=True))
