"""Governance service fixtures: Nottingham and Nottinghamshire (QT1) on SQLite and PostgreSQL,
with the ICB board of ``governance.fixtures`` set up through the services.

``qt1`` and ``row_counts`` come from ``tests/unit/services/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.governance.fixtures import BoardScenario, nottingham_icb_board
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance import scenario
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.workspace import Workspace

T = TypeVar("T")
RowCounts = Callable[[Engine], dict[str, int]]
SYSTEM = "QT1"


def run(ws: Workspace, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service in its own unit of work (signing checkpoints) and commit."""
    kwargs.setdefault("actor", LOCAL_OPERATOR)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        result = action(uow, SYSTEM, *args, **kwargs)
        uow.commit()
    return result


def read(ws: Workspace, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with ws.uow() as uow:
        return action(uow, SYSTEM, *args, **kwargs)


def refused(
    ws: Workspace,
    counts: RowCounts,
    error: type[Exception],
    match: str,
    action: Callable[..., object],
    *args: Any,
    **kwargs: Any,
) -> Exception:
    """The call raises ``error`` matching ``match``, and no table of the database changed."""
    before = counts(ws.engine)
    with pytest.raises(error, match=match) as caught:
        run(ws, action, *args, **kwargs)
    assert counts(ws.engine) == before
    return caught.value


@dataclass
class Board:
    ws: Workspace
    scenario: BoardScenario
    result: scenario.ScenarioResult

    @property
    def meeting(self) -> int:
        return self.result.meeting_id

    def proposal(self, item: str) -> int:
        return self.result.proposals[item]


def build_board(ws: Workspace, *, decide: bool = False, **users: str) -> Board:
    data = nottingham_icb_board()
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        result = scenario.build(
            uow, SYSTEM, data, actor=LOCAL_OPERATOR, decide=decide, users=dict(users)
        )
        uow.commit()
    return Board(ws, data, result)


@pytest.fixture
def board(qt1: Workspace) -> Board:
    """The board with its meeting published and attendance recorded; nothing voted yet."""
    return build_board(qt1)


def register_types(ws: Workspace) -> list[str]:
    from integrated_care.governance.register.store import RegisterStore

    with ws.uow() as uow:
        return [e.type for e in RegisterStore().entries(uow.session, SYSTEM)]


def in_uow(ws: Workspace, body: Callable[[UnitOfWork], T]) -> T:
    with ws.uow() as uow:
        return body(uow)
