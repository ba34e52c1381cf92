"""The ledger's tables (the schema itself is created by migration 0006, which also adds the
triggers that make the database refuse an unbalanced journal on its own).

- ``ledger_accounts``: one row per account code per system.
- ``ledger_legs`` then ``ledger_journals``: a journal's legs are written FIRST and its header
  LAST; the header "seals" the legs. The database refuses a header whose legs do not sum to
  zero or number fewer than two, and refuses legs for a journal whose header exists. Legs
  point at their header through a deferred foreign key, so legs left without a header fail
  at commit.
- ``ledger_commitments`` and ``ledger_commitment_resolutions``: two-phase postings; a
  commitment is resolved (posted, voided, expired) at most once because the resolution's
  primary key is the commitment's id.
- ``ledger_periods``: one row per closed period (there is no reopening).
- ``ledger_locks``: one row per system, updated first by every SQLite ledger write so the
  writer holds SQLite's write lock before it reads keys and balances.

Everything except accounts and locks is append-only in the database itself.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import Id64, UtcDateTime

# 64-bit ids on PostgreSQL; on SQLite an INTEGER PRIMARY KEY (the 64-bit rowid itself).

ACCOUNT_TYPES = "'asset', 'liability', 'equity', 'income', 'expenditure'"
RESOLUTION_STATES = "'posted', 'voided', 'expired'"


class LedgerAccountRow(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        UniqueConstraint("system_code", "code", name="uq_ledger_accounts_code"),
        CheckConstraint(f"type IN ({ACCOUNT_TYPES})", name="ck_ledger_accounts_type"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(12))
    fund: Mapped[str | None] = mapped_column(String(60))
    organisation_code: Mapped[str | None] = mapped_column(String(40))
    guarded: Mapped[bool] = mapped_column(Boolean)
    closed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class LedgerJournalRow(Base):
    __tablename__ = "ledger_journals"
    __table_args__ = (
        UniqueConstraint("system_code", "key", name="uq_ledger_journals_key"),
        UniqueConstraint("reverses", name="uq_ledger_journals_reverses"),
        Index("ix_ledger_journals_system_period", "system_code", "period"),
    )
    # Assigned by the service before the legs are written: from the sequence on PostgreSQL,
    # under the write lock on SQLite.
    id: Mapped[int] = mapped_column(Id64, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the canonical request
    posted_on: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM' of posted_on (trigger-checked)
    description: Mapped[str] = mapped_column(String(500))
    reference: Mapped[str] = mapped_column(String(200))
    reverses: Mapped[int | None] = mapped_column(Id64, ForeignKey("ledger_journals.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class LedgerLegRow(Base):
    __tablename__ = "ledger_legs"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="ck_ledger_legs_amount_not_zero"),
        # Covering index: an account's balance is a sum over this index alone.
        Index("ix_ledger_legs_account", "account_id", "amount", "journal_id"),
    )
    id: Mapped[int] = mapped_column(Id64, primary_key=True, autoincrement=True)
    journal_id: Mapped[int] = mapped_column(
        Id64,
        ForeignKey("ledger_journals.id", deferrable=True, initially="DEFERRED"),
        index=True,
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # pence; debit > 0, credit < 0
    memo: Mapped[str] = mapped_column(String(200))


class LedgerPeriodRow(Base):
    """A closed period. Open periods have no row."""

    __tablename__ = "ledger_periods"
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_by: Mapped[str] = mapped_column(String(80))


class LedgerCommitmentRow(Base):
    __tablename__ = "ledger_commitments"
    __table_args__ = (
        UniqueConstraint("system_code", "key", name="uq_ledger_commitments_key"),
        CheckConstraint("amount > 0", name="ck_ledger_commitments_amount"),
        CheckConstraint(
            "debit_account_id <> credit_account_id", name="ck_ledger_commitments_accounts"
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    key: Mapped[str] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    debit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    credit_account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reserved_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class LedgerCommitmentResolutionRow(Base):
    __tablename__ = "ledger_commitment_resolutions"
    __table_args__ = (
        CheckConstraint(f"state IN ({RESOLUTION_STATES})", name="ck_ledger_resolutions_state"),
        CheckConstraint(
            "(state = 'posted' AND journal_id IS NOT NULL AND posted_amount > 0) OR "
            "(state <> 'posted' AND journal_id IS NULL AND posted_amount = 0)",
            name="ck_ledger_resolutions_posted",
        ),
    )
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_commitments.id"), primary_key=True, autoincrement=False
    )
    state: Mapped[str] = mapped_column(String(10))
    posted_amount: Mapped[int] = mapped_column(BigInteger)
    journal_id: Mapped[int | None] = mapped_column(
        Id64, ForeignKey("ledger_journals.id", deferrable=True, initially="DEFERRED")
    )
    resolved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str] = mapped_column(String(80))


class LedgerLockRow(Base):
    __tablename__ = "ledger_locks"
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), primary_key=True)
    writes: Mapped[int] = mapped_column(BigInteger)
