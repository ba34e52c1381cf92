"""Shared pieces for the register tests: a key, fixed times, a workspace with system QT1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.memory import MemoryRegister
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def vote(number: int, *, choice: str = "for", proposal: str = "P-1") -> Event:
    return Event(
        "vote",
        {
            "proposal_id": proposal,
            "seat_id": f"S-{number}",
            "holder": f"Member {number}",
            "organisation": "E06000018",
            "choice": choice,
            "weight": 1,
        },
        AT + timedelta(minutes=number),
        "QT1-BOARD",
    )


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()


@pytest.fixture
def memory(signer: Signer) -> MemoryRegister:
    return MemoryRegister(SYSTEM, signer, checkpoint_every=4)


@pytest.fixture
def system_ws(workspace: Workspace) -> Iterator[Workspace]:
    """A migrated workspace (SQLite and PostgreSQL) whose database knows system QT1."""
    with workspace.uow() as uow:
        uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire", "t")
        uow.commit()
    workspace.save_settings(SYSTEM)
    return workspace
