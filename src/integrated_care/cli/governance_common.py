"""Helpers shared by the ``ics governance`` command modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from integrated_care.cli.common import open_workspace
from integrated_care.errors import InvalidInput, suggest
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.workspace import Workspace

E = TypeVar("E", bound=StrEnum)

Many = Annotated[
    list[str] | None,
    typer.Option("--authority", help="A responsible local authority (repeat).", show_default=False),
]


@contextmanager
def writing(path: Path | None) -> Iterator[tuple[Workspace, UnitOfWork]]:
    """An open workspace and a unit of work whose register events are checkpointed with the
    workspace's signing key. Leaving without ``uow.commit()`` writes nothing."""
    ws = open_workspace(path)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        yield ws, uow


def parse_enum(value: str, options: type[E], option: str) -> E:
    """A member by value or name, case- and separator-insensitively."""

    def norm(text: str) -> str:
        return " ".join(text.replace("_", " ").replace("-", " ").lower().split())

    wanted = norm(value)
    for member in options:
        if wanted in (norm(member.value), norm(member.name)):
            return member
    hints = suggest(value, [m.value for m in options])
    hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
    raise InvalidInput(
        f"Unknown value '{value}' for {option}.{hint}",
        input_name=option,
        expected="one of: " + "; ".join(m.value for m in options),
    )


def parse_datetime(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 date and time; without a zone it is taken as UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"Malformed date and time '{value}' for {option}.",
            input_name=option,
            expected="YYYY-MM-DDTHH:MM (UTC), e.g. 2025-06-12T09:30",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
