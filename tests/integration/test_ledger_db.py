"""The database itself refuses what the ledger forbids, on SQLite and PostgreSQL.

Raw SQL, not the services, on purpose: an unbalanced or one-leg journal, a zero leg, legs
without a header, legs added to a sealed journal, and any UPDATE, DELETE or TRUNCATE of the
history must fail whatever client writes them. On SQLite the header's BEFORE INSERT trigger
refuses at once; on PostgreSQL the deferred constraint trigger refuses at COMMIT. Either
way the transaction fails and nothing is left behind.
"""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text
from tests.unit.services.finance.ledger_support import (
    CITY,
    CITY_MH,
    POT,
    counts,
    fund_city,
    open_ledger,
)

from integrated_care.workspace import Workspace

HEADER = (
    "INSERT INTO ledger_journals (id, system_code, key, body_hash, posted_on, period, "
    "description, reference, created_at, created_by) VALUES (:id, 'QT1', :key, 'raw', "
    ":on, :period, 'raw sql', '', CURRENT_TIMESTAMP, 'raw')"
)
LEG = (
    "INSERT INTO ledger_legs (journal_id, account_id, amount, memo) "
    "VALUES (:journal, (SELECT id FROM ledger_accounts WHERE code = :account), :amount, '')"
)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    open_ledger(workspace)
    fund_city(workspace, 1_000_00)  # journals 1 and 2: the pot, then the city's budget
    return workspace


def write(
    ws: Workspace,
    journal_id: int,
    legs: list[tuple[str, int]],
    *,
    on: str = "2025-04-02",
    period: str | None = None,
    header: str | None = HEADER,
    header_first: bool = False,
) -> None:
    """One transaction: legs first, then the header that seals them (the order the schema
    requires), unless ``header_first``; no header at all if ``header`` is None."""
    values = {"id": journal_id, "key": f"raw-{journal_id}", "on": on, "period": period or on[:7]}
    with ws.engine.begin() as c:
        if header and header_first:
            c.execute(text(header), values)
        for account, amount in legs:
            c.execute(text(LEG), {"journal": journal_id, "account": account, "amount": amount})
        if header and not header_first:
            c.execute(text(header), values)


REFUSED = {
    "unbalanced": ([(CITY_MH, 100), (CITY, -99)], "does not balance"),
    "one leg": ([(CITY_MH, 100)], "at least two legs"),
    "no legs": ([], "at least two legs"),
    "three legs, off by a penny": ([(CITY_MH, 100), (CITY, -50), (POT, -49)], "does not balance"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_database_refuses_a_journal_that_does_not_balance(ws: Workspace, case: str) -> None:
    legs, message = REFUSED[case]
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError, match=message):
        write(ws, 100, legs)
    assert counts(ws.engine) == before


def test_the_database_accepts_a_balanced_journal_written_in_raw_sql(ws: Workspace) -> None:
    before = counts(ws.engine)
    write(ws, 100, [(CITY_MH, 250), (CITY, -200), (CITY, -50)])
    after = counts(ws.engine)
    assert after["ledger_journals"] == before["ledger_journals"] + 1
    assert after["ledger_legs"] == before["ledger_legs"] + 3


def test_a_zero_leg_is_refused(ws: Workspace) -> None:
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError):
        write(ws, 100, [(CITY_MH, 100), (CITY, -100), (POT, 0)])
    assert counts(ws.engine) == before


def test_legs_never_sealed_by_a_header_fail_at_commit(ws: Workspace) -> None:
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError, match=r"(?i)foreign key"):
        write(ws, 100, [(CITY_MH, 100), (CITY, -100)], header=False)
    assert counts(ws.engine) == before


def test_legs_cannot_be_added_to_a_sealed_journal(ws: Workspace) -> None:
    # Even a pair that balances by itself: the journal was complete when it was sealed.
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError, match="sealed"):
        write(ws, 2, [(CITY_MH, 100), (CITY, -100)], header=False)
    assert counts(ws.engine) == before


def test_a_header_written_before_its_legs_seals_an_empty_journal(ws: Workspace) -> None:
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError):
        write(ws, 100, [(CITY_MH, 100), (CITY, -100)], header_first=True)
    assert counts(ws.engine) == before


