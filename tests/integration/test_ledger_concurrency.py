"""Eight worker processes post to one ledger at the same moment: nothing is lost, nothing is
posted twice, and guarded budgets are never overcommitted.

Each worker, released together by a barrier, works through the same kinds of task in its
own shuffled order, one unit of work per task:

* 12 batches of 10 journals under its own keys (``post_many``);
* 40 SHARED keys, each with one body every worker submits (all eight race to write it);
* 15 CLASH keys, each with a body that differs per worker (exactly one may win);
* 25 reservations of £100 against a budget funded for exactly 50 of them;
* 25 journals spending £70 from a budget funded for exactly 40 of them.

Afterwards the database must hold exactly the journals the workers were told were
accepted (each once, with its legs), every shared key written once and replayed to the
other seven with the same journal id, one winner per clash key, exactly 50 reservations and
40 spends, Σ debits = Σ credits, and each account's balance equal to the sum of its legs
and to what the accepted requests add up to. PostgreSQL runs the workers truly in
parallel; SQLite runs them too (its writers queue on the write lock, busy_timeout 5 s).
"""

from __future__ import annotations

import multiprocessing
import random
import traceback
from collections import Counter
from datetime import date
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from integrated_care.access import Actor, Role
from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account, CommitmentRequest, JournalRequest, Leg
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

pytestmark = pytest.mark.slow

SYSTEM = "QT1"
ACTOR = Actor("worker", Role.FINANCE)
WORKERS = 8
DAY = date(2025, 6, 15)
FUNDING = "icb:core-2025-26:nhse-funding"
INCOME = "icb:core-2025-26:other-income"
SPENDS = tuple(f"place:place-1:core-2025-26:spend:{line}" for line in ("acute", "community"))
RESERVED_BUDGET = "place:place-1:core-2025-26:budget"  # guarded: reservations race for it
SPENT_BUDGET = "place:place-2:core-2025-26:budget"  # guarded: journals race for it
RESERVATION, RESERVABLE = 10_000, 50  # £100 each, room for exactly 50
SPEND, SPENDABLE = 7_000, 40  # £70 each, room for exactly 40
BATCHES, BATCH_SIZE, SHARED, CLASHES, ATTEMPTS = 12, 10, 40, 15, 25


def accounts() -> list[Account]:
    fund = "core-2025-26"
    return [
        Account(FUNDING, "NHSE funding", AccountType.EQUITY, fund),
        Account(INCOME, "Other income", AccountType.INCOME, fund),
        *(Account(code, "Spend", AccountType.EXPENDITURE, fund) for code in SPENDS),
        Account(RESERVED_BUDGET, "Budget", AccountType.ASSET, fund, None, True),
        Account(SPENT_BUDGET, "Budget", AccountType.ASSET, fund, None, True),
    ]


def journal(key: str, legs: list[tuple[str, int]]) -> JournalRequest:
    return JournalRequest(key, DAY, f"concurrent {key}", tuple(Leg(a, n) for a, n in legs))


def own_batch(worker: int, batch: int) -> list[JournalRequest]:
    out = []
    for n in range(BATCH_SIZE):
        amount = 1 + worker * 1000 + batch * 10 + n
        out.append(journal(f"w{worker}-b{batch}-{n}", [(SPENDS[n % 2], amount), (INCOME, -amount)]))
    return out


def shared(k: int) -> JournalRequest:
    return journal(f"shared-{k}", [(SPENDS[0], 500 + k), (SPENDS[1], 20), (INCOME, -520 - k)])


def clash(k: int, worker: int) -> JournalRequest:
    return journal(f"clash-{k}", [(SPENDS[1], 100 + worker), (INCOME, -100 - worker)])


def spend(worker: int, n: int) -> JournalRequest:
    return journal(f"spend-{worker}-{n}", [(SPENDS[0], SPEND), (SPENT_BUDGET, -SPEND)])


