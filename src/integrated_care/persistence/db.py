"""Engines and schema migration for SQLite (embedded, the default) and PostgreSQL."""

from __future__ import annotations

from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event

from integrated_care.errors import WorkspaceError


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a write-ahead log."""
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    except Exception as exc:  # malformed URLs, missing drivers
        raise WorkspaceError(
            f"Cannot use database URL: {exc.__class__.__name__}.",
            input_name="ICS_DATABASE_URL",
            expected="sqlite:///path/to/ics.db or postgresql+psycopg://user@host/db",
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _alembic_config() -> Config:
    config = Config()
    location = resources.files("integrated_care.persistence") / "migrations"
    config.set_main_option("script_location", str(location))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_current(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(_alembic_config())
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == script.get_current_head()
