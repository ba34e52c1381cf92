"""The simulator's invariant checker: the database, read with plain SQL, against the model.

After every step (``step``) it reads only what the step could have written, by id above a
watermark, using the primary-key indexes: the new legs, journals and commitments, and the
resolutions of the commitments the step touched. From those it keeps a running tally of
every account's debits and credits, so that after every step it can check, from database
rows alone:

* Σ debits = Σ credits over the whole ledger, and both equal the model's;
* every new journal has >= 2 legs summing to zero, exactly the model's legs, and no leg
  belongs to anything but a new journal (nothing orphaned, nothing added to old journals);
* each account the step touched: the sum of its legs equals the model's balance; its
  pending total (commitments without a resolution) equals the model's; a guarded account's
  posted minus pending is never below zero; every BALANCE_EVERY steps, the ledger's own
  ``balance()`` for one of them agrees;
* a refused operation wrote nothing; a rolled-back unit left nothing behind.

Rows are append-only (database triggers), so rows below the watermark cannot change; the
``full`` check, run every ``full_check_every`` steps at a unit boundary and at the end,
verifies that too by recomputing everything with GROUP BY over all rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from integrated_care.finance.ledger.model import Balance, CommitmentState
from integrated_care.finance.ledger.simulator_model import LedgerModel
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger

BALANCE_EVERY = 10


class Discrepancy(AssertionError):
    """The database and the model disagree (the simulator adds the seed and step)."""


@dataclass
class Tally:
    """Totals computed from database rows only; restored with the model on rollback."""

    legs_above: int = 0  # watermarks: the highest id read so far
    journals_above: int = 0
    commitments_above: int = 0
    debits: dict[str, int] = field(default_factory=dict)
    credits: dict[str, int] = field(default_factory=dict)
    legs: int = 0
    journals: int = 0

    def copy(self) -> Tally:
        return Tally(
            self.legs_above,
            self.journals_above,
            self.commitments_above,
            dict(self.debits),
            dict(self.credits),
            self.legs,
            self.journals,
        )


def _fail(message: str) -> None:
    raise Discrepancy(message)


def _rows(session: Session, sql: str, **params: Any) -> Sequence[Any]:
    return session.execute(text(sql), params).all()


# What a step wrote: rows above the watermarks, in one round trip. Only primary-key range
# scans (no system_code filter, which would make SQLite scan a whole index): the simulator's
# database holds exactly one system.
NEW_ROWS_SQL = """
SELECT 'L', l.id, l.journal_id, a.code, l.amount FROM ledger_legs l
JOIN ledger_accounts a ON a.id = l.account_id WHERE l.id > :legs
UNION ALL
SELECT 'J', j.id, CAST(NULL AS BIGINT), j.key, CAST(NULL AS BIGINT) FROM ledger_journals j
WHERE j.id > :journals
UNION ALL
SELECT 'C', c.id, CAST(NULL AS BIGINT), c.key, c.amount FROM ledger_commitments c
WHERE c.id > :commitments
ORDER BY 1, 2"""

# Pending pence per account: unresolved commitments, counted against the side they would
# reduce when posted (a debit-normal credit account, a credit-normal debit account). Driven
# from the accounts so that each uses its commitments index.
UNRESOLVED = """
SELECT a.code AS code, c.amount AS amount FROM ledger_accounts a
JOIN ledger_commitments c ON c.credit_account_id = a.id
LEFT JOIN ledger_commitment_resolutions r ON r.commitment_id = c.id
WHERE r.commitment_id IS NULL AND a.system_code = :system
AND a.type IN ('asset', 'expenditure') {where}
UNION ALL
SELECT a.code, c.amount FROM ledger_accounts a
JOIN ledger_commitments c ON c.debit_account_id = a.id
LEFT JOIN ledger_commitment_resolutions r ON r.commitment_id = c.id
WHERE r.commitment_id IS NULL AND a.system_code = :system
AND a.type NOT IN ('asset', 'expenditure') {where}"""
PENDING_SQL = "SELECT code, sum(amount) FROM (" + UNRESOLVED + ") p GROUP BY code"  # noqa: S608

# The touched commitments' resolutions and the touched accounts' pending totals.
RESOLVED_AND_PENDING_SQL = (
    """
