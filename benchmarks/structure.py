"""Structure queries on the largest ICB (by practice count) and on the N&N demo.

For each system: ``load_model`` (a fresh unit of work each time; SQLite, and PostgreSQL for
the largest ICB), ``build_tree`` and ``validate`` as of today, and membership
``state_as_of`` for every (body, organisation) pair with a history over 1,000 random dates.

A freshly initialised ICB has partnership bodies but no members, so the largest ICB is first
given a synthetic history (untimed) through ``services.membership.record``: the ICB, its
sub-ICB locations and every council join the ICS partnership on 1 July 2022; the ICB and
the councils of each place's area join that place's partnership; then each pair gets up to
two suspend/rejoin cycles and sometimes a withdrawal, on random later dates.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from benchmarks.common import (
    Config,
    PostgresSchemas,
    Result,
    postgres_unreachable,
    repeat,
    say,
    skipped,
    summarised,
    temp_dir,
    timed,
)
from benchmarks.workspaces import ics_init, largest_icb
from integrated_care.access import LOCAL_OPERATOR
from integrated_care.demo.build import build_demo
from integrated_care.services import membership
from integrated_care.services.structure import SYSTEM_BODY, load_model
from integrated_care.structure.membership import Action, BodyKind, MembershipEvent, state_as_of
from integrated_care.structure.system import SystemModel
from integrated_care.structure.tree import build_tree
from integrated_care.structure.validation import validate
from integrated_care.workspace import Workspace

AREA = "structure"
SEEDED_FROM = date(2022, 7, 1)
DATES_FROM = date(2017, 1, 1)
DATES_TO = date(2026, 12, 31)


def _seed_history(ws: Workspace, rng: random.Random) -> int:
    """Give a fresh system a plausible membership history; returns the number of events."""
    system = ws.system
    events = 0
    with ws.uow() as uow:
        model = load_model(uow, system)
        councils = [o for o in model.partners if o.kind.is_council]
        pairs: list[tuple[str, str]] = [
            (SYSTEM_BODY, o.code) for o in (model.icb, *model.sub_icbs, *councils)
        ]
        for body in model.bodies:
            if body.kind is BodyKind.PLACE_PARTNERSHIP:
                pairs.append((body.code, model.icb.code))
                pairs.extend(
                    (body.code, c.code)
                    for c in councils
                    if body.place_code in (c.code, c.parent_code)
                )
        for body_code, org_code in pairs:
            day = SEEDED_FROM
            plan: list[tuple[Action, str | None]] = [(Action.JOIN, None)]
            for _ in range(rng.randint(0, 2)):
                plan += [(Action.SUSPEND, "Benchmark: paused"), (Action.REJOIN, None)]
            if rng.random() < 0.2:
                plan.append((Action.WITHDRAW, "Benchmark: left"))
            for action, reason in plan:
                membership.record(
                    uow,
                    system,
                    body_code=body_code,
                    org_code=org_code,
                    action=action,
                    effective=day,
                    reason=reason,
                    actor=LOCAL_OPERATOR,
                )
                events += 1
                day += timedelta(days=rng.randint(30, 240))
        uow.commit()
    return events


def _load(ws: Workspace) -> SystemModel:
    with ws.uow() as uow:
        return load_model(uow, ws.system)


def _queries(
    label: str, system: str, model: SystemModel, config: Config, backend: str, ws: Workspace
) -> list[Result]:
    rng = random.Random(config.seed)
    today = date.today()
    reps = 5 if config.quick else 20
    results: list[Result] = []
    prefix = f"structure.{label}"

    samples = repeat(lambda: _load(ws), reps, warmup=1)
    results.append(
        summarised(
            f"{prefix}.load_model.{backend}",
            AREA,
            f"load_model({system}) in a fresh unit of work on {backend}",
            samples,
            note="after one warm-up (process-wide area caches filled)",
        )
    )
    samples = repeat(lambda: build_tree(model, today), reps, warmup=1)
    nodes = len(build_tree(model, today).walk())
    results.append(
        summarised(
            f"{prefix}.build_tree",
            AREA,
            f"build_tree({system}) as of today ({nodes} nodes)",
            samples,
            items=nodes,
            unit="nodes/s",
            extra={"nodes": nodes},
        )
    )
    samples = repeat(lambda: validate(model, today), reps, warmup=1)
    findings = len(validate(model, today).findings)
    results.append(
        summarised(
            f"{prefix}.validate",
            AREA,
            f"validate({system}) as of today ({findings} finding{'' if findings == 1 else 's'})",
            samples,
            extra={"findings": findings},
        )
    )

    groups: dict[tuple[str, str], list[MembershipEvent]] = defaultdict(list)
    for event in model.memberships:
        groups[(event.body_code, event.org_code)].append(event)
    span = (DATES_TO - DATES_FROM).days
    dates = [DATES_FROM + timedelta(days=rng.randrange(span + 1)) for _ in range(1000)]
    if config.quick:
        dates = dates[:200]
    histories = list(groups.values())

    def all_states() -> None:
        for day in dates:
            for events in histories:
                state_as_of(events, day)

    queries = len(dates) * len(histories)
    samples = repeat(all_states, 3)
    results.append(
        summarised(
            f"{prefix}.state_as_of",
            AREA,
            f"membership state_as_of for each of {len(histories)} (body, organisation) "
            f"pairs ({len(model.memberships)} events) on {len(dates)} random dates "
            f"{DATES_FROM.year}-{DATES_TO.year}",
            samples,
            items=queries,
            unit="queries/s",
            extra={
                "pairs": len(histories),
                "events": len(model.memberships),
                "dates": len(dates),
                "queries_per_sample": queries,
            },
        )
    )
    # The same questions through SystemModel.membership_on, which filters all the system's
    # events on every call: fewer dates so that this stays a few seconds.
    per_query = max(1, len(histories) * len(model.memberships))
    some = dates[: max(5, min(len(dates), 20_000_000 // per_query))]
    pairs = list(groups)

    def all_membership_on() -> None:
        for day in some:
            for body_code, org_code in pairs:
                model.membership_on(body_code, org_code, day)

    samples = repeat(all_membership_on, 3)
    results.append(
        summarised(
            f"{prefix}.membership_on",
            AREA,
            f"SystemModel.membership_on for the same {len(pairs)} pairs on "
            f"{len(some)} of those dates (scans all events per call)",
            samples,
            items=len(some) * len(pairs),
            unit="queries/s",
        )
    )
    for r in results:
        if r.best_s is not None:
            say(f"  {r.name}: best {r.best_s * 1000:.2f} ms")
    return results


def _postgres_load(config: Config, icb: str, system: str) -> Result:
    name = "structure.largest.load_model.postgresql"
    measures = f"load_model({system}) in a fresh unit of work on postgresql"
    reason = postgres_unreachable(config.postgres_url)
    if reason:
        say(f"  {name} skipped: {reason}")
        return skipped(name, AREA, measures, reason)
    schemas = PostgresSchemas(config.postgres_url)
    try:
        with temp_dir("pg-structure") as folder, schemas.schema() as url:
            ws, _ = ics_init(folder / "workspace", icb, url)
            _seed_history(ws, random.Random(config.seed))
            samples = repeat(lambda: _load(ws), 5 if config.quick else 20, warmup=1)
            ws.engine.dispose()
    finally:
        schemas.close()
    result = summarised(name, AREA, measures, samples, note="same seeded history as SQLite")
    say(f"  {name}: best {min(samples) * 1000:.2f} ms")
    return result


def run(config: Config) -> list[Result]:
    results: list[Result] = []
    icb, practices = largest_icb()
    say(f"  largest ICB by practices: {icb.name} ({icb.ods_code}, {practices} practices)")
    with temp_dir("structure") as folder:
        ws, summary = ics_init(folder / "largest", icb.ods_code)
        seeded = _seed_history(ws, random.Random(config.seed))
        model = _load(ws)
        label = (
            f"{icb.name} ({icb.ods_code}: {summary.practices} practices, "
            f"{summary.places} places, {seeded} seeded membership events)"
        )
        say(f"  {label}")
        largest = _queries("largest", icb.ods_code, model, config, "sqlite", ws)
        for r in largest:
            r.extra["system"] = label
        results += largest
        ws.engine.dispose()
        results.append(_postgres_load(config, icb.ods_code, icb.ods_code))

        demo_path = folder / "demo"
        holder: list[Workspace] = []
        elapsed = timed(lambda: holder.append(build_demo(demo_path)))
        demo = holder[0]
        results.append(
            summarised(
                "structure.demo.build",
                AREA,
                "build_demo(path): the N&N demo workspace from nothing (SQLite)",
                [elapsed],
            )
        )
        say(f"  structure.demo.build: {elapsed:.3f} s")
        model = _load(demo)
        results += _queries("demo", demo.system, model, config, "sqlite", demo)
        demo.engine.dispose()
    return results
