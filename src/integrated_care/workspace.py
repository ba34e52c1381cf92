"""A workspace: a folder holding one system's embedded database and settings.

By default the database is ``<workspace>/ics.db`` (SQLite). Set ``ICS_DATABASE_URL`` to use
PostgreSQL instead; the workspace folder then only holds ``workspace.json``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from integrated_care.errors import WorkspaceError
from integrated_care.persistence.db import make_engine, migrate
from integrated_care.persistence.uow import UnitOfWork, session_factory

SETTINGS_FILE = "workspace.json"
DATABASE_FILE = "ics.db"
DEFAULT_WORKSPACE = Path("workspace")


def default_path() -> Path:
    return Path(os.environ.get("ICS_WORKSPACE", str(DEFAULT_WORKSPACE)))


@dataclass
class Workspace:
    path: Path
    database_url: str
    system_code: str | None

    @classmethod
    def at(cls, path: Path, database_url: str | None = None) -> Workspace:
        """A workspace object for ``path`` whether or not it has been initialised."""
        url = (
            database_url
            or os.environ.get("ICS_DATABASE_URL")
            or (f"sqlite:///{(path / DATABASE_FILE).resolve()}")
        )
        system_code = None
        settings = path / SETTINGS_FILE
        if settings.exists():
            try:
                system_code = json.loads(settings.read_text(encoding="utf-8"))["system"]
            except (OSError, ValueError, KeyError, TypeError):
                raise WorkspaceError(
                    f"The workspace settings file {settings} cannot be read.",
                    input_name="workspace",
                    expected=f"a readable {SETTINGS_FILE} from ics init",
                ) from None
        return cls(path, url, system_code)

    @classmethod
    def open(cls, path: Path, database_url: str | None = None) -> Workspace:
        """An initialised workspace, or a clear error naming the folder."""
        if not path.exists():
            raise WorkspaceError(
                f"No workspace at {path}.",
                input_name="workspace",
                expected="a folder made by 'ics init --icb <code>' (or set --workspace)",
            )
        if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
            raise WorkspaceError(
                f"The workspace {path} is not a readable folder.",
                input_name="workspace",
                expected="a readable folder",
            )
        ws = cls.at(path, database_url)
        if ws.system_code is None:
            raise WorkspaceError(
                f"The folder {path} is not an initialised workspace (no {SETTINGS_FILE}).",
                input_name="workspace",
                expected="a folder made by 'ics init --icb <code>'",
            )
        ws.migrate()
        return ws

    @property
    def system(self) -> str:
        if self.system_code is None:
            raise WorkspaceError(
                f"The workspace {self.path} has no system yet.",
                input_name="workspace",
                expected="run 'ics init' first",
            )
        return self.system_code

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    def migrate(self) -> None:
        try:
            migrate(self.engine)
        except WorkspaceError:
            raise
        except Exception as exc:
            raise WorkspaceError(
                f"The workspace database cannot be opened ({exc.__class__.__name__}).",
                input_name="workspace",
                expected="a readable, writable SQLite file or a reachable PostgreSQL database",
            ) from None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def save_settings(self, system_code: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        tmp = self.path / (SETTINGS_FILE + ".tmp")
        tmp.write_text(json.dumps({"system": system_code}, indent=2) + "\n", encoding="utf-8")
        tmp.replace(self.path / SETTINGS_FILE)  # atomic: never a half-written settings file
        self.system_code = system_code
