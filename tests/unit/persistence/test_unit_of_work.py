"""A unit of work commits only when told to: otherwise it leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict
from integrated_care.services.structure import init_system
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]


def test_a_use_case_that_is_not_committed_leaves_nothing(
    workspace: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(workspace.engine)
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.flush()  # written to the transaction, not yet committed
        assert uow.structure.get_system("QT1") is not None
    assert row_counts(workspace.engine) == before
    with workspace.uow() as uow:
        assert uow.structure.get_system("QT1") is None
        assert uow.audit.recent() == []


def test_a_use_case_that_fails_part_way_leaves_nothing(
    workspace: Workspace, row_counts: RowCounts
) -> None:
    before = row_counts(workspace.engine)

    def fail_after_writing() -> None:
        with workspace.uow() as uow:
            init_system(uow, "QT1", actor=LOCAL_OPERATOR)
            uow.flush()
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        fail_after_writing()
    assert row_counts(workspace.engine) == before


def test_a_committed_use_case_is_visible_to_the_next_unit_of_work(
    workspace: Workspace, row_counts: RowCounts
) -> None:
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    with workspace.uow() as uow:
        assert uow.structure.get_system("QT1") is not None
        assert [a.resource for a in uow.audit.recent()] == ["systems/QT1"]
    assert row_counts(workspace.engine)["practices"] > 0


def test_a_refused_use_case_after_a_committed_one_leaves_the_committed_rows_alone(
    workspace: Workspace, row_counts: RowCounts
) -> None:
    with workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
        uow.commit()
    before = row_counts(workspace.engine)
    with pytest.raises(Conflict, match=r"already set up"), workspace.uow() as uow:
        init_system(uow, "QT1", actor=LOCAL_OPERATOR)
    assert row_counts(workspace.engine) == before
