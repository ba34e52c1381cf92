"""PostgreSQL: a concurrent duplicate of an idempotency key becomes a replay (same body) or a
clear Conflict (another body), never a database error, and never a second journal.

Writer A posts and holds its transaction open; writer B posts the same key in a thread and
blocks on A's unique-key entry; the test waits until PostgreSQL reports B waiting for a
lock, then commits A. B's insert then fails on the unique key inside its savepoint, which
the service rolls back and retries: B finds A's journal.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from tests.unit.services.finance.ledger_support import (
    CITY,
    CITY_MH,
    FUNDING,
    POT,
    SYSTEM,
    counts,
    fund_city,
    journal,
    open_ledger,
)

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.finance.ledger.model import JournalRequest, Posted
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

WAIT_LIMIT_S = 30


@pytest.fixture
def pg(workspace: Workspace) -> Workspace:
    if workspace.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its writers cannot interleave")
    open_ledger(workspace)
    fund_city(workspace, 1_000_00)
    return workspace


def waiting(ws: Workspace, name: str) -> bool:
    """Whether the session named ``name`` is waiting for a lock (other tests may be running
    on the same server, so the session is picked out by its application name)."""
    with ws.engine.connect() as c:
        return bool(
            c.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND application_name = :name"
                ),
                {"name": name},
            ).scalar_one()
        )


def race(ws: Workspace, first: JournalRequest, second: JournalRequest) -> Any:
    """A posts ``first`` and holds; B posts ``second`` meanwhile; A commits. B's outcome."""
    outcome: dict[str, Any] = {}
    name = f"ledger-race-{uuid.uuid4().hex[:12]}"

    def writer_b() -> None:
        try:
            with ws.uow() as uow:
                uow.session.execute(
                    text("SELECT set_config('application_name', :n, false)"), {"n": name}
                )
                outcome["posted"] = ledger.post(uow, SYSTEM, second, actor=LOCAL_OPERATOR)
                uow.commit()
        except Exception as exc:  # the test reports whatever B met
            outcome["error"] = exc

    with ws.uow() as uow:
        outcome["a"] = ledger.post(uow, SYSTEM, first, actor=LOCAL_OPERATOR)
        thread = threading.Thread(target=writer_b)
        thread.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not waiting(ws, name) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting(ws, name), "B never waited on A's lock"
        uow.commit()
    thread.join(WAIT_LIMIT_S)
    return outcome


def test_a_concurrent_duplicate_becomes_a_replay(pg: Workspace) -> None:
    request = journal("same-key", (POT, 100_00), (FUNDING, -100_00))
    before = counts(pg.engine)["ledger_journals"]
    outcome = race(pg, request, request)
    assert "error" not in outcome, outcome.get("error")
    b: Posted = outcome["posted"]
    assert b.replayed
    assert b.journal.id == outcome["a"].journal.id
    assert counts(pg.engine)["ledger_journals"] == before + 1


def test_a_concurrent_duplicate_with_another_body_is_a_conflict(pg: Workspace) -> None:
    outcome = race(
        pg,
        journal("same-key", (POT, 100_00), (FUNDING, -100_00)),
        journal("same-key", (POT, 999_00), (FUNDING, -999_00)),
    )
    assert isinstance(outcome.get("error"), Conflict), outcome
    assert "'same-key'" in outcome["error"].message


def test_two_writers_cannot_both_spend_a_guarded_budget(pg: Workspace) -> None:
    # A spends £600 of the city's £1,000 and holds; B tries £600 more: it waits for A's lock
    # on the budget, then sees only £400 left and is refused.
    outcome = race(
        pg,
        journal("spend-a", (CITY_MH, 600_00), (CITY, -600_00)),
        journal("spend-b", (CITY_MH, 600_00), (CITY, -600_00)),
    )
    assert "has £400.00 available" in str(outcome.get("error")), outcome
    with pg.uow() as uow:
        assert ledger.balance(uow, SYSTEM, CITY).posted == 400_00


def test_a_posting_cannot_slip_into_a_period_being_closed(pg: Workspace) -> None:
    # A closes April and holds; B posts a journal dated in April meanwhile. B waits for the
    # close, then finds April closed and is refused: nothing lands in a closed period.
    outcome: dict[str, Any] = {}
    name = f"ledger-race-{uuid.uuid4().hex[:12]}"

    def writer_b() -> None:
        try:
            with pg.uow() as uow:
                uow.session.execute(
                    text("SELECT set_config('application_name', :n, false)"), {"n": name}
                )
                ledger.post(
                    uow, SYSTEM, journal("late", (POT, 1), (FUNDING, -1)), actor=LOCAL_OPERATOR
                )
                uow.commit()
        except Exception as exc:  # the test reports whatever B met
            outcome["error"] = exc

    before = counts(pg.engine)["ledger_journals"]
    with pg.uow() as uow:
        ledger.close_period(uow, SYSTEM, "2025-04", actor=LOCAL_OPERATOR)
        thread = threading.Thread(target=writer_b)
        thread.start()
        deadline = time.monotonic() + WAIT_LIMIT_S
        while not waiting(pg, name) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert waiting(pg, name), "B never waited for the close"
        uow.commit()
    thread.join(WAIT_LIMIT_S)
    assert "period 2025-04 is closed" in str(outcome.get("error")), outcome
    assert counts(pg.engine)["ledger_journals"] == before
