"""Workspaces with a system initialised from the packaged reference data, on each backend."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"


@cache
def published_practices() -> tuple[dict[str, str], ...]:
    """Every row of NHS England's December 2025 practice map (the shared data folder)."""
    path = SHARED_DATA / "gp_practices" / "gp_practices_dec2025.csv"
    assert path.exists(), f"shared reference data missing: {path}"
    with path.open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@pytest.fixture
def practices_csv() -> tuple[dict[str, str], ...]:
    return published_practices()


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows in every table of the database, the migration bookkeeping included."""
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
            for table in sorted(inspect(connection).get_table_names())
        }


@pytest.fixture
def row_counts() -> Callable[[Engine], dict[str, int]]:
    return count_rows


@pytest.fixture
def qt1(workspace: Workspace) -> Workspace:
    """Nottingham and Nottinghamshire with its default places."""
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    return workspace


@pytest.fixture
def qt1_bare(workspace: Workspace) -> Workspace:
    """Nottingham and Nottinghamshire without default places."""
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR, with_default_places=False)
        uow.commit()
    return workspace
