"""Single pot, delegation and duty tables (see migration 0007).

The money itself is in the ledger; these tables hold what the ledger cannot say:

- ``fin_scheme_entries``: the scheme of delegation (which line of which stream goes to which
  place, split by which need component, limits, approver, dates). An entry is ended by
  setting ``valid_to``; it is never deleted.
- ``fin_delegations`` and ``fin_delegation_parts``: each delegation (its line, the weights
  year used, the journal that moved the money) and each place's part of it. Append-only.
- ``fin_place_postings``: commitments and payments made at place, with who approved them
  (the ledger holds the amounts). Append-only.
- ``fin_duties``: the financial duties configured per system and financial year.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import Id64, UtcDateTime


class SchemeEntryRow(Base):
    __tablename__ = "fin_scheme_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    place_code: Mapped[str] = mapped_column(String(40))
    stream: Mapped[str] = mapped_column(String(20))
    line: Mapped[str] = mapped_column(String(40))
    component: Mapped[str] = mapped_column(String(30))
    approver: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    max_budget: Mapped[int | None] = mapped_column(BigInteger)
    max_commitment: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class DelegationRow(Base):
    __tablename__ = "fin_delegations"
    __table_args__ = (UniqueConstraint("system_code", "key", name="uq_fin_delegations_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    stream: Mapped[str] = mapped_column(String(20))
    fund: Mapped[str] = mapped_column(String(60))
    line: Mapped[str] = mapped_column(String(40))
    component: Mapped[str] = mapped_column(String(30))
    weights_year: Mapped[str] = mapped_column(String(7))
    amount: Mapped[int] = mapped_column(BigInteger)
    delegated_on: Mapped[date] = mapped_column(Date)
    journal_id: Mapped[int] = mapped_column(Id64, ForeignKey("ledger_journals.id"))
    description: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class DelegationPartRow(Base):
    __tablename__ = "fin_delegation_parts"
    delegation_id: Mapped[int] = mapped_column(ForeignKey("fin_delegations.id"), primary_key=True)
    place_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    weighted_population: Mapped[str] = mapped_column(String(40))  # exact decimal text


class PlacePostingRow(Base):
    __tablename__ = "fin_place_postings"
    __table_args__ = (UniqueConstraint("system_code", "key", name="uq_fin_place_postings_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))  # commitment | payment
    place_code: Mapped[str] = mapped_column(String(40))
    fund: Mapped[str] = mapped_column(String(60))
    line: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    approved_by: Mapped[str] = mapped_column(String(80))
    commitment_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_commitments.id"))
    journal_id: Mapped[int | None] = mapped_column(Id64, ForeignKey("ledger_journals.id"))
    posted_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class DutyRow(Base):
    __tablename__ = "fin_duties"
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    duty: Mapped[str] = mapped_column(String(20), primary_key=True)
    target: Mapped[int | None] = mapped_column(BigInteger)
    lines: Mapped[list[str]] = mapped_column(JSON)
    configured_at: Mapped[datetime] = mapped_column(UtcDateTime())
    configured_by: Mapped[str] = mapped_column(String(80))
