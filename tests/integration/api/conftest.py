"""Fixtures for the REST API tests: a QT1 system, one user (and token) per role, a client.

Every test runs on SQLite and PostgreSQL through the ``workspace`` fixture. Expected figures
come from NHS England's and ONS's published files in /work/shared/data (read raw here), not
from the code under test.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text

from integrated_care.access import LOCAL_OPERATOR, Role
from integrated_care.api.app import create_app
from integrated_care.services import users
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
PASSWORD = "correct horse battery"
API = "/api/v1"
DATA = Path("/work/shared/data")
# Tables whose rows a refused request must leave alone (the audit log is checked too).
TABLES = (
    "membership_events",
    "places",
    "place_members",
    "organisations",
    "partnership_bodies",
    "users",
    "api_tokens",
    "audit_log",
)


def username(role: Role) -> str:
    return f"{role.value.replace('_', '-')}-user"


@dataclass
class Api:
    client: TestClient
    workspace: Workspace
    tokens: dict[Role, str] = field(default_factory=dict)

    def auth(self, role: Role | None) -> dict[str, str]:
        """Headers for a user of ``role``; no headers for ``None`` (anonymous)."""
        return {} if role is None else {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, path: str, role: Role | None = None, **params: Any) -> Any:
        return self.client.get(API + path, params=params or None, headers=self.auth(role))

    def post(self, path: str, body: Any = None, role: Role | None = None) -> Any:
        return self.client.post(API + path, json=body, headers=self.auth(role))

    def counts(self) -> dict[str, int]:
        with self.workspace.engine.connect() as connection:
            return {
                table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
                for table in TABLES
            }

    def error(self, reply: Any, status: int, input_name: str | None = None) -> dict[str, Any]:
        """The reply is the common error body with this status (naming ``input_name``)."""
        assert reply.status_code == status, reply.text
        body: dict[str, Any] = reply.json()
        assert set(body) == {"error", "message", "input", "expected"}, body
        assert body["message"], body
        if input_name is not None:
            assert body["input"] == input_name, body
        return body

    def refused(
        self, before: dict[str, int], reply: Any, status: int, input_name: str | None = None
    ) -> dict[str, Any]:
        """An error reply, and nothing written: every table (audit log too) as ``before``."""
        body = self.error(reply, status, input_name)
        assert self.counts() == before, body
        return body

    def audit(self) -> list[dict[str, Any]]:
        """The audit log as the admin reads it (newest first)."""
        reply = self.get("/audit", Role.ADMIN, limit=1000)
        assert reply.status_code == 200, reply.text
        entries: list[dict[str, Any]] = reply.json()
        return entries


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with minimal cost: the tests exercise the logic, not the work factor."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def api(workspace: Workspace) -> Iterator[Api]:
    """QT1 initialised with its default places, one user and token per role."""
    tokens = {}
    with workspace.uow() as uow:
        init_system(uow, SYSTEM, actor=LOCAL_OPERATOR)
        for role in Role:
            users.add_user(uow, username(role), PASSWORD, role.value, actor=LOCAL_OPERATOR)
            tokens[role] = users.issue_token_for(uow, username(role))
        uow.commit()
    workspace.save_settings(SYSTEM)
    with TestClient(create_app(workspace)) as client:
        yield Api(client, workspace, tokens)


@pytest.fixture(scope="session")
def practices_csv() -> list[dict[str, str]]:
    """NHS England's practice-to-ICB mapping, 1 December 2025, as published."""
    path = DATA / "gp_practices" / "gp_practices_dec2025.csv"
    if not path.exists():
        pytest.skip(f"published data not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def qt1_practices(practices_csv: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in practices_csv if row["icb_ods_code"] == SYSTEM]


@pytest.fixture(scope="session")
def geography() -> dict[str, list[dict[str, str]]]:
    """ONS's ICB and sub-ICB tables and the council-area to ICB splits, as published."""
    folder = DATA / "geography"
    if not folder.exists():
        pytest.skip(f"published data not found at {folder}")
    result = {}
    for name in ("icb24", "utla23_icb24_split", "sicbl24", "lad24_icb24_split"):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            result[name] = list(csv.DictReader(handle))
    return result
