"""Commitment rows: two-phase postings and their one-time resolutions, and the pending sums
that guarded balances count. Part of ``LedgerRepository`` (see ledger_repository.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, insert, or_, select

from integrated_care.finance.ledger.model import Commitment, CommitmentState
from integrated_care.persistence.ledger_rows import (
    ACCOUNTS,
    COMMITMENTS,
    RESOLUTIONS,
    LedgerRows,
    chunks,
)


class CommitmentRows(LedgerRows):
    def lock_commitments(self, ids: Iterable[int]) -> None:
        """PostgreSQL: lock commitments' rows until commit, so one writer resolves each."""
        wanted = sorted(set(ids))
        if not wanted or self.dialect != "postgresql":
            return
        for part in chunks(wanted):
            self.session.execute(
                select(COMMITMENTS.c.id)
                .where(COMMITMENTS.c.id.in_(part))
                .order_by(COMMITMENTS.c.id)
                .with_for_update()
            ).all()

    def pending(
        self,
        system_code: str,
        *,
        account_ids: Sequence[int] | None = None,
        as_of: date | None = None,
    ) -> tuple[dict[int, int], dict[int, int]]:
        """Pending (unresolved) commitment amounts per account: (as the credit side, as the
        debit side)."""
        unresolved = ~COMMITMENTS.c.id.in_(select(RESOLUTIONS.c.commitment_id))
        result: list[dict[int, int]] = []
        for column in (COMMITMENTS.c.credit_account_id, COMMITMENTS.c.debit_account_id):
            query = (
                select(column.label("account_id"), func.sum(COMMITMENTS.c.amount).label("total"))
                .where(COMMITMENTS.c.system_code == system_code, unresolved)
                .group_by(column)
            )
            if as_of is not None:
                query = query.where(COMMITMENTS.c.reserved_on <= as_of)
            found: dict[int, int] = {}
            parts: Iterable[Sequence[int] | None] = (
                [None] if account_ids is None else chunks(sorted(set(account_ids)))
            )
            for part in parts:
                q = query if part is None else query.where(column.in_(part))
                found.update({int(r.account_id): int(r.total) for r in self.session.execute(q)})
            result.append(found)
        return result[0], result[1]

    def _commitment_query(self, system_code: str) -> Any:
        debit = ACCOUNTS.alias("debit")
        credit = ACCOUNTS.alias("credit")
        return (
            select(
                COMMITMENTS,
                debit.c.code.label("debit_code"),
                credit.c.code.label("credit_code"),
                RESOLUTIONS.c.state,
                RESOLUTIONS.c.posted_amount,
                RESOLUTIONS.c.journal_id,
            )
            .join(debit, debit.c.id == COMMITMENTS.c.debit_account_id)
            .join(credit, credit.c.id == COMMITMENTS.c.credit_account_id)
            .outerjoin(RESOLUTIONS, RESOLUTIONS.c.commitment_id == COMMITMENTS.c.id)
            .where(COMMITMENTS.c.system_code == system_code)
        )

    def commitments(
        self,
        system_code: str,
        *,
        ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
        account_id: int | None = None,
        pending_only: bool = False,
        expiring_before: date | None = None,
    ) -> list[tuple[Commitment, str]]:
        """Commitments with their stored body hashes, oldest first."""
        query = self._commitment_query(system_code)
        if ids is not None:
            query = query.where(COMMITMENTS.c.id.in_(list(ids)))
        if keys is not None:
            query = query.where(COMMITMENTS.c.key.in_(list(keys)))
        if account_id is not None:
            query = query.where(
                or_(
                    COMMITMENTS.c.debit_account_id == account_id,
                    COMMITMENTS.c.credit_account_id == account_id,
                )
            )
        if pending_only or expiring_before is not None:
            query = query.where(RESOLUTIONS.c.commitment_id.is_(None))
        if expiring_before is not None:
            query = query.where(
                and_(
                    COMMITMENTS.c.expires_on.is_not(None),
                    COMMITMENTS.c.expires_on < expiring_before,
                )
            )
        return [
            (
                Commitment(
                    id=int(r.id),
                    key=r.key,
                    debit_account=r.debit_code,
                    credit_account=r.credit_code,
                    amount=int(r.amount),
                    state=CommitmentState(r.state or CommitmentState.PENDING.value),
                    reserved_on=r.reserved_on,
                    description=r.description,
                    expires_on=r.expires_on,
                    posted_amount=int(r.posted_amount or 0),
                    journal_id=r.journal_id,
                ),
                r.body_hash,
            )
            for r in self.session.execute(query.order_by(COMMITMENTS.c.id))
        ]

    def insert_commitment(self, values: dict[str, Any]) -> int:
        new_id = self.session.execute(
            insert(COMMITMENTS).values(**values).returning(COMMITMENTS.c.id)
        ).scalar_one()
        return int(new_id)

    def insert_resolutions(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(RESOLUTIONS), rows)
