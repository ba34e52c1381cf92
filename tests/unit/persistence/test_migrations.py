"""Migrations build the schema the models describe, and running them again changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from integrated_care.persistence.db import is_current, make_engine, migrate
from integrated_care.persistence.models import Base
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]


def test_a_new_database_is_not_current_until_migrated(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert not is_current(engine)
        migrate(engine)
        assert is_current(engine)
    finally:
        engine.dispose()


def test_migrations_create_every_table_of_the_models(workspace: Workspace) -> None:
    tables = set(inspect(workspace.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_migrated_schema_matches_the_models(workspace: Workspace) -> None:
    with workspace.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_again_changes_neither_schema_nor_rows(
    seeded: Workspace, row_counts: RowCounts
) -> None:
    inspector = inspect(seeded.engine)
    before_tables = {
        t: sorted(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()
    }
    before_rows = row_counts(seeded.engine)
    seeded.migrate()
    migrate(seeded.engine)
    inspector = inspect(seeded.engine)
    after_tables = {
        t: sorted(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()
    }
    assert after_tables == before_tables
    assert row_counts(seeded.engine) == before_rows
    assert is_current(seeded.engine)


def test_the_database_records_exactly_one_schema_version(workspace: Workspace) -> None:
    migrate(workspace.engine)
    with workspace.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    assert len(versions) == 1


def test_opening_a_workspace_migrates_its_database(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "opened"
    ws = Workspace.at(path, database_url)
    path.mkdir()
    ws.save_settings("QT1")
    opened = Workspace.open(path, database_url)
    try:
        assert opened.system == "QT1"
        assert is_current(opened.engine)
    finally:
        opened.engine.dispose()
        ws.engine.dispose()
