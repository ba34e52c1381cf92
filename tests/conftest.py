"""Shared fixtures: every database test runs on SQLite and, where reachable, PostgreSQL.

PostgreSQL isolation: each test gets its own schema (dropped afterwards) on the server at
``ICS_TEST_POSTGRES_URL`` (default: the local server on 127.0.0.1:5432). Where no server
answers, the PostgreSQL variants are skipped with that reason shown in the summary.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from integrated_care.workspace import Workspace

POSTGRES_URL = os.environ.get(
    "ICS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


@cache
def postgres_unreachable() -> str | None:
    """None if PostgreSQL answers, else why not (shown as the skip reason)."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {exc.__class__.__name__}"
    return None


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ics.db'}"
        return
    reason = postgres_unreachable()
    if reason:
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def workspace(database_url: str, tmp_path: Path) -> Iterator[Workspace]:
    """An empty, migrated workspace on each backend."""
    ws = Workspace.at(tmp_path / "workspace", database_url)
    ws.path.mkdir(parents=True, exist_ok=True)
    ws.migrate()
    yield ws
    ws.engine.dispose()
