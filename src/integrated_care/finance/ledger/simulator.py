"""A seeded random-operation simulator for the ledger, in the spirit of TigerBeetle's VOPR.

``simulate(seed, ops)`` drives the REAL ledger services on a real workspace database
(SQLite, or PostgreSQL with ``database_url``) with a random mix of operations
(``simulator_ops`` draws the ``simulator_records``; ``simulator_run`` runs each one on the
ledger and on an independent executable model, ``simulator_model``), and after every step
checks the database against the model (``simulator_checks``). Units of work are committed
or rolled back at random; a rolled-back unit must leave no trace. Any disagreement raises
``SimulationFailure`` naming the seed, the step and the command that replays it:

    ics finance simulate --seed 7 --ops 100000 [--database postgresql+psycopg://...]

Unlike the rest of ``finance`` this module touches a database: it is a test harness for
the ledger's use cases, kept beside the model it checks them against.
"""

from __future__ import annotations

import random
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from integrated_care.access import Actor, Role
from integrated_care.errors import InvalidInput
from integrated_care.finance.ledger.simulator_checks import Checker, Discrepancy
from integrated_care.finance.ledger.simulator_model import LedgerModel
from integrated_care.finance.ledger.simulator_ops import Operations
from integrated_care.finance.ledger.simulator_records import Operation, chart
from integrated_care.finance.ledger.simulator_records import first_accounts as first
from integrated_care.finance.ledger.simulator_run import Runner
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
ACTOR = Actor("ledger-simulator", Role.FINANCE)
FULL_CHECK_EVERY = 1000
# Called after each step's model update and before its checks: tests use it to break the
# model or the database on purpose and show that the checker notices.
Hook = Callable[[int, LedgerModel, Session], None]


class SimulationFailure(AssertionError):
    def __init__(self, seed: int, step: int, label: str, message: str, replay: str) -> None:
        super().__init__(
            f"Ledger simulation failed: seed {seed}, step {step} ({label}): {message}\n"
            f"Replay: {replay}"
        )
        self.seed, self.step, self.label, self.replay = seed, step, label, replay
        self.reason = message


@dataclass
class SimulationReport:
    seed: int
    ops: int
    backend: str
    seconds: float = 0.0
    labels: Counter[str] = field(default_factory=Counter)  # operations tried, by kind
    outcomes: Counter[str] = field(default_factory=Counter)  # accepted / replayed / refused
    journals: int = 0
    legs: int = 0
    commitments: int = 0
    accounts: int = 0
    closed_periods: int = 0
    total_debits: int = 0
    total_credits: int = 0
    full_checks: int = 0

    @property
    def ops_per_s(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "ops": self.ops,
            "backend": self.backend,
            "seconds": round(self.seconds, 2),
            "ops_per_s": round(self.ops_per_s, 1),
            "outcomes": dict(sorted(self.outcomes.items())),
            "operations": dict(sorted(self.labels.items())),
            "journals": self.journals,
            "legs": self.legs,
            "commitments": self.commitments,
            "accounts": self.accounts,
            "closed_periods": self.closed_periods,
            "total_debits_pence": self.total_debits,
            "total_credits_pence": self.total_credits,
            "full_checks": self.full_checks,
        }


def replay_command(seed: int, ops: int, database_url: str | None, full_every: int) -> str:
    command = f"ics finance simulate --seed {seed} --ops {ops}"
    if full_every != FULL_CHECK_EVERY:
        command += f" --full-check-every {full_every}"
    if database_url:
        command += f" --database '{database_url}'"
    return command


