"""Target shares and need indices from practice weighted populations.

NHS England's place tool: the need index of a set of practices (a place) against a
reference set (its ICB, or England) in one component is

    (sum of members' weighted population / sum of members' population)
    / (sum of reference weighted population / sum of reference population)

computed exactly and then rounded to 0.001 half up ("Excel round"), as the tool does after
calculation. A target share is the members' weighted population over the reference's,
kept exact (a ``Fraction``) because money is split from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.exact import round_fraction
from integrated_care.reference.weighted_population import (
    COMPONENTS,
    PracticeWeightedPopulation,
    practice_weighted_populations,
)

INDEX_PLACES = 3  # need indices are published to 0.001


def _component(component: str) -> str:
    if component not in COMPONENTS:
        raise InvalidInput(
            f"Unknown need component '{component}'.",
            input_name="component",
            expected=", ".join(COMPONENTS),
        )
    return component


def _sums(
    practices: Iterable[PracticeWeightedPopulation], component: str
) -> tuple[Decimal, Decimal]:
    weighted = Decimal(0)
    population = Decimal(0)
    for practice in practices:
        weighted += practice.weighted[component]
        population += practice.population
    return weighted, population


def _ratio_index(
    member_sums: tuple[Decimal, Decimal], reference_sums: tuple[Decimal, Decimal], what: str
) -> Fraction:
    (m_wp, m_pop), (r_wp, r_pop) = member_sums, reference_sums
    if m_pop == 0 or r_pop == 0 or r_wp == 0:
        raise InvalidInput(
            f"The {what} has no population, so it has no need index.",
            input_name=what,
            expected="one or more practices with a population",
        )
    return (Fraction(m_wp) / Fraction(m_pop)) / (Fraction(r_wp) / Fraction(r_pop))


def exact_need_index(
    members: Sequence[PracticeWeightedPopulation],
    reference: Sequence[PracticeWeightedPopulation],
    component: str,
) -> Fraction:
    """The need index before rounding."""
    key = _component(component)
    return _ratio_index(_sums(members, key), _sums(reference, key), "members")


def round_index(value: Fraction) -> Decimal:
    """An exact index rounded to 0.001 half up, as NHS England's tool rounds it (on the exact
    fraction, so no intermediate decimal can tip a half the wrong way)."""
    return round_fraction(value, INDEX_PLACES)


def need_index(
    members: Sequence[PracticeWeightedPopulation],
    reference: Sequence[PracticeWeightedPopulation],
    component: str,
) -> Decimal:
    """(Σ member WP / Σ member population) / (Σ reference WP / Σ reference population),
    rounded to 0.001 half up."""
    return round_index(exact_need_index(members, reference, component))


def share(
    members: Sequence[PracticeWeightedPopulation],
    reference: Sequence[PracticeWeightedPopulation],
    component: str,
) -> Fraction:
    """The members' exact share of the reference's weighted population in ``component``."""
    key = _component(component)
    member_wp, _ = _sums(members, key)
    reference_wp, _ = _sums(reference, key)
    if reference_wp == 0:
        raise InvalidInput(
            "The reference practices have no weighted population.",
            input_name="reference",
            expected="one or more practices with a weighted population",
        )
    return Fraction(member_wp) / Fraction(reference_wp)


def need_indices(
    members: Sequence[PracticeWeightedPopulation],
    reference: Sequence[PracticeWeightedPopulation],
) -> dict[str, Decimal]:
    """The need index in every component (keys as ``weighted_population.COMPONENTS``)."""
    return {key: need_index(members, reference, key) for key in COMPONENTS}


@dataclass(frozen=True, slots=True)
class IcbTarget:
    """One ICB against England in one year: exact target shares and rounded need indices."""

    icb_ods_code: str
    practices: int
    population: Decimal
    weighted: Mapping[str, Decimal]  # component -> Σ practice WP
    shares: Mapping[str, Fraction]  # component -> ICB WP / England WP
    indices: Mapping[str, Decimal]  # component -> need index vs England, 0.001


@dataclass(frozen=True, slots=True)
class IcbTargets:
    year: str
    practices: int
    population: Decimal
    icbs: tuple[IcbTarget, ...]  # ordered by ODS code

    def by_code(self) -> dict[str, IcbTarget]:
        return {icb.icb_ods_code: icb for icb in self.icbs}


def targets_for(year: str, practices: Sequence[PracticeWeightedPopulation]) -> IcbTargets:
    """ICB target shares and need indices against the whole of ``practices`` (England)."""
    by_icb: dict[str, list[PracticeWeightedPopulation]] = defaultdict(list)
    for practice in practices:
        by_icb[practice.icb_ods_code].append(practice)
    england = {key: _sums(practices, key) for key in COMPONENTS}
    england_pop = next(iter(england.values()))[1] if england else Decimal(0)
    icbs = []
    for code in sorted(by_icb):
        members = by_icb[code]
        sums = {key: _sums(members, key) for key in COMPONENTS}
        icbs.append(
            IcbTarget(
                icb_ods_code=code,
                practices=len(members),
                population=sums["core"][1],
                weighted={key: sums[key][0] for key in COMPONENTS},
                shares={
                    key: Fraction(sums[key][0]) / Fraction(england[key][0]) for key in COMPONENTS
                },
                indices={
                    key: round_index(_ratio_index(sums[key], england[key], code))
                    for key in COMPONENTS
                },
            )
        )
    return IcbTargets(year, len(practices), england_pop, tuple(icbs))


@cache
def icb_targets(year: str) -> IcbTargets:
    """Every ICB's target shares and need indices against England for ``year`` ('2026/27')."""
    return targets_for(year, practice_weighted_populations(year))