def test_a_journal_in_a_closed_period_is_refused(ws: Workspace) -> None:
    with ws.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO ledger_periods (system_code, period, closed_at, closed_by) "
                "VALUES ('QT1', '2025-04', CURRENT_TIMESTAMP, 'raw')"
            )
        )
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError, match="closed"):
        write(ws, 100, [(CITY_MH, 100), (CITY, -100)], on="2025-04-30")
    assert counts(ws.engine) == before
    write(ws, 100, [(CITY_MH, 100), (CITY, -100)], on="2025-05-01")


def test_a_period_that_is_not_the_month_of_the_date_is_refused(ws: Workspace) -> None:
    before = counts(ws.engine)
    with pytest.raises(exc.DBAPIError, match="period"):
        write(ws, 100, [(CITY_MH, 100), (CITY, -100)], on="2025-04-30", period="2025-05")
    assert counts(ws.engine) == before


HISTORY = [
    "UPDATE ledger_legs SET amount = amount * 2",
    "UPDATE ledger_legs SET account_id = account_id WHERE journal_id = 1",
    "UPDATE ledger_journals SET posted_on = posted_on",
    "UPDATE ledger_journals SET description = 'rewritten' WHERE id = 2",
    "DELETE FROM ledger_legs",
    "DELETE FROM ledger_legs WHERE journal_id = 2",
    "DELETE FROM ledger_journals WHERE id = 2",
]


@pytest.mark.parametrize("sql", HISTORY)
def test_journals_and_legs_cannot_be_rewritten(ws: Workspace, sql: str) -> None:
    before = snapshot(ws)
    with pytest.raises(exc.DBAPIError, match="append-only"), ws.engine.begin() as c:
        c.execute(text(sql))
    assert snapshot(ws) == before


@pytest.mark.parametrize("table", ["ledger_journals", "ledger_legs", "ledger_periods"])
def test_postgresql_refuses_to_truncate_the_ledger(ws: Workspace, table: str) -> None:
    if ws.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement")
    before = snapshot(ws)
    with pytest.raises(exc.DBAPIError, match="append-only"), ws.engine.begin() as c:
        c.execute(text(f"TRUNCATE {table} CASCADE"))
    assert snapshot(ws) == before


def test_a_journal_can_be_reversed_only_once(ws: Workspace) -> None:
    reversal = HEADER.replace("created_by)", "created_by, reverses)").replace("'raw')", "'raw', 2)")
    write(ws, 100, [(POT, 1_000_00), (CITY, -1_000_00)], header=reversal)  # the first: accepted
    before = counts(ws.engine)
    with pytest.raises(exc.IntegrityError):
        write(ws, 101, [(POT, 1_000_00), (CITY, -1_000_00)], header=reversal)
    assert counts(ws.engine) == before


def test_a_commitment_is_resolved_only_once(ws: Workspace) -> None:
    with ws.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO ledger_commitments (id, system_code, key, body_hash, "
                "debit_account_id, credit_account_id, amount, reserved_on, description, "
                "created_at, created_by) VALUES (1, 'QT1', 'c', 'raw', "
                "(SELECT id FROM ledger_accounts WHERE code = :debit), "
                "(SELECT id FROM ledger_accounts WHERE code = :credit), 100, '2025-04-02', "
                "'raw', CURRENT_TIMESTAMP, 'raw')"
            ),
            {"debit": CITY_MH, "credit": CITY},
        )
    resolve = text(
        "INSERT INTO ledger_commitment_resolutions (commitment_id, state, posted_amount, "
        "resolved_at, resolved_by) VALUES (1, :state, 0, CURRENT_TIMESTAMP, 'raw')"
    )
    with ws.engine.begin() as c:
        c.execute(resolve, {"state": "voided"})
    with pytest.raises(exc.IntegrityError), ws.engine.begin() as c:
        c.execute(resolve, {"state": "expired"})
    with pytest.raises(exc.DBAPIError, match="append-only"), ws.engine.begin() as c:
        c.execute(text("DELETE FROM ledger_commitment_resolutions"))


def snapshot(ws: Workspace) -> list[tuple[object, ...]]:
    with ws.engine.connect() as c:
        legs = c.execute(
            text("SELECT id, journal_id, account_id, amount FROM ledger_legs ORDER BY id")
        )
        heads = c.execute(
            text("SELECT id, key, posted_on, description FROM ledger_journals ORDER BY id")
        )
        return [tuple(r) for r in legs] + [tuple(r) for r in heads]
