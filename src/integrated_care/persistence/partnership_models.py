"""Section 75 pools, Better Care Fund and partner contribution tables (see migration 0008).

Money columns are pence in 64-bit integers (a £21m contribution is 2.1bn pence, past a
32-bit integer). Append-only tables (database triggers refuse UPDATE and DELETE): pool
entries (contributions, spend, risk-share calls, settlement lines), pool settlements,
contribution events, running-cost allowances and running-cost plans. Corrections are new
rows (a reversing entry, a later allowance), never edits.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from integrated_care.persistence.models import Base
from integrated_care.persistence.types import UtcDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class PoolRow(Base):
    __tablename__ = "fin_pools"
    __table_args__ = (UniqueConstraint("system_code", "code", name="uq_fin_pools_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(10))
    year: Mapped[int] = mapped_column(Integer)
    fund: Mapped[str] = mapped_column(String(40))  # the ledger fund, e.g. 's75-2025-26'
    host: Mapped[str] = mapped_column(String(40))
    aims: Mapped[str] = mapped_column(Text)
    share_basis: Mapped[str] = mapped_column(String(20))
    fixed_shares: Mapped[dict[str, str]] = mapped_column(JSON)  # partner -> "n/d"
    underspend: Mapped[str] = mapped_column(String(10))
    cut_uncommitted: Mapped[bool] = mapped_column(Boolean)
    caps: Mapped[dict[str, int]] = mapped_column(JSON)
    uncapped: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class PoolPartnerRow(Base):
    __tablename__ = "fin_pool_partners"
    pool_id: Mapped[int] = mapped_column(ForeignKey("fin_pools.id"), primary_key=True)
    organisation_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)  # order added: pence ties go to earlier ones


class PoolLineRow(Base):
    __tablename__ = "fin_pool_lines"
    pool_id: Mapped[int] = mapped_column(ForeignKey("fin_pools.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)


class PoolEntryRow(Base):
    """One money movement of a pool: a contribution, spend, a risk-share call or a
    settlement line, with the ledger journal that posted it."""

    __tablename__ = "fin_pool_entries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("fin_pools.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # contribution | spend | call | settlement
    partner: Mapped[str | None] = mapped_column(String(40))
    line: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)  # pence; settlement: + pays in, - paid back
    posted_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    journal_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class PoolSettlementRow(Base):
    __tablename__ = "fin_pool_settlements"
    pool_id: Mapped[int] = mapped_column(ForeignKey("fin_pools.id"), primary_key=True)
    settled_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class BcfPlanRow(Base):
    __tablename__ = "fin_bcf_plans"
    __table_args__ = (UniqueConstraint("system_code", "hwb", "year", name="uq_fin_bcf_plans"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"))
    hwb: Mapped[str] = mapped_column(String(40))  # the upper-tier council's code
    hwb_name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    nhs_minimum_required: Mapped[int | None] = mapped_column(BigInteger)
    asc_previous: Mapped[int | None] = mapped_column(BigInteger)
    asc_uplift: Mapped[str | None] = mapped_column(String(20))  # a Decimal as text
    objectives: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class BcfIncomeRow(Base):
    __tablename__ = "fin_bcf_income"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("fin_bcf_plans.id"), index=True)
    source: Mapped[str] = mapped_column(String(30))
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)


class BcfSchemeRow(Base):
    __tablename__ = "fin_bcf_schemes"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_fin_bcf_schemes_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("fin_bcf_plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(30))
    provider: Mapped[str] = mapped_column(String(200))
    commissioner: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(30))
    amount: Mapped[int] = mapped_column(BigInteger)
    objective: Mapped[int] = mapped_column(Integer)


class ContributionEventRow(Base):
    __tablename__ = "fin_contribution_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    partner: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    on: Mapped[date] = mapped_column(Date)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    journal_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class RunningCostAllowanceRow(Base):
    """The running cost allowance recorded for a year; a later row supersedes an earlier."""

    __tablename__ = "fin_running_cost_allowances"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))


class RunningCostPlanRow(Base):
    """Planned ICS running costs for a year; a later row supersedes an earlier."""

    __tablename__ = "fin_running_cost_plans"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    system_code: Mapped[str] = mapped_column(ForeignKey("systems.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
