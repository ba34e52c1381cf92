"""``ics init`` for every one of the 42 ICBs, on SQLite and on PostgreSQL.

Each init is what the CLI command does (make the folder, migrate the schema, build the
system with its default places from the reference data in one unit of work, commit, write
``workspace.json``), into a fresh temporary workspace (SQLite) or a fresh schema
(PostgreSQL, created before and dropped after the timed part).
"""

from __future__ import annotations

import statistics
import time

from benchmarks.common import (
    Config,
    PostgresSchemas,
    Result,
    UrlFactory,
    percentile,
    postgres_unreachable,
    say,
    skipped,
    sqlite_url,
    temp_dir,
)
from benchmarks.workspaces import all_icbs, ics_init, largest_icb
from integrated_care.reference.models import Icb

AREA = "init"
PASSES = 5  # over all 42 ICBs
PASSES_QUICK = 1  # over 7 of them


def _choose_icbs(quick: bool) -> list[Icb]:
    icbs = all_icbs()
    if not quick:
        return icbs
    largest, _ = largest_icb()
    chosen = icbs[::7]  # 6 ICBs spread over the ONS-code order, plus the largest
    if largest not in chosen:
        chosen.append(largest)
    return chosen


def _one(icb: Icb, url_factory: UrlFactory) -> tuple[float, int, int]:
    with temp_dir("init") as folder, url_factory() as url:
        start = time.perf_counter()
        ws, summary = ics_init(folder / "workspace", icb.ods_code, url)
        elapsed = time.perf_counter() - start
        ws.engine.dispose()
    return elapsed, summary.practices, summary.places


def _backend(label: str, icbs: list[Icb], passes: int, url_factory: UrlFactory) -> list[Result]:
    # The first init in a process also fills the process-wide reference caches (each table
    # read once); it is reported on its own and excluded from the passes.
    first, _, _ = _one(icbs[0], url_factory)
    by_icb: dict[str, list[float]] = {i.ods_code: [] for i in icbs}
    facts: dict[str, tuple[int, int]] = {}
    totals: list[float] = []
    for number in range(passes):
        total = 0.0
        for icb in icbs:
            elapsed, practices, places = _one(icb, url_factory)
            by_icb[icb.ods_code].append(elapsed)
            facts[icb.ods_code] = (practices, places)
            total += elapsed
        totals.append(total)
        say(f"  init.{label} pass {number + 1}/{passes}: {len(icbs)} ICBs in {total:.2f} s")
    best_each = {code: min(times) for code, times in by_icb.items()}
    slowest = max(best_each, key=lambda code: best_each[code])
    fastest = min(best_each, key=lambda code: best_each[code])
    names = {i.ods_code: i.name for i in icbs}
    where = "a fresh temporary workspace" if label == "sqlite" else "a fresh PostgreSQL schema"
    total_result = Result(
        f"init.{label}.all",
        AREA,
        f"ics init of all {len(icbs)} ICBs one after another, each into {where}",
        n=len(totals),
        best_s=min(totals),
        median_s=statistics.median(totals),
        max_s=max(totals),
        throughput=len(icbs) / min(totals),
        throughput_unit="ICBs/s",
        extra={"icbs": len(icbs)},
    )
    per_icb = Result(
        f"init.{label}.per_icb",
        AREA,
        f"one ics init into {where}: distribution over the {len(icbs)} ICBs "
        f"(each ICB's best of {passes})",
        n=len(best_each),
        best_s=best_each[fastest],
        median_s=statistics.median(best_each.values()),
        p95_s=percentile(list(best_each.values()), 95),
        max_s=best_each[slowest],
        note=f"slowest {names[slowest]} ({slowest}, {facts[slowest][0]} practices, "
        f"{facts[slowest][1]} places); fastest {names[fastest]} ({fastest})",
        extra={
            "per_icb_best_s": {code: round(t, 6) for code, t in best_each.items()},
            "practices": {code: f[0] for code, f in facts.items()},
            "places": {code: f[1] for code, f in facts.items()},
        },
    )
    first_what = (
        "including the one-off reading of the reference tables it needs"
        if label == "sqlite"
        else "after the SQLite runs (reference caches warm): first connection and migration"
    )
    first_result = Result(
        f"init.{label}.first_in_process",
        AREA,
        f"the first ics init on {label} in the process ({names[icbs[0].ods_code]}), " + first_what,
        n=1,
        best_s=first,
        median_s=first,
    )
    return [total_result, per_icb, first_result]


def run(config: Config) -> list[Result]:
    icbs = _choose_icbs(config.quick)
    results = _backend("sqlite", icbs, PASSES_QUICK if config.quick else PASSES, sqlite_url)
    reason = postgres_unreachable(config.postgres_url)
    if reason:
        say(f"  init.postgresql skipped: {reason}")
        for suffix in ("all", "per_icb", "first_in_process"):
            results.append(
                skipped(f"init.postgresql.{suffix}", AREA, "ics init on PostgreSQL", reason)
            )
        return results
    schemas = PostgresSchemas(config.postgres_url)
    try:
        results += _backend(
            "postgresql", icbs, PASSES_QUICK if config.quick else PASSES, schemas.schema
        )
    finally:
        schemas.close()
    return results