SELECT 'R', r.commitment_id, r.posted_amount, r.state FROM ledger_commitment_resolutions r
WHERE r.commitment_id IN ({ids})
UNION ALL
SELECT 'P', CAST(NULL AS INTEGER), sum(p.amount), p.code FROM (
"""
    + UNRESOLVED.replace("{where}", "AND a.code IN ({codes})")
    + """) p GROUP BY p.code"""
)


class Checker:
    def __init__(self, model: LedgerModel, system_code: str) -> None:
        self.model = model
        self.system = system_code
        self.tally = Tally()
        self.full_checks = 0
        self.rotation = 0

    # -- after every step --------------------------------------------------------------

    def step(
        self,
        uow: UnitOfWork,
        *,
        new_journals: Sequence[str],
        new_commitments: Sequence[str],
        accounts: Iterable[str],
        commitments: Iterable[str],
    ) -> None:
        """Check one step: ``new_journals``/``new_commitments`` are the keys the model says
        the step wrote (none for a refusal); ``accounts`` and ``commitments`` the ones it
        touched or tried to touch. Two round trips to the database: what was written, then
        the touched commitments' resolutions and the touched accounts' pending totals."""
        uow.flush()
        session, model, tally = uow.session, self.model, self.tally
        written = _rows(
            session,
            NEW_ROWS_SQL,
            legs=tally.legs_above,
            journals=tally.journals_above,
            commitments=tally.commitments_above,
        )
        legs = [(r[1], r[2], r[3], int(r[4])) for r in written if r[0] == "L"]
        journals = [(r[1], r[3]) for r in written if r[0] == "J"]
        self._journals(journals, legs, new_journals)
        touched = set(accounts)
        for _, _, code, amount in legs:
            touched.add(code)
            side = tally.debits if amount > 0 else tally.credits
            side[code] = side.get(code, 0) + abs(amount)
        tally.legs += len(legs)
        tally.journals += len(journals)
        tally.legs_above = max([tally.legs_above, *(leg[0] for leg in legs)])
        tally.journals_above = max([tally.journals_above, *(j[0] for j in journals)])
        debits, credit_sum = sum(tally.debits.values()), sum(tally.credits.values())
        if debits != credit_sum:
            _fail(f"Σ debits {debits} != Σ credits {credit_sum} in the database")
        if (debits, credit_sum, tally.legs) != (
            model.total_debits(),
            model.total_credits(),
            model.leg_count,
        ):
            _fail(
                f"database totals (debits {debits}, credits {credit_sum}, {tally.legs} legs) != "
                f"model ({model.total_debits()}, {model.total_credits()}, {model.leg_count} legs)"
            )
        made = [(r[1], r[3], int(r[4])) for r in written if r[0] == "C"]
        ids = self._new_commitments(made, new_commitments)
        for key in commitments:
            if key in model.commitments:
                ids[model.commitments[key].id] = key
        for key in ids.values():
            request = model.commitments[key].request
            touched.update((request.debit_account, request.credit_account))
        codes = sorted(code for code in touched if code in model.accounts)
        resolved, pending = self._resolutions_and_pending(session, sorted(ids), codes)
        self._settled(ids, resolved)
        self._accounts(uow, codes, pending)

    def _journals(
        self, journals: Sequence[Any], legs: Sequence[Any], expected: Sequence[str]
    ) -> None:
        written = {key: journal_id for journal_id, key in journals}
        if sorted(written) != sorted(expected):
            _fail(f"journals written {sorted(written)} != model's {sorted(expected)}")
        by_journal: dict[int, list[tuple[str, int]]] = {}
        for _, journal_id, code, amount in legs:
            by_journal.setdefault(journal_id, []).append((code, amount))
        if set(by_journal) != set(written.values()):
            stray = set(by_journal) - set(written.values())
            _fail(f"legs written for journals {sorted(stray)} that were not written now")
        for key, journal_id in written.items():
            mine = self.model.journals[key]
            found = by_journal[journal_id]
            if mine.id != journal_id:
                _fail(f"journal '{key}' has id {journal_id}; the ledger returned {mine.id}")
            if len(found) < 2 or sum(amount for _, amount in found) != 0:
                _fail(f"journal '{key}' has legs {found}: fewer than two or unbalanced")
            if Counter(found) != Counter(mine.legs):
                _fail(f"journal '{key}' has legs {found}; the model has {list(mine.legs)}")

    def _new_commitments(
        self, made: Sequence[tuple[int, str, int]], expected: Sequence[str]
    ) -> dict[int, str]:
        model, tally = self.model, self.tally
        if sorted(key for _, key, _ in made) != sorted(expected):
            _fail(f"commitments written {[m[1] for m in made]} != model's {list(expected)}")
        for commitment_id, key, amount in made:
            mine = model.commitments[key]
            if (commitment_id, amount) != (mine.id, mine.request.amount):
                _fail(f"commitment '{key}' stored as id {commitment_id}, {amount} pence")
            tally.commitments_above = max(tally.commitments_above, commitment_id)
        return {commitment_id: key for commitment_id, key, _ in made}

    def _resolutions_and_pending(
        self, session: Session, ids: Sequence[int], codes: Sequence[str]
    ) -> tuple[dict[int, tuple[str, int]], dict[str, int]]:
        if not ids and not codes:
            return {}, {}
        names = [f":c{n}" for n in range(len(codes))]
        sql = RESOLVED_AND_PENDING_SQL.format(
            ids=", ".join(str(int(i)) for i in ids) or "NULL",
            codes=", ".join(names) or "NULL",
        )
        params: dict[str, Any] = {"system": self.system}
        params |= {f"c{n}": code for n, code in enumerate(codes)}
        resolved: dict[int, tuple[str, int]] = {}
        pending: dict[str, int] = {}
        for kind, commitment_id, amount, name in _rows(session, sql, **params):
            if kind == "R":
                resolved[int(commitment_id)] = (name, int(amount))
            else:
                pending[name] = int(amount)
        return resolved, pending

    def _settled(self, ids: dict[int, str], resolved: dict[int, tuple[str, int]]) -> None:
        for commitment_id, key in ids.items():
            mine = self.model.commitments[key]
            state_name, amount = resolved.get(commitment_id, (CommitmentState.PENDING.value, 0))
            state = CommitmentState(state_name)
            if (state, amount) != (mine.state, mine.posted_amount):
                _fail(
                    f"commitment '{key}' is {state} ({amount} posted) in the database; "
                    f"the model has {mine.state} ({mine.posted_amount})"
                )

    def _accounts(self, uow: UnitOfWork, codes: Sequence[str], pending: dict[str, int]) -> None:
        model, tally = self.model, self.tally
        if not codes:
            return
        for code in codes:
            found = (tally.debits.get(code, 0), tally.credits.get(code, 0))
            wanted = (model.debits.get(code, 0), model.credits.get(code, 0))
            if found != wanted:
                _fail(f"{code}: the sums of its legs are {found}; the model's {wanted}")
            if pending.get(code, 0) != model.pending.get(code, 0):
                _fail(
                    f"{code}: pending {pending.get(code, 0)} in the database; "
                    f"model {model.pending.get(code, 0)}"
                )
            account = model.accounts[code]
            net = found[0] - found[1] if account.type.debit_normal else found[1] - found[0]
            if account.guarded and net - pending.get(code, 0) < 0:
                _fail(f"guarded {code} is below zero: posted {net}, pending {pending.get(code, 0)}")
        # The ledger's own read path (``balance()``), for one touched account every
        # BALANCE_EVERY steps, and for every account at each full check: it sums the same
        # legs, and reading it for every touched account would triple the simulator's cost.
        self.rotation += 1
        if self.rotation % BALANCE_EVERY == 0:
            code = codes[(self.rotation // BALANCE_EVERY) % len(codes)]
            self._balance(ledger.balance(uow, self.system, code), pending.get(code, 0))

    def _balance(self, balance: Balance, pending: int) -> None:
        code, model = balance.account, self.model
        debits, credit_sum = self.tally.debits.get(code, 0), self.tally.credits.get(code, 0)
        account = model.accounts[code]
        posted = debits - credit_sum if account.type.debit_normal else credit_sum - debits
        wanted = Balance(code, account.type, posted, pending, debits, credit_sum)
        if balance != wanted:
            _fail(f"ledger.balance() says {balance}; the legs and the model say {wanted}")
        if account.guarded and posted - pending < 0:
            _fail(f"guarded {code} is below zero: posted {posted}, pending {pending}")

    def pending(self, session: Session, codes: Sequence[str] | None = None) -> dict[str, int]:
        where = ""
        params: dict[str, Any] = {"system": self.system}
        if codes is not None:
            names = [f":c{n}" for n in range(len(codes))]
            where = f"AND a.code IN ({', '.join(names)})"
            params |= {f"c{n}": code for n, code in enumerate(codes)}
        sql = PENDING_SQL.replace("{where}", where)
        return {code: int(total) for code, total in _rows(session, sql, **params)}

    # -- at unit boundaries ------------------------------------------------------------

    def boundary(self, uow: UnitOfWork) -> None:
        """After a commit or a rollback: nothing above the watermarks (a rolled-back unit
        left no trace), and the small tables (accounts, closed periods) match."""
        session, tally, model = uow.session, self.tally, self.model
        for table, above in (
            ("ledger_legs", tally.legs_above),
            ("ledger_journals", tally.journals_above),
            ("ledger_commitments", tally.commitments_above),
        ):
            extra = _rows(session, f"SELECT count(*) FROM {table} WHERE id > :w", w=above)  # noqa: S608 - fixed names
            if extra[0][0]:
                _fail(f"{extra[0][0]} row(s) of {table} above the last checked id {above}")
        accounts = {row.code for row in _rows(session, "SELECT code FROM ledger_accounts")}
        if accounts != set(model.accounts):
            _fail(f"accounts differ: {sorted(accounts ^ set(model.accounts))}")
        closed = {row.period for row in _rows(session, "SELECT period FROM ledger_periods")}
        if closed != model.closed:
            _fail(f"closed periods {sorted(closed)} != model's {sorted(model.closed)}")
        resolutions = _rows(session, "SELECT count(*) FROM ledger_commitment_resolutions")
        settled = len(model.commitments) - len(model.pending_keys)
        if resolutions[0][0] != settled:
            _fail(f"{resolutions[0][0]} commitment resolutions; the model has {settled}")

    def full(self, uow: UnitOfWork) -> None:
        """Recompute everything from all rows (GROUP BY), compare, and restart the tally."""
        self.boundary(uow)
        session, model = uow.session, self.model
        fresh = Tally()
        for code, debits, credit_sum, count in _rows(
            session,
            "SELECT a.code, coalesce(sum(CASE WHEN l.amount > 0 THEN l.amount END), 0), "
            "coalesce(sum(CASE WHEN l.amount < 0 THEN -l.amount END), 0), count(*) "
            "FROM ledger_legs l JOIN ledger_accounts a ON a.id = l.account_id GROUP BY a.code",
        ):
            fresh.debits[code], fresh.credits[code] = int(debits), int(credit_sum)
            fresh.legs += count
        for side, mine in ((fresh.debits, model.debits), (fresh.credits, model.credits)):
            if {k: v for k, v in side.items() if v} != {k: v for k, v in mine.items() if v}:
                _fail("per-account sums of all legs differ from the model")
        if sum(fresh.debits.values()) != sum(fresh.credits.values()):
            _fail("Σ debits != Σ credits over all legs")
        bad = _rows(
            session,
            "SELECT journal_id FROM ledger_legs GROUP BY journal_id "
            "HAVING count(*) < 2 OR sum(amount) <> 0",
        )
        if bad:
            _fail(f"journals with fewer than two legs or unbalanced: {[r[0] for r in bad]}")
        orphans = _rows(
            session,
            "SELECT count(*) FROM ledger_legs l LEFT JOIN ledger_journals j "
            "ON j.id = l.journal_id WHERE j.id IS NULL",
        )
        empty = _rows(
            session,
            "SELECT count(*) FROM ledger_journals j WHERE NOT EXISTS "
            "(SELECT 1 FROM ledger_legs l WHERE l.journal_id = j.id)",
        )
        if orphans[0][0] or empty[0][0]:
            _fail(f"{orphans[0][0]} orphan legs, {empty[0][0]} journals without legs")
        keys = {row.key: row.id for row in _rows(session, "SELECT key, id FROM ledger_journals")}
        if keys != {key: j.id for key, j in model.journals.items()}:
            _fail(f"journal keys differ from the model: {len(keys)} vs {len(model.journals)}")
        pending = self.pending(session)
        if {k: v for k, v in pending.items() if v} != {k: v for k, v in model.pending.items() if v}:
            _fail(f"pending totals {pending} differ from the model's")
        self._ledger_reads(uow, fresh, pending)
        last = _rows(
            session,
            "SELECT (SELECT coalesce(max(id), 0) FROM ledger_legs), "
            "(SELECT coalesce(max(id), 0) FROM ledger_journals), "
            "(SELECT coalesce(max(id), 0) FROM ledger_commitments)",
        )[0]
        fresh.legs_above, fresh.journals_above, fresh.commitments_above = (int(x) for x in last)
        fresh.journals = len(keys)
        self.tally = fresh
        self.full_checks += 1

    def _ledger_reads(self, uow: UnitOfWork, fresh: Tally, pending: dict[str, int]) -> None:
        """The ledger's own reports (balances, trial balance) agree with the raw rows."""
        self.tally, saved = fresh, self.tally
        try:
            balances = ledger.balances(uow, self.system)
            if {b.account for b in balances} != set(self.model.accounts):
                _fail("ledger.balances() does not list every account")
            for balance in balances:
                self._balance(balance, pending.get(balance.account, 0))
            # The trial balance lists each account's net balance in the debit or credit column.
            trial = ledger.trial_balance(uow, self.system)
            nets = [fresh.debits.get(c, 0) - fresh.credits.get(c, 0) for c in self.model.accounts]
            columns = (sum(n for n in nets if n > 0), sum(-n for n in nets if n < 0))
            if (trial.debits, trial.credits) != columns or columns[0] != columns[1]:
                _fail(f"trial balance {trial.debits}/{trial.credits}; the legs say {columns}")
            if ledger.leg_totals(uow, self.system) != (
                sum(fresh.debits.values()),
                sum(fresh.credits.values()),
            ):
                _fail("ledger.leg_totals() differs from the legs")
        finally:
            self.tally = saved
