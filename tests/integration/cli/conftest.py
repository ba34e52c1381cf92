"""Run the ``ics`` command line in-process on a workspace, on SQLite and on PostgreSQL.

SQLite: the workspace folder holds ``ics.db`` (no ``ICS_DATABASE_URL``). PostgreSQL: the
test's own schema is passed through ``ICS_DATABASE_URL``, as a user would.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner, Result

from integrated_care.cli.main import app

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"


@cache
def published(relative: str) -> tuple[dict[str, str], ...]:
    path = SHARED_DATA / relative
    assert path.exists(), f"shared reference data missing: {path}"
    with path.open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@dataclass
class Cli:
    path: Path  # the workspace folder
    url: str  # where its database lives
    env: dict[str, str | None]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, workspace: Path | None = None) -> Result:
        """``ics <args> --workspace <folder>``, the folder being this workspace by default."""
        folder = workspace if workspace is not None else self.path
        return self.runner.invoke(app, [*args, "--workspace", str(folder)], env=self.env)

    def bare(self, *args: str) -> Result:
        """``ics <args>`` with no workspace option added."""
        return self.runner.invoke(app, list(args), env=self.env)

    def row_counts(self) -> dict[str, int]:
        """Rows in every table of the database (none if it does not exist yet)."""
        if self.url.startswith("sqlite") and not (self.path / "ics.db").exists():
            return {}
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return {
                    t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
                    for t in sorted(inspect(connection).get_table_names())
                }
        finally:
            engine.dispose()


@pytest.fixture
def cli(database_url: str, tmp_path: Path) -> Iterator[Cli]:
    """A command line pointed at a not yet initialised workspace."""
    path = tmp_path / "workspace"
    if database_url.startswith("sqlite"):
        yield Cli(path, f"sqlite:///{path / 'ics.db'}", {"ICS_DATABASE_URL": None})
    else:
        yield Cli(path, database_url, {"ICS_DATABASE_URL": database_url})


@pytest.fixture
def qt1(cli: Cli) -> Cli:
    """The command line on an initialised Nottingham and Nottinghamshire workspace."""
    result = cli("init", "--icb", "QT1")
    assert result.exit_code == 0, result.output
    return cli
