"""The delegation repository: reads and writes the scheme of delegation, delegations and
their parts, place postings and duty settings, and the one aggregate query the duties need.
It never commits (the caller's unit of work does) and makes no decisions.

Services build it from the unit of work's session: ``DelegationRepository(uow.session)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from integrated_care.finance.chart import AccountType, Stream
from integrated_care.finance.duties import AccountState, Duty, DutyConfig
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.persistence.delegation_models import (
    DelegationPartRow,
    DelegationRow,
    DutyRow,
    PlacePostingRow,
    SchemeEntryRow,
)
from integrated_care.persistence.ledger_models import LedgerAccountRow, LedgerLegRow

ACCOUNTS = cast(Table, LedgerAccountRow.__table__)
LEGS = cast(Table, LedgerLegRow.__table__)


@dataclass(frozen=True, slots=True)
class Delegation:
    id: int
    key: str
    year: int
    stream: Stream
    fund: str
    line: str
    component: str
    weights_year: str
    amount: int
    delegated_on: date
    journal_id: int
    description: str
    parts: dict[str, int]  # place -> pence
    weights: dict[str, Decimal]  # place -> weighted population used
    created_at: datetime
    created_by: str


def _entry(row: SchemeEntryRow) -> SchemeEntry:
    return SchemeEntry(
        place=row.place_code,
        stream=Stream(row.stream),
        line=row.line,
        component=row.component,
        approver=row.approver,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        max_budget=row.max_budget,
        max_commitment=row.max_commitment,
        id=row.id,
    )


class DelegationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- the scheme of delegation ------------------------------------------------------------
    def scheme(self, system_code: str) -> list[SchemeEntry]:
        rows = self.session.scalars(
            select(SchemeEntryRow)
            .where(SchemeEntryRow.system_code == system_code)
            .order_by(SchemeEntryRow.valid_from, SchemeEntryRow.place_code, SchemeEntryRow.id)
        )
        return [_entry(r) for r in rows]

    def add_entry(
        self, system_code: str, entry: SchemeEntry, *, at: datetime, by: str
    ) -> SchemeEntry:
        row = SchemeEntryRow(
            system_code=system_code,
            place_code=entry.place,
            stream=entry.stream.value,
            line=entry.line,
            component=entry.component,
            approver=entry.approver,
            valid_from=entry.valid_from,
            valid_to=entry.valid_to,
            max_budget=entry.max_budget,
            max_commitment=entry.max_commitment,
            created_at=at,
            created_by=by,
        )
        self.session.add(row)
        self.session.flush()
        return _entry(row)

    def end_entry(self, system_code: str, entry_id: int, valid_to: date) -> SchemeEntry | None:
        row = self.session.get(SchemeEntryRow, entry_id)
        if row is None or row.system_code != system_code:
            return None
        row.valid_to = valid_to
        self.session.flush()
        return _entry(row)

    # -- delegations -------------------------------------------------------------------------
    def delegation_by_key(self, system_code: str, key: str) -> Delegation | None:
        found = self.delegations(system_code, key=key)
        return found[0] if found else None

    def delegations(
        self, system_code: str, *, year: int | None = None, key: str | None = None
    ) -> list[Delegation]:
        query = select(DelegationRow).where(DelegationRow.system_code == system_code)
        if year is not None:
            query = query.where(DelegationRow.year == year)
        if key is not None:
            query = query.where(DelegationRow.key == key)
        rows = list(self.session.scalars(query.order_by(DelegationRow.id)))
        parts: dict[int, list[DelegationPartRow]] = {r.id: [] for r in rows}
        if rows:
            for part in self.session.scalars(
                select(DelegationPartRow)
                .where(DelegationPartRow.delegation_id.in_(list(parts)))
                .order_by(DelegationPartRow.place_code)
            ):
                parts[part.delegation_id].append(part)
        return [
            Delegation(
                id=r.id,
                key=r.key,
                year=r.year,
                stream=Stream(r.stream),
                fund=r.fund,
                line=r.line,
                component=r.component,
                weights_year=r.weights_year,
                amount=r.amount,
                delegated_on=r.delegated_on,
                journal_id=r.journal_id,
                description=r.description,
                parts={p.place_code: p.amount for p in parts[r.id]},
                weights={p.place_code: Decimal(p.weighted_population) for p in parts[r.id]},
                created_at=r.created_at,
                created_by=r.created_by,
            )
            for r in rows
        ]

    def add_delegation(
        self,
        system_code: str,
        delegation: Delegation,
    ) -> int:
        row = DelegationRow(
            system_code=system_code,
            key=delegation.key,
            year=delegation.year,
            stream=delegation.stream.value,
            fund=delegation.fund,
            line=delegation.line,
            component=delegation.component,
            weights_year=delegation.weights_year,
            amount=delegation.amount,
            delegated_on=delegation.delegated_on,
            journal_id=delegation.journal_id,
            description=delegation.description,
            created_at=delegation.created_at,
            created_by=delegation.created_by,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(
            DelegationPartRow(
                delegation_id=row.id,
                place_code=place,
                amount=amount,
                weighted_population=str(delegation.weights[place]),
            )
            for place, amount in delegation.parts.items()
        )
        self.session.flush()
        return row.id

    # -- place postings ----------------------------------------------------------------------
    def place_posting_by_key(self, system_code: str, key: str) -> PlacePostingRow | None:
        return self.session.scalars(
            select(PlacePostingRow).where(
                PlacePostingRow.system_code == system_code, PlacePostingRow.key == key
            )
        ).first()

    def place_postings(
        self, system_code: str, *, place: str | None = None, funds: Iterable[str] | None = None
    ) -> list[PlacePostingRow]:
        query = select(PlacePostingRow).where(PlacePostingRow.system_code == system_code)
        if place is not None:
            query = query.where(PlacePostingRow.place_code == place)
        if funds is not None:
            query = query.where(PlacePostingRow.fund.in_(list(funds)))
        return list(self.session.scalars(query.order_by(PlacePostingRow.id)))

    def add_place_posting(self, row: PlacePostingRow) -> PlacePostingRow:
        self.session.add(row)
        self.session.flush()
        return row

    # -- duties ------------------------------------------------------------------------------
    def duties(self, system_code: str, year: int | None = None) -> list[DutyConfig]:
        query = select(DutyRow).where(DutyRow.system_code == system_code)
        if year is not None:
            query = query.where(DutyRow.year == year)
        return [
            DutyConfig(Duty(r.duty), r.year, r.target, tuple(r.lines))
            for r in self.session.scalars(query.order_by(DutyRow.year, DutyRow.duty))
        ]

    def set_duty(self, system_code: str, config: DutyConfig, *, at: datetime, by: str) -> None:
        row = self.session.get(DutyRow, (system_code, config.year, config.duty.value))
        if row is None:
            row = DutyRow(system_code=system_code, year=config.year, duty=config.duty.value)
            self.session.add(row)
        row.target = config.target
        row.lines = list(config.lines)
        row.configured_at = at
        row.configured_by = by
        self.session.flush()

    def remove_duty(self, system_code: str, year: int, duty: Duty) -> bool:
        done = self.session.execute(
            delete(DutyRow).where(
                DutyRow.system_code == system_code, DutyRow.year == year, DutyRow.duty == duty.value
            )
        )
        return bool(getattr(done, "rowcount", 0))

    def account_states(self, system_code: str, funds: Sequence[str]) -> dict[str, AccountState]:
        """Every ledger account of ``funds`` with its type and the sum of its legs: one query."""
        net = func.coalesce(func.sum(LEGS.c.amount), 0)
        query = (
            select(ACCOUNTS.c.code, ACCOUNTS.c.type, ACCOUNTS.c.fund, net.label("net"))
            .select_from(ACCOUNTS.outerjoin(LEGS, LEGS.c.account_id == ACCOUNTS.c.id))
            .where(ACCOUNTS.c.system_code == system_code, ACCOUNTS.c.fund.in_(list(funds)))
            .group_by(ACCOUNTS.c.id, ACCOUNTS.c.code, ACCOUNTS.c.type, ACCOUNTS.c.fund)
        )
        return {
            r.code: AccountState(AccountType(r.type), r.fund, int(r.net))
            for r in self.session.execute(query)
        }

    def legs_of_funds(self, system_code: str, funds: Sequence[str]) -> list[tuple[int, str, int]]:
        """(journal id, account code, amount) of every leg of every journal that touches an
        account of ``funds``, in journal then leg order (for the flows of a year)."""
        in_funds = select(ACCOUNTS.c.id).where(
            ACCOUNTS.c.system_code == system_code, ACCOUNTS.c.fund.in_(list(funds))
        )
        touching = select(LEGS.c.journal_id).where(LEGS.c.account_id.in_(in_funds))
        query = (
            select(LEGS.c.journal_id, ACCOUNTS.c.code, LEGS.c.amount)
            .join(ACCOUNTS, ACCOUNTS.c.id == LEGS.c.account_id)
            .where(LEGS.c.journal_id.in_(touching))
            .order_by(LEGS.c.journal_id, LEGS.c.id)
        )
        return [(int(r.journal_id), r.code, int(r.amount)) for r in self.session.execute(query)]
