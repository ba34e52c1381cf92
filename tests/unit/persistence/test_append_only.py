"""Membership events and the audit log are append-only in the database itself.

Raw SQL, not the repositories, is used on purpose: the rule must hold for any client.
"""

from __future__ import annotations

import pytest
from sqlalchemy import exc, text

from integrated_care.workspace import Workspace

STATEMENTS = {
    "membership_events": [
        "UPDATE membership_events SET reason = 'rewritten'",
        "UPDATE membership_events SET effective = '2019-01-01' WHERE org_code = 'E06000018'",
        "DELETE FROM membership_events",
        "DELETE FROM membership_events WHERE org_code = 'E06000018'",
    ],
    "audit_log": [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE actor = 'tester'",
    ],
}
CASES = [(table, sql) for table, statements in STATEMENTS.items() for sql in statements]


def snapshot(ws: Workspace, table: str) -> list[tuple[object, ...]]:
    with ws.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))]  # noqa: S608


@pytest.mark.parametrize(("table", "sql"), CASES, ids=[sql for _, sql in CASES])
def test_the_database_refuses_to_rewrite_history(seeded: Workspace, table: str, sql: str) -> None:
    before = snapshot(seeded, table)
    assert before  # there is a row to protect
    with pytest.raises(exc.DBAPIError, match=f"{table} is append-only"), seeded.engine.begin() as c:
        c.execute(text(sql))
    assert snapshot(seeded, table) == before


def test_new_rows_can_still_be_appended(seeded: Workspace) -> None:
    with seeded.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_log (at, actor, role, action, resource, detail) "
                "VALUES (CURRENT_TIMESTAMP, 'tester', 'admin', 'read', 'places', '{}')"
            )
        )
    assert len(snapshot(seeded, "audit_log")) == 2


def test_other_tables_can_be_updated(seeded: Workspace) -> None:
    # Places are versioned by ending them, which is an update: only history tables refuse.
    with seeded.engine.begin() as connection:
        changed = connection.execute(
            text(
                "UPDATE organisations SET name = 'Nottingham City Council' WHERE code = 'E06000018'"
            )
        )
    assert changed.rowcount == 1


@pytest.mark.parametrize("table", sorted(STATEMENTS))
def test_postgresql_refuses_to_truncate_history(seeded: Workspace, table: str) -> None:
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement")
    before = snapshot(seeded, table)
    with pytest.raises(exc.DBAPIError, match=f"{table} is append-only"), seeded.engine.begin() as c:
        c.execute(text(f"TRUNCATE {table}"))
    assert snapshot(seeded, table) == before
