"""Membership writes: join/suspend/rejoin/withdraw cycles, one unit of work and commit each.

On a freshly initialised Nottingham and Nottinghamshire system (``ics init --icb QT1``), every
organisation in the system (ICB, sub-ICB locations, PCNs, councils) in turn goes through a
join -> suspend -> rejoin -> withdraw cycle in the ICS partnership; after all of them the next
round starts four weeks later. Each event is one ``services.membership.record`` call in its
own unit of work, committed, exactly as the CLI and API record a change. The validation it
does (read the body, the organisations and the pair's history) is part of the cost.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta

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
from benchmarks.workspaces import ics_init
from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services import membership
from integrated_care.services.structure import SYSTEM_BODY
from integrated_care.structure.membership import Action
from integrated_care.workspace import Workspace

AREA = "membership"
ICB = "QT1"
START = date(2000, 1, 3)
STEPS: tuple[tuple[Action, str | None, int], ...] = (
    (Action.JOIN, None, 0),
    (Action.SUSPEND, "Benchmark suspension", 7),
    (Action.REJOIN, None, 14),
    (Action.WITHDRAW, "Benchmark withdrawal", 21),
)


def _cycles(ws: Workspace, cycles: int) -> tuple[list[float], float, int]:
    system = ws.system
    with ws.uow() as uow:
        orgs = [o.code for o in uow.structure.organisations(system)]
    latencies: list[float] = []
    wall = time.perf_counter()
    for number in range(cycles):
        org = orgs[number % len(orgs)]
        base = START + timedelta(days=28 * (number // len(orgs)))
        for action, reason, offset in STEPS:
            start = time.perf_counter()
            with ws.uow() as uow:
                membership.record(
                    uow,
                    system,
                    body_code=SYSTEM_BODY,
                    org_code=org,
                    action=action,
                    effective=base + timedelta(days=offset),
                    reason=reason,
                    actor=LOCAL_OPERATOR,
                )
                uow.commit()
            latencies.append(time.perf_counter() - start)
    return latencies, time.perf_counter() - wall, len(orgs)


def _backend(label: str, cycles: int, url_factory: UrlFactory) -> Result:
    with temp_dir("membership") as folder, url_factory() as url:
        ws, _ = ics_init(folder / "workspace", ICB, url)
        latencies, wall, orgs = _cycles(ws, cycles)
        ws.engine.dispose()
    events = len(latencies)
    tenth = max(1, events // 10)
    result = Result(
        f"membership.record.{label}",
        AREA,
        f"{cycles} join/suspend/rejoin/withdraw cycles ({events} events) over {orgs} "
        f"organisations of {ICB} on {label}: services.membership.record, one unit of "
        "work and commit per event",
        n=events,
        best_s=min(latencies),
        median_s=statistics.median(latencies),
        p95_s=percentile(latencies, 95),
        max_s=max(latencies),
        throughput=events / wall,
        throughput_unit="events/s",
        note=f"times per event; throughput = events / wall time of the whole run ({wall:.2f} s); "
        f"median of the first tenth {statistics.median(latencies[:tenth]) * 1000:.2f} ms, "
        f"of the last tenth {statistics.median(latencies[-tenth:]) * 1000:.2f} ms",
        extra={
            "cycles": cycles,
            "events": events,
            "organisations": orgs,
            "wall_s": wall,
            # Does an event get slower as the pair's history and the tables grow?
            "median_first_tenth_s": statistics.median(latencies[:tenth]),
            "median_last_tenth_s": statistics.median(latencies[-tenth:]),
        },
    )
    say(f"  {result.name}: {events} events in {wall:.2f} s ({events / wall:.0f} events/s)")
    return result


def run(config: Config) -> list[Result]:
    cycles = 100 if config.quick else 1000
    results = [_backend("sqlite", cycles, sqlite_url)]
    reason = postgres_unreachable(config.postgres_url)
    if reason:
        say(f"  membership.record.postgresql skipped: {reason}")
        results.append(
            skipped("membership.record.postgresql", AREA, "membership writes on PostgreSQL", reason)
        )
        return results
    schemas = PostgresSchemas(config.postgres_url)
    try:
        results.append(_backend("postgresql", cycles, schemas.schema))
    finally:
        schemas.close()
    return results
