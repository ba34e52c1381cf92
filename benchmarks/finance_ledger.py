"""The double-entry ledger: posting throughput and the simulator's rate.

* **post_many** (the batch path): 100,000 balanced journals of 2-4 legs (20,000 with
  ``--quick``), in batches of 10,000 per unit of work, each unit committed; SQLite and
  PostgreSQL. Also batches of 1,000, and batches whose every journal spends from one of
  eight guarded place budgets (the guard reads and locks those budgets' balances).
* **post**: one journal per unit of work, committed each time (the path an API call takes).
* **8 workers** (PostgreSQL): eight processes post 10,000 journals each (2,500 with
  ``--quick``) in batches of 1,000 at the same time; journals/s over the wall time.
* **simulator**: ``finance.ledger.simulator`` operations per second, every step checked.

Target (issue 4): >= 5,000 balanced journals/s in batch on SQLite and on PostgreSQL.
Runs alone too: ``python -m benchmarks.finance_ledger [--quick]`` (writes
``benchmarks/results/finance_ledger.json`` and ``.md``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchmarks.common import (
    Config,
    PostgresSchemas,
    Result,
    UrlFactory,
    peak_rss_mb,
    postgres_unreachable,
    say,
    skipped,
    sqlite_url,
    summarised,
    temp_dir,
    timed,
)
from integrated_care.access import Actor, Role
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.finance.ledger.simulator import simulate
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

AREA = "finance_ledger"
SYSTEM = "QT1"
ACTOR = Actor("benchmark", Role.FINANCE)
TARGET = 5_000  # journals/s
FUND = "core-2025-26"
PLACES = tuple(f"place-{n}" for n in range(1, 9))
LINES = ("acute", "community", "mental-health", "prescribing", "primary-care")
RESULTS = Path(__file__).resolve().parent / "results"


def accounts() -> list[Account]:
    out = [
        Account(f"icb:{FUND}:nhse-funding", "Funding", AccountType.EQUITY, FUND),
        Account(f"icb:{FUND}:other-income", "Income", AccountType.INCOME, FUND),
    ]
    for place in PLACES:
        budget = f"place:{place}:{FUND}:budget"
        out.append(Account(budget, "Budget", AccountType.ASSET, FUND, None, True))
        for line in LINES:
            spend = f"place:{place}:{FUND}:spend:{line}"
            out.append(Account(spend, line, AccountType.EXPENDITURE, FUND))
    return out


SPENDS = [a.code for a in accounts() if a.type is AccountType.EXPENDITURE]


def journals(count: int, prefix: str, *, guarded: bool = False) -> list[JournalRequest]:
    """``count`` balanced journals of 2-4 legs; ``guarded`` ones spend from a place budget."""
    out = []
    for n in range(count):
        spends = [SPENDS[(n * 7 + k * 11) % len(SPENDS)] for k in range(1 + n % 3)]
        amounts = [100 + (n * 31 + k * 17) % 99_900 for k in range(len(spends))]
        other = f"place:{PLACES[n % 8]}:{FUND}:budget" if guarded else f"icb:{FUND}:other-income"
        legs = tuple(Leg(a, x) for a, x in zip(spends, amounts, strict=True))
        legs += (Leg(other, -sum(amounts)),)
        day = date(2025, 4, 1) + timedelta(days=n % 365)  # spread over the financial year
        out.append(JournalRequest(f"{prefix}-{n}", day, "benchmark", legs))
    return out


def _workspace(folder: Path, url: str | None) -> Workspace:
    ws = Workspace.at(folder, url)
    folder.mkdir(parents=True, exist_ok=True)
    ws.migrate()
    with ws.uow() as uow:
        uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire", "b")
        ledger.ensure_accounts(uow, SYSTEM, accounts(), actor=ACTOR)
        funding = []
        for place in PLACES:
            legs = (
                Leg(f"place:{place}:{FUND}:budget", 10**14),
                Leg(f"icb:{FUND}:nhse-funding", -(10**14)),
            )
            funding.append(JournalRequest(f"fund-{place}", date(2025, 4, 1), "funding", legs))
        ledger.post_many(uow, SYSTEM, funding, actor=ACTOR)
        uow.commit()
    return ws


def _in_batches(ws: Workspace, requests: list[JournalRequest], size: int) -> Callable[[], None]:
    def post() -> None:
        for start in range(0, len(requests), size):
            with ws.uow() as uow:
                ledger.post_many(uow, SYSTEM, requests[start : start + size], actor=ACTOR)
                uow.commit()

    return post


def _one_by_one(ws: Workspace, requests: list[JournalRequest]) -> Callable[[], None]:
    def post() -> None:
        for request in requests:
            with ws.uow() as uow:
                ledger.post(uow, SYSTEM, request, actor=ACTOR)
                uow.commit()

    return post


def _count(ws: Workspace) -> int:
    """Journals written (a check that the timed run did all its work), Σ debits = Σ credits."""
    with ws.uow() as uow:
        debits, credits_ = ledger.leg_totals(uow, SYSTEM)
        assert debits == credits_
        found = uow.session.execute(text("SELECT count(*) FROM ledger_journals")).scalar_one()
        return int(found) - len(PLACES)  # less the funding journals


def _posting(label: str, config: Config, url_factory: UrlFactory, mode: str, reps: int) -> Result:
    count = {"batch": 100_000, "small": 50_000, "guarded": 50_000, "single": 2_000}[mode]
    count //= 5 if config.quick else 1
    size = 10_000 if mode == "batch" else 1_000
    requests = journals(count, mode, guarded=mode == "guarded")
    samples = []
    for _ in range(reps):
        with temp_dir("ledger") as folder, url_factory() as url:
            ws = _workspace(folder / "workspace", url)
            write = (
                _one_by_one(ws, requests) if mode == "single" else _in_batches(ws, requests, size)
            )
            samples.append(timed(write))
            assert _count(ws) == count
            ws.engine.dispose()
    how = {
        "batch": f"post_many, {size:,} per unit of work",
        "small": f"post_many, {size:,} per unit of work",
        "guarded": f"post_many, {size:,} per unit, each journal spending from a guarded budget",
        "single": "post, one journal per unit of work",
    }[mode]
    result = summarised(
        f"ledger.{'post' if mode == 'single' else 'post_many'}.{mode}.{label}",
        AREA,
        f"{count:,} balanced journals of 2-4 legs on {label} ({how}), each unit committed",
        samples,
        items=count,
        unit="journals/s",
        extra={"journals": count, "per_unit": 1 if mode == "single" else size},
    )
    if mode != "single":
        result.extra["target_journals_per_s"] = TARGET
        result.extra["meets_target"] = (result.throughput or 0) >= TARGET
    say(f"  {result.name}: {result.throughput:,.0f} journals/s")
    return result


def _concurrent_worker(url: str, folder: str, index: int, per_worker: int, barrier: Any) -> None:
    ws = Workspace.at(Path(folder), url)
    requests = journals(per_worker, f"worker{index}")
    barrier.wait(timeout=120)
    _in_batches(ws, requests, 1_000)()
    ws.engine.dispose()


def _concurrent(config: Config, schemas: PostgresSchemas) -> Result:
    workers, per_worker = 8, 2_500 if config.quick else 10_000
    samples = []
    for _ in range(1 if config.quick else 2):
        with temp_dir("ledger-8") as folder, schemas.schema() as url:
            ws = _workspace(folder / "workspace", url)
            ws.engine.dispose()
            context = multiprocessing.get_context("fork")
            barrier = context.Barrier(workers + 1)
            processes = [
                context.Process(
                    target=_concurrent_worker, args=(url, str(ws.path), n, per_worker, barrier)
                )
                for n in range(workers)
            ]
            for process in processes:
                process.start()
            barrier.wait(timeout=120)
            start = time.perf_counter()
            for process in processes:
                process.join(timeout=600)
            samples.append(time.perf_counter() - start)
            assert all(p.exitcode == 0 for p in processes)
            with ws.uow() as uow:
                debits, credits_ = ledger.leg_totals(uow, SYSTEM)
                assert debits == credits_
            ws.engine.dispose()
    total = workers * per_worker
    result = summarised(
        "ledger.post_many.8-workers.postgresql",
        AREA,
        f"8 processes at once, {per_worker:,} journals each in batches of 1,000 per unit "
        "of work, on PostgreSQL (wall time from a common start to the last commit)",
        samples,
        items=total,
        unit="journals/s",
        extra={"journals": total, "workers": workers, "target_journals_per_s": TARGET},
    )
    result.extra["meets_target"] = (result.throughput or 0) >= TARGET
    say(f"  {result.name}: {result.throughput:,.0f} journals/s")
    return result


def _simulator(label: str, config: Config, url: str | None) -> Result:
    ops = 1_000 if config.quick else 5_000
    report = simulate(20260401, ops, database_url=url)
    result = summarised(
        f"ledger.simulator.{label}",
        AREA,
        f"{ops:,} random ledger operations on {label}, each checked against the model "
        "(incremental checks every step, a full recount every 1,000 steps)",
        [report.seconds],
        items=ops,
        unit="ops/s",
        extra={"ops": ops, "journals": report.journals, "legs": report.legs},
    )
    say(f"  {result.name}: {result.throughput:,.0f} ops/s")
    return result


def _backend(label: str, config: Config, factory: UrlFactory) -> list[Result]:
    reps = 1 if config.quick else 3
    return [
        _posting(label, config, factory, "batch", reps),
        _posting(label, config, factory, "small", 1),
        _posting(label, config, factory, "guarded", 1),
        _posting(label, config, factory, "single", 1),
    ]


def run(config: Config | None = None) -> list[Result]:
    config = config or Config(quick=False)
    results = _backend("sqlite", config, sqlite_url)
    results.append(_simulator("sqlite", config, None))
    reason = postgres_unreachable(config.postgres_url)
    if reason:
        say(f"  ledger on PostgreSQL skipped: {reason}")
        results.append(skipped("ledger.postgresql", AREA, "posting on PostgreSQL", reason))
        return results
    schemas = PostgresSchemas(config.postgres_url)
    try:
        results += _backend("postgresql", config, schemas.schema)
        results.append(_concurrent(config, schemas))
        with schemas.schema() as url:
            results.append(_simulator("postgresql", config, url))
    finally:
        schemas.close()
    return results


def _markdown(document: dict[str, Any]) -> str:
    from benchmarks.report import rate, seconds

    m = document["machine"]
    lines = [
        "# Ledger benchmarks",
        "",
        f"Written by `{document['command']}` ({document['mode']} mode) on {m['date_utc']}; "
        f"{document['wall_s']:.0f} s, peak RSS {document['peak_rss_mb']} MB.",
        "",
        f"Machine: {m['cpu_count']} CPUs ({m.get('cpu_model')}), {m.get('memory_gib')} GiB "
        f"RAM, {m['platform']}; Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL "
        f"{m.get('postgresql')}, SQLAlchemy {m.get('sqlalchemy')}. Load average at start "
        f"{m.get('load_average_at_start')}, at end {document.get('load_average_at_end')}.",
        "",
        f"Target: >= {TARGET:,} balanced journals/s in batch on each database.",
        "",
        "| benchmark | what it measures | n | best | median | throughput | target met |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in (Result.from_dict(d) for d in document["benchmarks"]):
        met = r.extra.get("meets_target")
        lines.append(
            f"| {r.name} | {r.measures} | {r.n} | {seconds(r.best_s)} | {seconds(r.median_s)} "
            f"| {rate(r.throughput, r.throughput_unit)} | {'' if met is None else met} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    from benchmarks.machine import facts, load_average

    parser = argparse.ArgumentParser(prog="python -m benchmarks.finance_ledger")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    os.environ.pop("ICS_DATABASE_URL", None)  # SQLite workspaces must stay SQLite
    config = Config(quick=args.quick)
    machine = facts(config.postgres_url)
    start = time.perf_counter()
    results = run(config)
    document = {
        "area": AREA,
        "mode": "quick" if args.quick else "full",
        "command": " ".join(["python -m benchmarks.finance_ledger", *(argv or sys.argv[1:])]),
        "wall_s": round(time.perf_counter() - start, 1),
        "peak_rss_mb": peak_rss_mb(),
        "machine": machine,
        "load_average_at_end": load_average(),
        "benchmarks": [r.to_dict() for r in results],
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / f"{AREA}.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    (args.output / f"{AREA}.md").write_text(_markdown(document), encoding="utf-8")
    print(_markdown(document))
    return 0


if __name__ == "__main__":
    sys.exit(main())
