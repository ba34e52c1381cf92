"""A process killed with SIGKILL in the middle of posting leaves no partial journal.

A child process posts to the ledger and says on stdout where it is; the test kills it
(SIGKILL: no cleanup, no rollback from the client) at the worst moment, then checks the
database on its own:

* ``batch``: one ``post_many`` of 50,000 journals in one unit of work, killed while its legs
  are being inserted: the batch must be wholly absent;
* ``units``: units of 1,000 journals committed one after another, killed at a random moment
  after the third commit: only whole committed units may be present, at least three.

Either way every journal has >= 2 legs summing to zero, no leg is orphaned, no header is
empty, Σ debits = Σ credits, and the ledger still accepts postings (including a key from
the killed batch, now free).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import pytest
from sqlalchemy import text

from integrated_care.access import Actor, Role
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

pytestmark = pytest.mark.slow

SYSTEM = "QT1"
ACTOR = Actor("sigkill-test", Role.FINANCE)
ACCOUNTS = (
    Account("icb:core-2025-26:nhse-funding", "Funding", AccountType.EQUITY, "core-2025-26"),
    Account("icb:core-2025-26:other-income", "Income", AccountType.INCOME, "core-2025-26"),
    Account("place:p:core-2025-26:spend:acute", "Acute", AccountType.EXPENDITURE, "core-2025-26"),
    Account("place:p:core-2025-26:spend:mh", "MH", AccountType.EXPENDITURE, "core-2025-26"),
)
BATCH = 50_000
UNIT = 1_000

# The child: builds its requests, then posts them, printing 'writing' when the first legs
# INSERT reaches the database, and 'committed N' after each commit.
CHILD = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from sqlalchemy import event
    from integrated_care.access import Actor, Role
    from integrated_care.finance.ledger.model import JournalRequest, Leg
    from integrated_care.services.finance import ledger
    from integrated_care.workspace import Workspace

    url, folder, mode, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    ws = Workspace.at(Path(folder), url)
    said = []

    @event.listens_for(ws.engine, "before_cursor_execute")
    def announce(conn, cursor, statement, parameters, context, executemany):
        if not said and "INSERT INTO ledger_legs" in statement:
            said.append(True)
            print("writing", flush=True)

    def request(n):
        legs = (
            Leg("place:p:core-2025-26:spend:acute", 100 + n % 97),
            Leg("place:p:core-2025-26:spend:mh", 1 + n % 13),
            Leg("icb:core-2025-26:other-income", -(101 + n % 97 + n % 13)),
        )
        return JournalRequest(f"{mode}-{n}", date(2025, 5, 1), "killed batch", legs)

    actor = Actor("child", Role.FINANCE)
    unit = 0
    while True:
        requests = [request(unit * size + n) for n in range(size)]
        print("ready", flush=True)
        with ws.uow() as uow:
            ledger.post_many(uow, "QT1", requests, actor=actor)
            uow.commit()
        unit += 1
        print(f"committed {unit}", flush=True)
        if mode == "batch":
            break
    """
)


def _setup(ws: Workspace) -> None:
    with ws.uow() as uow:
        uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire", "t")
        ledger.ensure_accounts(uow, SYSTEM, ACCOUNTS, actor=ACTOR)
        uow.commit()
    ws.engine.dispose()


def _kill_child(ws: Workspace, mode: str) -> list[str]:
    """Start the child, kill it at the chosen moment; return the lines it printed."""
    size = BATCH if mode == "batch" else UNIT
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, ws.database_url, str(ws.path), mode, str(size)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    lines: list[str] = []
    try:
        for line in child.stdout:
            lines.append(line.strip())
            if mode == "batch" and line.strip() == "writing":
                time.sleep(0.05)  # well inside the INSERTs of 150,000 legs
                break
            if mode == "units" and line.strip() == "committed 3":
                time.sleep(random.uniform(0, 0.5))  # anywhere in the next unit(s)
                break
        else:
            pytest.fail(f"the child ended early: {child.stderr.read() if child.stderr else ''}")
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    lines += [line.strip() for line in child.stdout]
    return lines


def _check_whole(ws: Workspace) -> dict[str, int]:
    """No partial journal anywhere; returns the number of journals per key prefix."""
    with ws.uow() as uow:
        session = uow.session
        partial = session.execute(
            text(
                "SELECT journal_id FROM ledger_legs GROUP BY journal_id "
                "HAVING count(*) < 2 OR sum(amount) <> 0"
            )
        ).all()
        orphans = session.execute(
            text(
                "SELECT count(*) FROM ledger_legs l "
                "LEFT JOIN ledger_journals j ON j.id = l.journal_id WHERE j.id IS NULL"
            )
        ).scalar_one()
        empty = session.execute(
            text(
                "SELECT count(*) FROM ledger_journals j WHERE NOT EXISTS "
                "(SELECT 1 FROM ledger_legs l WHERE l.journal_id = j.id)"
            )
        ).scalar_one()
        total = session.execute(text("SELECT coalesce(sum(amount), 0) FROM ledger_legs")).scalar()
        legs = session.execute(text("SELECT count(*) FROM ledger_legs")).scalar_one()
        keys = [row[0] for row in session.execute(text("SELECT key FROM ledger_journals"))]
    assert partial == []
    assert (orphans, empty, int(total or 0)) == (0, 0, 0)
    assert legs == 3 * len(keys)  # every journal has exactly its three legs
    prefixes: dict[str, int] = {}
    for key in keys:
        prefix = key.rsplit("-", 1)[0]
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
    return prefixes


def _still_posts(ws: Workspace, key: str) -> None:
    """The ledger accepts a new posting after the kill, and the killed batch's key."""
    legs = (
        Leg("place:p:core-2025-26:spend:acute", 5_000),
        Leg("icb:core-2025-26:nhse-funding", -5_000),
    )
    with ws.uow() as uow:
        after = JournalRequest("after-the-kill", date(2025, 5, 2), "after", legs)
        first = ledger.post(uow, SYSTEM, after, actor=ACTOR)
        again = JournalRequest(key, date(2025, 5, 2), "a key the killed batch never kept", legs)
        second = ledger.post(uow, SYSTEM, again, actor=ACTOR)
        uow.commit()
    assert not first.replayed
    assert not second.replayed
    with ws.uow() as uow:
        assert ledger.journal(uow, SYSTEM, first.journal.id).key == "after-the-kill"
        debits, credits_ = ledger.leg_totals(uow, SYSTEM)
        assert debits == credits_


def test_killed_inside_one_batch_leaves_none_of_it(workspace: Workspace) -> None:
    _setup(workspace)

    lines = _kill_child(workspace, "batch")

    assert "writing" in lines  # killed while its legs were being written, before commit
    assert not any(x.startswith("committed") for x in lines)
    assert _check_whole(workspace) == {}
    _still_posts(workspace, "batch-0")


def test_killed_between_committed_units_keeps_only_whole_units(workspace: Workspace) -> None:
    _setup(workspace)

    lines = _kill_child(workspace, "units")

    committed = max(int(x.split()[1]) for x in lines if x.startswith("committed"))
    found = _check_whole(workspace)
    journals = found.get("units", 0)
    assert journals % UNIT == 0  # whole units only
    # At least what the child saw committed; at most one more (its commit may have
    # landed just before the kill, before it could say so).
    assert committed * UNIT <= journals <= (committed + 1) * UNIT
    with workspace.uow() as uow:
        keys = {
            row[0] for row in uow.session.execute(text("SELECT key FROM ledger_journals")).all()
        }
    assert keys == {f"units-{n}" for n in range(journals)}
    _still_posts(workspace, f"units-{journals}")
