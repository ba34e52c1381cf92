"""Pools, Better Care Fund plans and running-cost contributions: rows in, domain values out.
Never commits. Construct from the unit of work's session, e.g. ``PoolRepository(uow.session)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrated_care.finance.pools import (
    LegalBasis,
    Line,
    LineKind,
    Partner,
    Pool,
    RiskShare,
    Sector,
    ShareBasis,
    UnderspendRule,
)
from integrated_care.persistence.partnership_models import (
    PoolEntryRow,
    PoolLineRow,
    PoolPartnerRow,
    PoolRow,
    PoolSettlementRow,
)
from integrated_care.persistence.types import utc_now


@dataclass(frozen=True, slots=True)
class PoolEntry:
    id: int
    kind: str  # contribution | spend | call | settlement
    partner: str | None
    line: str | None
    amount: int
    posted_on: date
    description: str
    journal_id: int | None


@dataclass(frozen=True, slots=True)
class StoredPool:
    pool: Pool
    fund: str
    created_by: str


@dataclass(frozen=True, slots=True)
class StoredSettlement:
    settled_on: date
    summary: dict[str, Any]
    created_by: str


class PoolRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, system_code: str, code: str) -> PoolRow | None:
        return self.session.scalars(
            select(PoolRow).where(PoolRow.system_code == system_code, PoolRow.code == code)
        ).first()

    def _id(self, system_code: str, code: str) -> int:
        row = self._row(system_code, code)
        assert row is not None, f"pool {code} was checked to exist"
        return row.id

    def codes(self, system_code: str) -> list[str]:
        return list(
            self.session.scalars(
                select(PoolRow.code)
                .where(PoolRow.system_code == system_code)
                .order_by(PoolRow.code)
            )
        )

    def add(self, system_code: str, pool: Pool, fund: str, by: str) -> None:
        rule = pool.risk_share
        row = PoolRow(
            system_code=system_code,
            code=pool.code,
            name=pool.name,
            basis=pool.basis.value,
            year=pool.year,
            fund=fund,
            host=pool.host,
            aims=pool.aims,
            share_basis=rule.basis.value,
            fixed_shares={
                k: f"{v.numerator}/{v.denominator}" for k, v in rule.fixed_shares.items()
            },
            underspend=rule.underspend.value,
            cut_uncommitted=rule.cut_uncommitted,
            caps=dict(rule.caps),
            uncapped=rule.uncapped,
            created_at=utc_now(),
            created_by=by,
        )
        self.session.add(row)
        self.session.flush()
        for n, p in enumerate(pool.partners):
            self.add_partner(system_code, pool.code, p, n)
        for n, x in enumerate(pool.lines):
            self.add_line(system_code, pool.code, x, n)

    def add_partner(self, system_code: str, code: str, partner: Partner, position: int) -> None:
        self.session.add(
            PoolPartnerRow(
                pool_id=self._id(system_code, code),
                organisation_code=partner.organisation,
                name=partner.name,
                sector=partner.sector.value,
                position=position,
            )
        )
        self.session.flush()

    def add_line(self, system_code: str, code: str, line: Line, position: int) -> None:
        self.session.add(
            PoolLineRow(
                pool_id=self._id(system_code, code),
                code=line.code,
                name=line.name,
                kind=line.kind.value,
                position=position,
            )
        )
        self.session.flush()

    def set_risk_share(self, system_code: str, code: str, rule: RiskShare) -> None:
        row = self._row(system_code, code)
        assert row is not None
        row.share_basis = rule.basis.value
        row.fixed_shares = {
            k: f"{v.numerator}/{v.denominator}" for k, v in rule.fixed_shares.items()
        }
        row.underspend = rule.underspend.value
        row.cut_uncommitted = rule.cut_uncommitted
        row.caps = dict(rule.caps)
        row.uncapped = rule.uncapped
        self.session.flush()

    def get(self, system_code: str, code: str) -> StoredPool | None:
        row = self._row(system_code, code)
        if row is None:
            return None
        partners = self.session.scalars(
            select(PoolPartnerRow)
            .where(PoolPartnerRow.pool_id == row.id)
            .order_by(PoolPartnerRow.position)
        )
        lines = self.session.scalars(
            select(PoolLineRow).where(PoolLineRow.pool_id == row.id).order_by(PoolLineRow.position)
        )
        rule = RiskShare(
            ShareBasis(row.share_basis),
            {k: Fraction(v) for k, v in row.fixed_shares.items()},
            UnderspendRule(row.underspend),
            row.cut_uncommitted,
            {k: int(v) for k, v in row.caps.items()},
            row.uncapped,
        )
        pool = Pool(
            row.code,
            row.name,
            LegalBasis(row.basis),
            row.year,
            row.host,
            tuple(Partner(p.organisation_code, p.name, Sector(p.sector)) for p in partners),
            tuple(Line(x.code, x.name, LineKind(x.kind)) for x in lines),
            rule,
            row.aims,
        )
        return StoredPool(pool, row.fund, row.created_by)

    def all(self, system_code: str) -> list[StoredPool]:
        found = (self.get(system_code, code) for code in self.codes(system_code))
        return [p for p in found if p is not None]

    def add_entries(
        self, system_code: str, code: str, entries: Sequence[PoolEntry], by: str
    ) -> None:
        pool_id = self._id(system_code, code)
        now = utc_now()
        self.session.add_all(
            PoolEntryRow(
                pool_id=pool_id,
                kind=e.kind,
                partner=e.partner,
                line=e.line,
                amount=e.amount,
                posted_on=e.posted_on,
                description=e.description,
                journal_id=e.journal_id,
                created_at=now,
                created_by=by,
            )
            for e in entries
        )
        self.session.flush()

    def entries(self, system_code: str, code: str) -> list[PoolEntry]:
        rows = self.session.scalars(
            select(PoolEntryRow)
            .where(PoolEntryRow.pool_id == self._id(system_code, code))
            .order_by(PoolEntryRow.id)
        )
        return [
            PoolEntry(
                r.id, r.kind, r.partner, r.line, r.amount, r.posted_on, r.description, r.journal_id
            )
            for r in rows
        ]

    def settle(
        self, system_code: str, code: str, on: date, summary: dict[str, Any], by: str
    ) -> None:
        self.session.add(
            PoolSettlementRow(
                pool_id=self._id(system_code, code),
                settled_on=on,
                summary=summary,
                created_at=utc_now(),
                created_by=by,
            )
        )
        self.session.flush()

    def settlement(self, system_code: str, code: str) -> StoredSettlement | None:
        row = self.session.get(PoolSettlementRow, self._id(system_code, code))
        return (
            None if row is None else StoredSettlement(row.settled_on, row.summary, row.created_by)
        )
