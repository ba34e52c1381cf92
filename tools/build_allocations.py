"""Package NHS England's weighted populations and published ICB allocations.

Reads ``<source>/allocations/`` (see its SOURCE.md: practice weighted populations for
2023/24, 2024/25 and 2026/27, and the tidy £ files for 2023/24 and 2024/25) and writes into
``src/integrated_care/reference/data/``:

* ``practice_weighted_populations.parquet``: one row per practice and year, every weighted
  population as DECIMAL(20, 10) parsed from the CSV text (never through a float);
* ``icb_allocations_2023_24.csv`` and ``icb_allocations_2024_25.csv``: byte-for-byte copies.

Checks from SOURCE.md stop the build on any mismatch: row and ICB counts, every WP column
summing to the year's population within 0.001, and the 85:15 primary medical care blend.

Usage: ``python tools/build_allocations.py [SOURCE_DIR] [--out DIR]``.
"""

# SQL is built from this file's own constants only.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import shutil
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT / ".." / "shared" / "data"
DEFAULT_OUT = REPO_ROOT / "src" / "integrated_care" / "reference" / "data"
TIDY = ("icb_allocations_2023_24.csv", "icb_allocations_2024_25.csv")

# year, file, practices, ICBs, population column, ICB column, LAD column, core WP column
PRACTICE_FILES = (
    ("2023/24", "practice_wp_2023_24.csv", 6553, 42, "pop 2022/23", "ICS22", "LAD21", "Final WP"),
    ("2024/25", "practice_wp_2024_25.csv", 6553, 42, "pop 2022/23", "ICS22", "LAD21", "Final WP"),
    ("2026/27", "practice_wp_2026_27.csv", 6281, 36, "Registered Patients", "ICB", "LAD",
     "Core WP"),
)  # fmt: skip
COMPONENTS = {
    "g_and_a": "G&A WP",
    "community": "CS WP",
    "mental_health": "MH WP",
    "maternity": "Mat WP",
    "health_inequalities": "Health Ineq WP",
    "prescribing": "Prescr WP",
    "pmc_need": "Primary Medical Care WP",
    "pmc": "Final PMC WP",
}
DEC = "DECIMAL(20, 10)"


def _select(year: str, path: Path, pop: str, icb: str, lad: str, core: str) -> str:
    cols = [f"'{year}' AS year", "Practice_Code AS practice_code", f'"{icb}" AS icb_ods_code',
            f'"{lad}" AS lad_code', f'CAST("{pop}" AS {DEC}) AS population',
            f'CAST("{core}" AS {DEC}) AS core']  # fmt: skip
    cols += [f'CAST("{src}" AS {DEC}) AS {name}' for name, src in COMPONENTS.items()]
    return (
        f"SELECT {', '.join(cols)} FROM read_csv('{path}', all_varchar=true, header=true, "
        "encoding='utf-8')"
    )


def _check(con: duckdb.DuckDBPyConnection, spec: tuple[str, str, int, int, str, str, str, str],
           sql: str) -> None:  # fmt: skip
    _year, file, practices, icbs = spec[:4]
    n, n_icb, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT icb_ods_code), count(DISTINCT practice_code) FROM ({sql})"
    ).fetchone() or (0, 0, 0)
    if (n, n_icb, distinct) != (practices, icbs, practices):
        sys.exit(f"{file}: {n} rows, {n_icb} ICBs, {distinct} codes; expected {practices}/{icbs}")
    sums = ", ".join(f"sum({c})" for c in ["population", "core", *COMPONENTS])
    totals = con.execute(f"SELECT {sums} FROM ({sql})").fetchone() or ()
    population = Decimal(totals[0])
    for name, total in zip(["core", *COMPONENTS], totals[1:], strict=True):
        if abs(Decimal(total) - population) > Decimal("0.001"):
            sys.exit(f"{file}: {name} sums to {total}, the population is {population}")
    worst = con.execute(
        f"SELECT max(abs(pmc - (0.85 * pmc_need + 0.15 * health_inequalities))) FROM ({sql})"
    ).fetchone()
    if worst is None or Decimal(worst[0]) > Decimal("0.00001"):
        sys.exit(f"{file}: the PMC 85:15 blend does not hold (worst residual {worst})")
    print(f"{file}: {n} practices, {n_icb} ICBs, population {population} - checks pass")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    folder = args.source / "allocations"
    con = duckdb.connect()
    con.execute("SET threads = 1")
    parts = []
    for spec in PRACTICE_FILES:
        sql = _select(spec[0], folder / spec[1], *spec[4:])
        _check(con, spec, sql)
        parts.append(sql)
    union = " UNION ALL ".join(f"({p})" for p in parts)
    target = args.out / "practice_weighted_populations.parquet"
    con.execute(
        f"COPY (SELECT * FROM ({union}) ORDER BY year, practice_code) TO '{target}' "
        "(FORMAT parquet, COMPRESSION zstd)"
    )
    for name in TIDY:
        shutil.copyfile(folder / name, args.out / name)
    print(f"wrote {target} and {', '.join(TIDY)}")


if __name__ == "__main__":
    main()
