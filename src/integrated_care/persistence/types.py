"""Column types: timestamps are stored and returned as UTC, whatever the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC ``datetime``. SQLite keeps no zone, so values are normalised to UTC on
    the way in and marked UTC on the way out; naive datetimes are refused outright."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


# Ledger ids: 64-bit on PostgreSQL (a busy ledger outgrows 2**31 legs); SQLite's INTEGER
# PRIMARY KEY is already 64-bit and only autoincrements under that exact type name.
Id64 = BigInteger().with_variant(Integer(), "sqlite")
