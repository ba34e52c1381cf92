"""Scenario fixtures: a real workspace initialised for one ICB, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


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


@pytest.fixture
def system(workspace: Workspace) -> Callable[..., Workspace]:
    """Initialise ``icb`` in the test's workspace and return the workspace."""

    def make(icb: str, *, default_places: bool = True) -> Workspace:
        with workspace.uow() as uow:
            init_system(uow, icb, actor=LOCAL_OPERATOR, with_default_places=default_places)
            uow.commit()
        return workspace

    return make
