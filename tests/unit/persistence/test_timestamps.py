"""Timestamps go in as aware datetimes and come back as aware UTC, whatever the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import exc, select, text

from integrated_care.persistence.models import (
    AuditRow,
    MembershipEventRow,
    PlaceRow,
    SystemRow,
)
from integrated_care.persistence.types import utc_now
from integrated_care.workspace import Workspace

# 17 April 2019, 12:30 in a zone two hours ahead of UTC = 10:30 UTC.
PLUS_TWO = timezone(timedelta(hours=2))
LOCAL = datetime(2019, 4, 17, 12, 30, tzinfo=PLUS_TWO)
AS_UTC = datetime(2019, 4, 17, 10, 30, tzinfo=UTC)


def is_utc(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() == timedelta(0)


def test_utc_now_is_aware_utc() -> None:
    assert is_utc(utc_now())


@pytest.mark.parametrize(
    ("model", "column"),
    [
        (SystemRow, "created_at"),
        (MembershipEventRow, "recorded_at"),
        (AuditRow, "at"),
    ],
    ids=["systems", "membership_events", "audit_log"],
)
def test_stored_timestamps_come_back_as_aware_utc(
    seeded: Workspace, model: type[object], column: str
) -> None:
    with seeded.sessions() as session:
        values = list(session.scalars(select(getattr(model, column))))
    assert values
    assert all(is_utc(v) for v in values)
    assert all(abs(utc_now() - v) < timedelta(minutes=10) for v in values)


def test_a_timestamp_in_another_zone_is_stored_as_the_same_instant_in_utc(
    seeded: Workspace,
) -> None:
    with seeded.sessions() as session:
        session.add(
            AuditRow(at=LOCAL, actor="tester", role="admin", action="read", resource="x", detail={})
        )
        session.commit()
    with seeded.sessions() as session:
        stored = session.scalars(select(AuditRow.at).where(AuditRow.resource == "x")).one()
    assert stored == AS_UTC
    assert stored.tzinfo is UTC
    assert (stored.hour, stored.minute) == (10, 30)


def test_timestamps_are_utc_even_when_the_database_session_uses_another_zone(
    seeded: Workspace,
) -> None:
    with seeded.sessions() as session:
        session.add(
            AuditRow(at=LOCAL, actor="tester", role="admin", action="read", resource="y", detail={})
        )
        session.commit()
    with seeded.sessions() as session:
        if seeded.engine.dialect.name == "postgresql":
            session.execute(text("SET TIME ZONE 'America/New_York'"))
        stored = session.scalars(select(AuditRow.at).where(AuditRow.resource == "y")).one()
    assert stored == AS_UTC
    assert stored.tzinfo is UTC


def test_a_naive_timestamp_is_refused(seeded: Workspace) -> None:
    with seeded.sessions() as session:
        session.add(
            PlaceRow(
                system_code="QT1",
                code="city",
                name="City",
                valid_from=AS_UTC.date(),
                created_at=datetime(2019, 4, 17, 10, 30),  # naive on purpose
            )
        )
        with pytest.raises(exc.StatementError, match="timezone-aware"):
            session.flush()
