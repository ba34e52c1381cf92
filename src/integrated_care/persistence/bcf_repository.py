"""Better Care Fund plans: rows in, domain values out. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from integrated_care.finance import bcf
from integrated_care.persistence.partnership_models import BcfIncomeRow, BcfPlanRow, BcfSchemeRow
from integrated_care.persistence.types import utc_now


@dataclass(frozen=True, slots=True)
class StoredBcfPlan:
    plan: bcf.BcfPlan
    note: str
    created_by: str


class BcfRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, system_code: str, hwb: str, year: int) -> BcfPlanRow | None:
        return self.session.scalars(
            select(BcfPlanRow).where(
                BcfPlanRow.system_code == system_code,
                BcfPlanRow.hwb == hwb,
                BcfPlanRow.year == year,
            )
        ).first()

    def add(self, system_code: str, plan: bcf.BcfPlan, note: str, by: str) -> None:
        self.session.add(
            BcfPlanRow(
                system_code=system_code,
                hwb=plan.hwb,
                hwb_name=plan.hwb_name,
                year=plan.year,
                nhs_minimum_required=plan.nhs_minimum_required,
                asc_previous=plan.asc.previous if plan.asc else None,
                asc_uplift=str(plan.asc.uplift) if plan.asc else None,
                objectives=list(plan.objectives),
                note=note,
                created_at=utc_now(),
                created_by=by,
            )
        )
        self.session.flush()

    def add_income(self, system_code: str, hwb: str, year: int, income: bcf.Income) -> None:
        row = self._row(system_code, hwb, year)
        assert row is not None
        self.session.add(
            BcfIncomeRow(
                plan_id=row.id, source=income.source.value, amount=income.amount, note=income.note
            )
        )
        self.session.flush()

    def add_scheme(self, system_code: str, hwb: str, year: int, s: bcf.Scheme) -> None:
        row = self._row(system_code, hwb, year)
        assert row is not None
        self.session.add(
            BcfSchemeRow(
                plan_id=row.id,
                code=s.code,
                name=s.name,
                area=s.area.value,
                provider=s.provider,
                commissioner=s.commissioner.value,
                source=s.source.value,
                amount=s.amount,
                objective=s.objective,
            )
        )
        self.session.flush()

    def get(self, system_code: str, hwb: str, year: int) -> StoredBcfPlan | None:
        row = self._row(system_code, hwb, year)
        if row is None:
            return None
        income = self.session.scalars(
            select(BcfIncomeRow).where(BcfIncomeRow.plan_id == row.id).order_by(BcfIncomeRow.id)
        )
        schemes = self.session.scalars(
            select(BcfSchemeRow).where(BcfSchemeRow.plan_id == row.id).order_by(BcfSchemeRow.id)
        )
        asc = (
            bcf.AscRequirement(row.asc_previous, Decimal(row.asc_uplift))
            if row.asc_previous is not None and row.asc_uplift is not None
            else None
        )
        plan = bcf.BcfPlan(
            row.hwb,
            row.hwb_name,
            row.year,
            tuple(bcf.Income(bcf.IncomeSource(i.source), i.amount, i.note) for i in income),
            tuple(
                bcf.Scheme(
                    s.code,
                    s.name,
                    bcf.AreaOfSpend(s.area),
                    s.provider,
                    bcf.Commissioner(s.commissioner),
                    bcf.IncomeSource(s.source),
                    s.amount,
                    s.objective,
                )
                for s in schemes
            ),
            row.nhs_minimum_required,
            asc,
            tuple(row.objectives),
        )
        return StoredBcfPlan(plan, row.note, row.created_by)

    def keys(self, system_code: str) -> list[tuple[str, int]]:
        rows = self.session.execute(
            select(BcfPlanRow.hwb, BcfPlanRow.year)
            .where(BcfPlanRow.system_code == system_code)
            .order_by(BcfPlanRow.year, BcfPlanRow.hwb)
        )
        return [(hwb, year) for hwb, year in rows]
