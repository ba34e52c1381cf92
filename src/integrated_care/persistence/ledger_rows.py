"""What the ledger repositories share: the tables as SQLAlchemy Core handles, the small
values they return, and chunking of long ``IN`` lists."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account
from integrated_care.persistence.ledger_models import (
    LedgerAccountRow,
    LedgerCommitmentResolutionRow,
    LedgerCommitmentRow,
    LedgerJournalRow,
    LedgerLegRow,
    LedgerLockRow,
    LedgerPeriodRow,
)

ACCOUNTS = cast(Table, LedgerAccountRow.__table__)
JOURNALS = cast(Table, LedgerJournalRow.__table__)
LEGS = cast(Table, LedgerLegRow.__table__)
PERIODS = cast(Table, LedgerPeriodRow.__table__)
COMMITMENTS = cast(Table, LedgerCommitmentRow.__table__)
RESOLUTIONS = cast(Table, LedgerCommitmentResolutionRow.__table__)
LOCKS = cast(Table, LedgerLockRow.__table__)

# PostgreSQL types of the columns written in bulk (see ``LedgerRepository._bulk_insert``).
_PG_TYPES = {
    "ledger_legs": {
        "journal_id": "bigint",
        "account_id": "integer",
        "amount": "bigint",
        "memo": "varchar",
    },
    "ledger_journals": {
        "id": "bigint",
        "system_code": "varchar",
        "key": "varchar",
        "body_hash": "varchar",
        "posted_on": "date",
        "period": "varchar",
        "description": "varchar",
        "reference": "varchar",
        "reverses": "bigint",
        "created_at": "timestamptz",
        "created_by": "varchar",
    },
}
CHUNK = 500  # rows per IN (...) list: well inside every backend's parameter limit
T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True, slots=True)
class StoredAccount:
    id: int
    account: Account


@dataclass(frozen=True, slots=True)
class StoredKey:
    id: int
    body_hash: str


@dataclass(frozen=True, slots=True)
class Sums:
    debits: int = 0  # positive legs
    credits: int = 0  # negative legs, as a positive number


def account_from_row(row: Any) -> StoredAccount:
    return StoredAccount(
        row.id,
        Account(
            code=row.code,
            name=row.name,
            type=AccountType(row.type),
            fund=row.fund,
            organisation_code=row.organisation_code,
            guarded=bool(row.guarded),
            closed=bool(row.closed),
        ),
    )


class LedgerRows:
    """A session and its dialect (the repositories differ per backend in a few places)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name