def simulate(
    seed: int,
    ops: int,
    *,
    database_url: str | None = None,
    full_check_every: int = FULL_CHECK_EVERY,
    hook: Hook | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """Run ``ops`` random operations from ``seed``; raise ``SimulationFailure`` on the first
    disagreement. ``database_url``: None for a fresh SQLite file; a PostgreSQL server URL
    gets a fresh schema (dropped afterwards) unless it already sets a search_path."""
    if ops < 1 or full_check_every < 1:
        raise InvalidInput(
            "The simulator needs at least one operation and a full check interval >= 1.",
            input_name="--ops",
            expected="a positive number of operations",
        )
    with _workspace(database_url) as ws:
        backend = ws.engine.dialect.name
        report = SimulationReport(seed, ops, backend)
        model = LedgerModel()
        source = Operations(random.Random(seed), model)  # noqa: S311 - simulation, not crypto
        checker = Checker(model, SYSTEM)
        runner = Runner(model, checker, SYSTEM, ACTOR, report.labels, report.outcomes)
        replay = replay_command(seed, ops, database_url, full_check_every)
        started = time.perf_counter()
        with ws.uow() as uow:
            _start(uow, model, checker)
        _loop(ws, source, runner, checker, report, full_check_every, hook, progress, replay)
        report.seconds = time.perf_counter() - started
        report.journals = len(model.journals)
        report.legs = model.leg_count
        report.commitments = len(model.commitments)
        report.accounts = len(model.accounts)
        report.closed_periods = len(model.closed)
        report.total_debits, report.total_credits = model.total_debits(), model.total_credits()
        report.full_checks = checker.full_checks
        ws.engine.dispose()
    return report


def _start(uow: UnitOfWork, model: LedgerModel, checker: Checker) -> None:
    # The model starts empty, so the database must too: never run in a used database.
    if uow.structure.systems():
        raise InvalidInput(
            "The simulator needs an empty database; this one already holds a system.",
            input_name="--database",
            expected="a PostgreSQL server URL (a fresh schema is made) or a new SQLite file",
        )
    uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire", "sim")
    opening = first(chart())
    ledger.ensure_accounts(uow, SYSTEM, opening, actor=ACTOR)
    for account in opening:
        model.open(account)
    checker.full(uow)
    uow.commit()


def _loop(
    ws: Workspace,
    source: Operations,
    runner: Runner,
    checker: Checker,
    report: SimulationReport,
    full_every: int,
    hook: Hook | None,
    progress: Callable[[int], None] | None,
    replay: str,
) -> None:
    """Units of work one after another until ``report.ops`` steps have run."""
    step = since_full = 0
    while step < report.ops:
        with ws.uow() as uow:
            ran = _unit(uow, source, runner, checker, report, step, hook, replay)
        step += ran
        since_full += ran
        try:
            with ws.uow() as after:
                checker.boundary(after)
                if since_full >= full_every or step >= report.ops:
                    checker.full(after)
                    since_full = 0
        except Discrepancy as problem:
            failing = step - 1
            raise SimulationFailure(
                report.seed, failing, "unit boundary", str(problem), _at(replay, failing)
            ) from None
        if progress is not None:
            progress(step)


def _unit(
    uow: UnitOfWork,
    source: Operations,
    runner: Runner,
    checker: Checker,
    report: SimulationReport,
    first_step: int,
    hook: Hook | None,
    replay: str,
) -> int:
    """One unit of work: operations until an end-of-unit operation (or the last step),
    then commit, or roll back and restore the model. Returns the number of steps run."""
    model = runner.model
    saved, tally = model.snapshot(), checker.tally.copy()
    used: list[tuple[str, str]] = []  # (namespace, key) written in this unit
    step, commit = first_step, True  # the run's last unit is committed
    while step < report.ops:
        operation: Operation = source.next()
        try:
            end = runner.run(uow, operation, used)
            if hook is not None:
                hook(step, model, uow.session)
            runner.check(uow)
        except Discrepancy as problem:
            raise SimulationFailure(
                report.seed, step, operation.label, str(problem), _at(replay, step)
            ) from None
        step += 1
        if end is not None:
            commit = end
            break
    if commit:
        uow.commit()
    else:  # leaving the block without commit rolls the unit back
        model.restore(saved)
        checker.tally = tally
        for namespace, key in used:
            source.discarded[namespace].append(key)
    return step - first_step


def _at(replay: str, step: int) -> str:
    """The replay command, shortened to stop just after the failing step."""
    head, _, tail = replay.partition(" --ops ")
    rest = tail.split(" ", 1)
    return f"{head} --ops {step + 1}" + (f" {rest[1]}" if len(rest) > 1 else "")


@contextmanager
def _workspace(database_url: str | None) -> Iterator[Workspace]:
    with tempfile.TemporaryDirectory(prefix="ics-ledger-sim-") as folder:
        if database_url is None or not database_url.startswith("postgresql"):
            yield _migrated(Path(folder), database_url)
            return
        if "search_path" in database_url:
            yield _migrated(Path(folder), database_url)
            return
        schema = f"ledger_sim_{uuid.uuid4().hex[:12]}"
        admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            joiner = "&" if "?" in database_url else "?"
            yield _migrated(Path(folder), f"{database_url}{joiner}options=-csearch_path%3D{schema}")
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()


def _migrated(folder: Path, url: str | None) -> Workspace:
    ws = Workspace.at(folder / "workspace", url)
    ws.path.mkdir(parents=True, exist_ok=True)
    ws.migrate()
    return ws
