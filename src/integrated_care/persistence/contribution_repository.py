"""Partner contributions to ICS running costs, running-cost allowances and plans: rows in,
domain values out. Never commits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrated_care.finance import contributions as contrib
from integrated_care.persistence.partnership_models import (
    ContributionEventRow,
    RunningCostAllowanceRow,
    RunningCostPlanRow,
)
from integrated_care.persistence.types import utc_now


class ContributionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, system_code: str, event: contrib.Event, journal_id: int | None, by: str) -> None:
        self.session.add(
            ContributionEventRow(
                system_code=system_code,
                partner=event.partner,
                year=event.year,
                kind=event.kind.value,
                on=event.on,
                amount=event.amount,
                reason=event.reason,
                reference=event.reference,
                note=event.note,
                journal_id=journal_id,
                created_at=utc_now(),
                created_by=by,
            )
        )
        self.session.flush()

    def events(
        self, system_code: str, *, partner: str | None = None, year: int | None = None
    ) -> list[contrib.Event]:
        query = select(ContributionEventRow).where(ContributionEventRow.system_code == system_code)
        if partner is not None:
            query = query.where(ContributionEventRow.partner == partner)
        if year is not None:
            query = query.where(ContributionEventRow.year == year)
        rows = self.session.scalars(query.order_by(ContributionEventRow.id))
        return [
            contrib.Event(
                r.partner,
                r.year,
                contrib.EventKind(r.kind),
                r.on,
                r.amount,
                r.reason,
                r.reference,
                r.note,
            )
            for r in rows
        ]

    def set_allowance(self, system_code: str, year: int, amount: int, source: str, by: str) -> None:
        self.session.add(
            RunningCostAllowanceRow(
                system_code=system_code,
                year=year,
                amount=amount,
                source=source,
                created_at=utc_now(),
                created_by=by,
            )
        )
        self.session.flush()

    def allowance(self, system_code: str, year: int) -> tuple[int, str] | None:
        row = self.session.scalars(
            select(RunningCostAllowanceRow)
            .where(
                RunningCostAllowanceRow.system_code == system_code,
                RunningCostAllowanceRow.year == year,
            )
            .order_by(RunningCostAllowanceRow.id.desc())
        ).first()
        return None if row is None else (row.amount, row.source)

    def set_plan(self, system_code: str, year: int, amount: int, note: str, by: str) -> None:
        self.session.add(
            RunningCostPlanRow(
                system_code=system_code,
                year=year,
                amount=amount,
                note=note,
                created_at=utc_now(),
                created_by=by,
            )
        )
        self.session.flush()

    def plan(self, system_code: str, year: int) -> tuple[int, str] | None:
        row = self.session.scalars(
            select(RunningCostPlanRow)
            .where(RunningCostPlanRow.system_code == system_code, RunningCostPlanRow.year == year)
            .order_by(RunningCostPlanRow.id.desc())
        ).first()
        return None if row is None else (row.amount, row.note)

    def years(self, system_code: str) -> list[int]:
        rows = self.session.scalars(
            select(func.distinct(ContributionEventRow.year)).where(
                ContributionEventRow.system_code == system_code
            )
        )
        return sorted(rows)