def reservation(worker: int, n: int) -> CommitmentRequest:
    return CommitmentRequest(
        f"reserve-{worker}-{n}", SPENDS[1], RESERVED_BUDGET, RESERVATION, DAY, "order"
    )


def _tasks(worker: int) -> list[tuple[str, int]]:
    tasks = [("batch", b) for b in range(BATCHES)]
    tasks += [("shared", k) for k in range(SHARED)] + [("clash", k) for k in range(CLASHES)]
    tasks += [("reserve", n) for n in range(ATTEMPTS)] + [("spend", n) for n in range(ATTEMPTS)]
    random.Random(worker).shuffle(tasks)
    return tasks


def _work(ws: Workspace, worker: int) -> dict[str, Any]:
    """Run this worker's tasks; report what the ledger said about each."""
    posted: dict[str, tuple[int, bool]] = {}  # key -> (journal id, replayed)
    conflicts: list[str] = []
    refused: Counter[str] = Counter()
    reserved: list[int] = []
    for kind, n in _tasks(worker):
        with ws.uow() as uow:
            try:
                if kind == "batch":
                    results = ledger.post_many(uow, SYSTEM, own_batch(worker, n), actor=ACTOR)
                elif kind == "reserve":
                    made = ledger.reserve(uow, SYSTEM, reservation(worker, n), actor=ACTOR)
                    reserved.append(made.id)
                    results = []
                else:
                    request = (
                        shared(n)
                        if kind == "shared"
                        else clash(n, worker)
                        if kind == "clash"
                        else spend(worker, n)
                    )
                    results = [ledger.post(uow, SYSTEM, request, actor=ACTOR)]
                uow.commit()
            except Conflict:
                conflicts.append(f"{kind}-{n}")
                continue
            except InvalidInput:
                refused[kind] += 1
                continue
        for result in results:
            posted[result.journal.key] = (result.journal.id, result.replayed)
    return {"posted": posted, "conflicts": conflicts, "refused": refused, "reserved": reserved}


def _worker(url: str, folder: str, worker: int, barrier: Barrier, results: Any) -> None:
    try:
        ws = Workspace.at(Path(folder), url)
        barrier.wait(timeout=300)
        results.put((worker, _work(ws, worker)))
        ws.engine.dispose()
    except BaseException:
        results.put((worker, traceback.format_exc()))


def _setup(ws: Workspace) -> None:
    with ws.uow() as uow:
        uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire", "t")
        ledger.ensure_accounts(uow, SYSTEM, accounts(), actor=ACTOR)
        reserved, spendable = RESERVABLE * RESERVATION, SPENDABLE * SPEND
        funding = [
            journal("fund-1", [(RESERVED_BUDGET, reserved), (FUNDING, -reserved)]),
            journal("fund-2", [(SPENT_BUDGET, spendable), (FUNDING, -spendable)]),
        ]
        ledger.post_many(uow, SYSTEM, funding, actor=ACTOR)
        uow.commit()
    ws.engine.dispose()  # no pooled connection may be shared with the forked workers


def _run_workers(ws: Workspace) -> dict[int, dict[str, Any]]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WORKERS)
    queue = context.Queue()
    processes = [
        context.Process(target=_worker, args=(ws.database_url, str(ws.path), n, barrier, queue))
        for n in range(WORKERS)
    ]
    for process in processes:
        process.start()
    reports = dict(queue.get(timeout=600) for _ in processes)
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    failures = {n: r for n, r in reports.items() if isinstance(r, str)}
    assert not failures, "\n".join(failures.values())
    return reports


