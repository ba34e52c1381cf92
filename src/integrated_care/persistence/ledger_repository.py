"""The ledger repository: bulk reads and writes of ledger rows with SQLAlchemy Core (the
posting path writes thousands of rows a second, so it avoids the ORM). It never commits and
makes no decisions; the ledger services do.

Services build it from the unit of work's session: ``LedgerRepository(uow.session)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Table,
    any_,
    bindparam,
    case,
    func,
    insert,
    select,
    text,
    update,
)

from integrated_care.finance.ledger.model import (
    Account,
    Journal,
    Leg,
    Period,
)
from integrated_care.persistence.ledger_commitment_repository import CommitmentRows
from integrated_care.persistence.ledger_rows import (
    _PG_TYPES,
    ACCOUNTS,
    CHUNK,
    JOURNALS,
    LEGS,
    LOCKS,
    PERIODS,
    StoredAccount,
    StoredKey,
    Sums,
    account_from_row,
    chunks,
)


def _iso(value: object) -> str:
    """Dates and aware timestamps as ISO 8601 text for JSON (PostgreSQL casts them back)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


PERIOD_LOCK_SPACE = 6006  # the first key of the ledger's advisory locks on periods


class LedgerRepository(CommitmentRows):
    """Locks and ids, accounts, journals, balances and periods; commitments come from
    ``CommitmentRows``."""

    # -- locking and ids ---------------------------------------------------------------------
    def lock_system(self, system_code: str) -> None:
        """SQLite: take the database's write lock now, before reading keys and balances, so
        nothing another writer commits can make those reads stale (SQLite has one writer at
        a time). PostgreSQL needs no global lock: ids come from a sequence, keys are unique,
        and guarded accounts are locked row by row (``lock_accounts``)."""
        if self.dialect != "sqlite":
            return
        done = self.session.execute(
            update(LOCKS)
            .where(LOCKS.c.system_code == system_code)
            .values(writes=LOCKS.c.writes + 1)
        )
        if getattr(done, "rowcount", 0) == 0:
            self.session.execute(insert(LOCKS).values(system_code=system_code, writes=1))

    def lock_periods(self, system_code: str, *, closing: bool = False) -> None:
        """PostgreSQL: postings hold a shared advisory lock on the system's periods and a
        period close an exclusive one (until commit), so a close waits for postings in
        flight and no posting can slip into a period closed meanwhile. Postings never wait
        for each other. (SQLite's write lock already serialises them.)"""
        if self.dialect != "postgresql":
            return
        kind = "" if closing else "_shared"
        self.session.execute(
            # Advisory locks are database-wide: the schema is part of the key, so ledgers of
            # the same system in different schemas (tests, staging) never wait on each other.
            text(
                f"SELECT pg_advisory_xact_lock{kind}"
                "(:space, hashtext(current_schema() || ':' || :system))"
            ),
            {"space": PERIOD_LOCK_SPACE, "system": system_code},
        )

    def lock_accounts(self, account_ids: Iterable[int]) -> None:
        """PostgreSQL: lock guarded accounts' rows (in id order, so concurrent writers never
        deadlock) until commit, so two writers cannot both spend the same available funds."""
        ids = sorted(set(account_ids))
        if not ids or self.dialect != "postgresql":
            return
        for part in chunks(ids):
            self.session.execute(
                select(ACCOUNTS.c.id)
                .where(ACCOUNTS.c.id.in_(part))
                .order_by(ACCOUNTS.c.id)
                .with_for_update()
            ).all()

    def allocate_journal_ids(self, count: int) -> list[int]:
        """``count`` fresh journal ids. PostgreSQL: from the table's sequence (never shared
        between transactions). SQLite: after the current maximum, under the write lock."""
        if count <= 0:
            return []
        if self.dialect == "postgresql":
            rows = self.session.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('ledger_journals', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
            return sorted(int(v) for v in rows)
        top = self.session.execute(select(func.coalesce(func.max(JOURNALS.c.id), 0))).scalar_one()
        return list(range(int(top) + 1, int(top) + 1 + count))

    # -- accounts ----------------------------------------------------------------------------
    def accounts(
        self,
        system_code: str,
        *,
        codes: Sequence[str] | None = None,
        prefix: str | None = None,
        fund: str | None = None,
    ) -> list[StoredAccount]:
        base = select(ACCOUNTS).where(ACCOUNTS.c.system_code == system_code)
        if prefix:
            base = base.where(ACCOUNTS.c.code.startswith(prefix, autoescape=True))
        if fund:
            base = base.where(ACCOUNTS.c.fund == fund)
        if codes is None:
            return [
                account_from_row(r) for r in self.session.execute(base.order_by(ACCOUNTS.c.code))
            ]
        found: list[StoredAccount] = []
        for part in chunks(sorted(set(codes))):
            found += [
                account_from_row(r)
                for r in self.session.execute(base.where(ACCOUNTS.c.code.in_(part)))
            ]
        return found

    def account_codes(self, system_code: str) -> list[str]:
        return list(
            self.session.execute(
                select(ACCOUNTS.c.code).where(ACCOUNTS.c.system_code == system_code)
            ).scalars()
        )

    def insert_accounts(
        self, system_code: str, accounts: Sequence[Account], *, at: datetime, by: str
    ) -> None:
        if not accounts:
            return
        self.session.execute(
            insert(ACCOUNTS),
            [
                {
                    "system_code": system_code,
                    "code": a.code,
                    "name": a.name,
                    "type": a.type.value,
                    "fund": a.fund,
                    "organisation_code": a.organisation_code,
                    "guarded": a.guarded,
                    "closed": a.closed,
                    "created_at": at,
                    "created_by": by,
                }
                for a in accounts
            ],
        )

    # -- journals ----------------------------------------------------------------------------
    def journal_keys(self, system_code: str, keys: Sequence[str]) -> dict[str, StoredKey]:
        wanted = sorted(set(keys))
        found: dict[str, StoredKey] = {}
        if self.dialect == "postgresql" and wanted:
            # One round trip, and an index probe per key whatever plan PostgreSQL caches (a
            # long IN list of parameters can be planned as a scan comparing every row to
            # every key).
            rows = self.session.execute(
                text(
                    "SELECT j.key, j.id, j.body_hash "
                    "FROM unnest(CAST(:keys AS varchar[])) AS k(key) JOIN ledger_journals j "
                    "ON j.system_code = :system AND j.key = k.key"
                ),
                {"keys": wanted, "system": system_code},
            )
            return {r.key: StoredKey(r.id, r.body_hash) for r in rows}
        for part in chunks(wanted):
            rows = self.session.execute(
                select(JOURNALS.c.key, JOURNALS.c.id, JOURNALS.c.body_hash).where(
                    JOURNALS.c.system_code == system_code, JOURNALS.c.key.in_(part)
                )
            )
            found.update({r.key: StoredKey(r.id, r.body_hash) for r in rows})
        return found

    def insert_journals(self, legs: list[dict[str, Any]], headers: list[dict[str, Any]]) -> None:
        """Legs first, then the headers that seal them (the order the triggers require).
        PostgreSQL gets each as one INSERT ... SELECT (see ``_bulk_insert``)."""
        if self.dialect == "postgresql":
            self._bulk_insert(LEGS, legs)
            self._bulk_insert(JOURNALS, headers)
            return
        if legs:
            self.session.execute(insert(LEGS), legs)
        if headers:
            self.session.execute(insert(JOURNALS), headers)

    def _bulk_insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: the rows as one JSON document, expanded by ``json_to_recordset``: one
        statement and one parameter, encoded by the C JSON encoder (binding long arrays of
        text costs more in Python than the database spends inserting them)."""
        if not rows:
            return
        types = _PG_TYPES[table.name]
        names = list(rows[0])
        columns = ", ".join(names)
        record = ", ".join(f"{name} {types[name]}" for name in names)
        statement = text(
            f"INSERT INTO {table.name} ({columns}) SELECT {columns} "  # noqa: S608
            f"FROM json_to_recordset(CAST(:rows AS json)) AS x({record})"
        )
        for part in chunks(rows, 50_000):
            self.session.execute(statement, {"rows": json.dumps(part, default=_iso)})

    def reversed_by(self, journal_ids: Sequence[int]) -> dict[int, int]:
        """{reversed journal id: the id of the journal reversing it}."""
        found: dict[int, int] = {}
        for part in chunks(sorted(set(journal_ids))):
            rows = self.session.execute(
                select(JOURNALS.c.reverses, JOURNALS.c.id).where(JOURNALS.c.reverses.in_(part))
            )
            found.update({int(r.reverses): int(r.id) for r in rows})
        return found

    def _id_filter(self, column: Any, ids: Sequence[int]) -> Any:
        """``column IN ids``. On PostgreSQL as ``= ANY(array)``: one parameter, and an index
        probe per id whatever plan is cached (see ``journal_keys``)."""
        if self.dialect == "postgresql":
            return column == any_(bindparam(None, list(ids), type_=ARRAY(BigInteger())))
        return column.in_(ids)

    def load_journals(self, system_code: str, ids: Sequence[int]) -> dict[int, Journal]:
        headers: dict[int, Any] = {}
        legs: dict[int, list[Leg]] = {}
        size = 50_000 if self.dialect == "postgresql" else CHUNK
        for part in chunks(sorted(set(ids)), size):
            for r in self.session.execute(
                select(JOURNALS).where(
                    JOURNALS.c.system_code == system_code, self._id_filter(JOURNALS.c.id, part)
                )
            ):
                headers[r.id] = r
                legs[r.id] = []
            query = (
                select(LEGS.c.journal_id, ACCOUNTS.c.code, LEGS.c.amount, LEGS.c.memo)
                .join(ACCOUNTS, ACCOUNTS.c.id == LEGS.c.account_id)
                .where(self._id_filter(LEGS.c.journal_id, part))
                .order_by(LEGS.c.id)
            )
            for leg in self.session.execute(query):
                if leg.journal_id in legs:
                    legs[leg.journal_id].append(Leg(leg.code, int(leg.amount), leg.memo))
        return {
            jid: Journal(
                id=int(h.id),
                key=h.key,
                posted_on=h.posted_on,
                period=h.period,
                description=h.description,
                legs=tuple(legs[jid]),
                reference=h.reference,
                created_at=h.created_at,
                created_by=h.created_by,
                reverses=h.reverses,
            )
            for jid, h in headers.items()
        }

    def journal_ids(
        self,
        system_code: str,
        *,
        account_ids: Sequence[int] | None = None,
        limit: int = 100,
    ) -> list[int]:
        """Newest first."""
        query = select(JOURNALS.c.id).where(JOURNALS.c.system_code == system_code)
        if account_ids is not None:
            if not account_ids:
                return []
            touching = select(LEGS.c.journal_id).where(LEGS.c.account_id.in_(account_ids))
            query = query.where(JOURNALS.c.id.in_(touching))
        return [
            int(v)
            for v in self.session.execute(
                query.order_by(JOURNALS.c.id.desc()).limit(limit)
            ).scalars()
        ]

    # -- balances ----------------------------------------------------------------------------
    def sums(
        self,
        system_code: str,
        *,
        account_ids: Sequence[int] | None = None,
        as_of: date | None = None,
    ) -> dict[int, Sums]:
        """Posted debits and credits per account, summed from the legs themselves."""
        debit = func.coalesce(func.sum(case((LEGS.c.amount > 0, LEGS.c.amount), else_=0)), 0)
        credit = func.coalesce(func.sum(case((LEGS.c.amount < 0, -LEGS.c.amount), else_=0)), 0)
        query = select(LEGS.c.account_id, debit.label("d"), credit.label("c")).group_by(
            LEGS.c.account_id
        )
        if as_of is not None:
            query = query.join(JOURNALS, JOURNALS.c.id == LEGS.c.journal_id).where(
                JOURNALS.c.posted_on <= as_of
            )
        found: dict[int, Sums] = {}
        if account_ids is None:
            query = query.join(ACCOUNTS, ACCOUNTS.c.id == LEGS.c.account_id).where(
                ACCOUNTS.c.system_code == system_code
            )
            parts: Iterable[Sequence[int] | None] = [None]
        else:
            parts = chunks(sorted(set(account_ids)))
        for part in parts:
            q = query if part is None else query.where(LEGS.c.account_id.in_(part))
            for r in self.session.execute(q):
                found[int(r.account_id)] = Sums(int(r.d), int(r.c))
        return found

    # -- periods -----------------------------------------------------------------------------
    def closed_periods(self, system_code: str) -> dict[str, Period]:
        rows = self.session.execute(
            select(PERIODS).where(PERIODS.c.system_code == system_code).order_by(PERIODS.c.period)
        )
        return {r.period: Period(r.period, True, r.closed_at, r.closed_by) for r in rows}

    def close_period(self, system_code: str, period: str, *, at: datetime, by: str) -> None:
        self.session.execute(
            insert(PERIODS).values(
                system_code=system_code, period=period, closed_at=at, closed_by=by
            )
        )

    def journal_periods(self, system_code: str) -> list[str]:
        return [
            str(v)
            for v in self.session.execute(
                select(JOURNALS.c.period).where(JOURNALS.c.system_code == system_code).distinct()
            ).scalars()
        ]


__all__ = ["LedgerRepository", "StoredAccount", "StoredKey", "Sums", "chunks"]
