"""NHS England's practice-level weighted populations (packaged; Open Government Licence v3.0).

One record per GP practice and allocation year: the registered list projected to the year
and that list weighted for need in each component of the allocation formula. NHS England
normalises every component so that it sums to the England population, so a practice's
share of a component is its weighted population over the England (or ICB) total.

Years held: 2023/24 and 2024/25 (42 ICBs) and 2026/27 (36 ICBs after the 2026 mergers).
NHS England's 2025/26 file is not packaged. Values are exact ``Decimal``s from the published
text (see ``tools/build_allocations.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import as_file, files

import duckdb

from integrated_care.errors import InvalidInput, NotFound

FILE = "practice_weighted_populations.parquet"

# Component keys, in NHS England's order, with their published column names.
COMPONENTS: Mapping[str, str] = {
    "g_and_a": "General and acute (G&A WP)",
    "community": "Community services (CS WP)",
    "mental_health": "Mental health (MH WP)",
    "maternity": "Maternity (Mat WP)",
    "health_inequalities": "Health inequalities and unmet need (Health Ineq WP)",
    "prescribing": "Prescribing (Prescr WP)",
    "core": "ICB core services, all components (Final WP / Core WP)",
    "pmc_need": "Primary medical care need (Primary Medical Care WP)",
    "pmc": "Primary medical care, blended 85:15 with health inequalities (Final PMC WP)",
}
_COLUMNS = ("year", "practice_code", "icb_ods_code", "lad_code", "population", *COMPONENTS)
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class PracticeWeightedPopulation:
    year: str  # '2024/25'
    practice_code: str
    icb_ods_code: str  # the ICB in that year's file (Q.. or, for 2026/27 mergers, T..)
    lad_code: str
    population: Decimal  # projected registered list (not a whole number)
    weighted: Mapping[str, Decimal]  # component key (see COMPONENTS) -> weighted population


@cache
def _all() -> tuple[PracticeWeightedPopulation, ...]:
    with _lock, as_file(files("integrated_care.reference").joinpath("data", FILE)) as path:
        con = duckdb.connect()
        try:
            sql = f"SELECT {', '.join(_COLUMNS)} FROM read_parquet(?) ORDER BY year, practice_code"  # noqa: S608
            rows = con.execute(sql, [str(path)]).fetchall()
        finally:
            con.close()
    return tuple(
        PracticeWeightedPopulation(
            row[0], row[1], row[2], row[3], Decimal(row[4]),
            {key: Decimal(value) for key, value in zip(COMPONENTS, row[5:], strict=True)},
        )
        for row in rows
    )  # fmt: skip


def years() -> list[str]:
    return sorted({p.year for p in _all()})


def practice_weighted_populations(
    year: str, icb: str | None = None
) -> list[PracticeWeightedPopulation]:
    """Every practice's weighted populations for ``year`` ('2024/25'), optionally one ICB's
    (by ODS code, e.g. 'QT1')."""
    known = years()
    if year not in known:
        raise InvalidInput(
            f"No weighted populations are packaged for {year}.",
            input_name="year",
            expected=" or ".join(known),
        )
    rows = [p for p in _all() if p.year == year]
    if icb is None:
        return rows
    chosen = [p for p in rows if p.icb_ods_code == icb.upper()]
    if not chosen:
        raise NotFound(
            "ICB", icb, input_name="icb", candidates=sorted({p.icb_ods_code for p in rows})
        )
    return chosen
