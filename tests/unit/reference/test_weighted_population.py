"""The packaged weighted populations hold NHS England's published totals (SOURCE.md checks)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.reference.weighted_population import (
    COMPONENTS,
    practice_weighted_populations,
    years,
)

# Practices, ICBs and the England population per year, as stated in the source notes.
PUBLISHED = {
    "2023/24": (6553, 42, Decimal("61903547.3")),
    "2024/25": (6553, 42, Decimal("62154630.3")),
    "2026/27": (6281, 36, Decimal("63916250.9")),
}


def test_the_packaged_years() -> None:
    assert years() == sorted(PUBLISHED)


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_counts_and_every_component_sums_to_the_population(year: str) -> None:
    practices, icbs, population = PUBLISHED[year]
    rows = practice_weighted_populations(year)
    assert len(rows) == practices
    assert len({r.icb_ods_code for r in rows}) == icbs
    total = sum((r.population for r in rows), Decimal(0))
    assert abs(total - population) < Decimal("0.05")
    for component in COMPONENTS:
        weighted = sum((r.weighted[component] for r in rows), Decimal(0))
        assert abs(weighted - total) < Decimal("0.001"), component


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_primary_medical_care_blend_is_85_15(year: str) -> None:
    for r in practice_weighted_populations(year):
        blend = (
            Decimal("0.85") * r.weighted["pmc_need"]
            + Decimal("0.15") * r.weighted["health_inequalities"]
        )
        assert abs(r.weighted["pmc"] - blend) < Decimal("0.00001"), r.practice_code


def test_one_icb_and_its_2026_27_practice_count() -> None:
    # Nottingham and Nottinghamshire: 129 practices in the 2026/27 file (research note §7.3).
    rows = practice_weighted_populations("2026/27", "qt1")
    assert len(rows) == 129
    assert {r.icb_ods_code for r in rows} == {"QT1"}


def test_unknown_year_and_icb_are_refused() -> None:
    with pytest.raises(InvalidInput) as year_error:
        practice_weighted_populations("2025/26")
    assert year_error.value.input_name == "year"
    with pytest.raises(NotFound) as icb_error:
        practice_weighted_populations("2024/25", "QT2")
    assert "QT1" in icb_error.value.suggestions
