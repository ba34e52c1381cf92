"""A workspace holding one small system with a membership event and an audit entry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, inspect, text

from integrated_care.persistence.uow import UnitOfWork
from integrated_care.structure.membership import (
    Action,
    BodyKind,
    MembershipEvent,
    PartnershipBody,
)
from integrated_care.structure.organisations import Organisation, OrgKind
from integrated_care.workspace import Workspace


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


def seed(uow: UnitOfWork) -> None:
    uow.structure.add_system(
        "QT1", "E54000060", "NHS Nottingham and Nottinghamshire Integrated Care Board", "test"
    )
    uow.structure.add_organisations(
        "QT1",
        [
            Organisation(
                "E06000018",
                "Nottingham City Council",
                OrgKind.UNITARY_AUTHORITY,
                gss_code="E06000018",
            )
        ],
    )
    uow.structure.add_body(
        "QT1", PartnershipBody("ics-partnership", "ICS partnership", BodyKind.ICS_PARTNERSHIP)
    )
    uow.structure.add_membership_event(
        "QT1",
        MembershipEvent("ics-partnership", "E06000018", Action.JOIN, date(2018, 4, 1)),
        "tester",
    )
    uow.audit.append(actor="tester", role="admin", action="write", resource="systems/QT1")


@pytest.fixture
def seeded(workspace: Workspace) -> Workspace:
    with workspace.uow() as uow:
        seed(uow)
        uow.commit()
    return workspace