def test_eight_workers_lose_nothing_and_post_nothing_twice(workspace: Workspace) -> None:
    _setup(workspace)

    reports = _run_workers(workspace)

    # What the workers were told, per key.
    told: dict[str, list[tuple[int, bool]]] = {}
    for report in reports.values():
        for key, outcome in report["posted"].items():
            told.setdefault(key, []).append(outcome)
    expected: dict[str, JournalRequest] = {
        r.key: r for w in range(WORKERS) for b in range(BATCHES) for r in own_batch(w, b)
    }
    expected |= {shared(k).key: shared(k) for k in range(SHARED)}
    for k in range(SHARED):
        outcomes = told[f"shared-{k}"]
        assert len(outcomes) == WORKERS  # every worker got an answer, none a conflict
        assert len({journal_id for journal_id, _ in outcomes}) == 1
        assert sum(not replayed for _, replayed in outcomes) == 1
    for k in range(CLASHES):
        winners = [
            (w, told_w)
            for w, r in reports.items()
            if (told_w := r["posted"].get(f"clash-{k}")) is not None
        ]
        assert len(winners) == 1, f"clash-{k} won by {winners}"
        assert sum(f"clash-{k}" in r["conflicts"] for r in reports.values()) == WORKERS - 1
        expected[f"clash-{k}"] = clash(k, winners[0][0])
    spends = [key for key in told if key.startswith("spend-")]
    assert len(spends) == SPENDABLE
    expected |= {key: spend(*map(int, key.split("-")[1:])) for key in spends}
    reserved = [i for r in reports.values() for i in r["reserved"]]
    assert len(reserved) == len(set(reserved)) == RESERVABLE
    assert sum(r["refused"]["reserve"] for r in reports.values()) == WORKERS * ATTEMPTS - RESERVABLE
    assert sum(r["refused"]["spend"] for r in reports.values()) == WORKERS * ATTEMPTS - SPENDABLE

    with workspace.uow() as uow:
        session = uow.session
        stored: dict[str, int] = dict(
            session.execute(
                text(
                    "SELECT j.key, count(l.id) FROM ledger_journals j "
                    "JOIN ledger_legs l ON l.journal_id = j.id GROUP BY j.key"
                )
            ).all()
        )
        # Exactly the accepted journals (and the two funding journals), each once.
        assert set(stored) == set(expected) | {"fund-1", "fund-2"}
        assert all(stored[key] == len(expected[key].legs) for key in expected)
        ids: dict[str, int] = dict(
            session.execute(text("SELECT key, id FROM ledger_journals")).all()
        )
        for key, outcomes in told.items():
            assert {journal_id for journal_id, _ in outcomes} == {ids[key]}, key
        # Each account: the sum of its legs = what the accepted requests add up to = the
        # ledger's balance; guarded budgets are exactly used up, never below zero.
        sums: dict[str, int] = dict(
            session.execute(
                text(
                    "SELECT a.code, sum(l.amount) FROM ledger_legs l "
                    "JOIN ledger_accounts a ON a.id = l.account_id GROUP BY a.code"
                )
            ).all()
        )
        wanted: Counter[str] = Counter()
        for request in expected.values():
            for leg in request.legs:
                wanted[leg.account] += leg.amount
        wanted[RESERVED_BUDGET] += RESERVABLE * RESERVATION
        wanted[SPENT_BUDGET] += SPENDABLE * SPEND
        wanted[FUNDING] -= RESERVABLE * RESERVATION + SPENDABLE * SPEND
        assert {k: int(v) for k, v in sums.items() if v} == {k: v for k, v in wanted.items() if v}
        assert sum(int(v) for v in sums.values()) == 0
        for balance in ledger.balances(uow, SYSTEM):
            net = balance.debits - balance.credits
            assert net == int(sums.get(balance.account, 0)), balance
        budget = ledger.balance(uow, SYSTEM, RESERVED_BUDGET)
        assert (budget.posted, budget.pending, budget.available) == (
            RESERVABLE * RESERVATION,
            RESERVABLE * RESERVATION,
            0,
        )
        spent = ledger.balance(uow, SYSTEM, SPENT_BUDGET)
        assert (spent.posted, spent.pending) == (0, 0)
        trial = ledger.trial_balance(uow, SYSTEM)
        assert trial.debits == trial.credits
