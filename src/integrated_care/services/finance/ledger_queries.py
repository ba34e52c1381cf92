"""Reading the ledger: balances, the trial balance, journals and periods.

There is no stored balance to drift: every balance is summed from the legs themselves (a
covering index on (account, amount) keeps that cheap), so "each balance equals the sum of
its legs" holds by construction and ``leg_totals`` can check it independently.
"""

from __future__ import annotations

from datetime import date

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.finance.ledger.model import Balance, Journal, Period, TrialBalance
from integrated_care.finance.ledger.rules import check_period, normal_balance
from integrated_care.persistence.ledger_repository import StoredAccount, Sums
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance.ledger_common import (
    accounts_by_code,
    pending_for,
    repo,
)

MAX_JOURNALS = 1000


def _balances(
    uow: UnitOfWork,
    system_code: str,
    accounts: list[StoredAccount],
    as_of: date | None,
    *,
    whole_system: bool = False,
) -> list[Balance]:
    if not accounts:
        return []
    ledger = repo(uow)
    # One grouped scan for the whole system; IN lists only for a selection.
    ids = None if whole_system else [s.id for s in accounts]
    sums = ledger.sums(system_code, account_ids=ids, as_of=as_of)
    as_credit, as_debit = ledger.pending(system_code, account_ids=ids, as_of=as_of)
    result = []
    for stored in accounts:
        kind = stored.account.type
        s = sums.get(stored.id, Sums())
        result.append(
            Balance(
                account=stored.account.code,
                type=kind,
                posted=normal_balance(kind, s.debits, s.credits),
                pending=pending_for(kind, as_credit.get(stored.id, 0), as_debit.get(stored.id, 0)),
                debits=s.debits,
                credits=s.credits,
            )
        )
    return result


def balance(
    uow: UnitOfWork, system_code: str, account: str, *, as_of: date | None = None
) -> Balance:
    stored = accounts_by_code(uow, system_code, [account], input_name="account", reading=True)
    return _balances(uow, system_code, [stored[account]], as_of)[0]


def balances(
    uow: UnitOfWork,
    system_code: str,
    *,
    prefix: str | None = None,
    fund: str | None = None,
    as_of: date | None = None,
) -> list[Balance]:
    accounts = repo(uow).accounts(system_code, prefix=prefix, fund=fund)
    whole = not prefix and not fund
    return _balances(uow, system_code, accounts, as_of, whole_system=whole)


def trial_balance(
    uow: UnitOfWork, system_code: str, *, fund: str | None = None, as_of: date | None = None
) -> TrialBalance:
    """Each account's net balance in the debit or the credit column; the columns agree when
    every journal balances (within a fund, when every journal stays inside the fund)."""
    rows = balances(uow, system_code, fund=fund, as_of=as_of)
    debit_column = sum(max(b.debits - b.credits, 0) for b in rows)
    credit_column = sum(max(b.credits - b.debits, 0) for b in rows)
    return TrialBalance(tuple(rows), debit_column, credit_column)


def leg_totals(uow: UnitOfWork, system_code: str) -> tuple[int, int]:
    """(sum of all debit legs, sum of all credit legs as a positive number) of the system,
    summed straight from the legs: equal whenever the ledger is sound."""
    sums = repo(uow).sums(system_code)
    return sum(s.debits for s in sums.values()), sum(s.credits for s in sums.values())


def journal(uow: UnitOfWork, system_code: str, journal_id: int) -> Journal:
    found = repo(uow).load_journals(system_code, [journal_id])
    if journal_id not in found:
        raise NotFound(
            "journal",
            str(journal_id),
            input_name="journal",
            expected="a journal id shown by 'ics finance journals'",
        )
    return found[journal_id]


def journals(
    uow: UnitOfWork,
    system_code: str,
    *,
    account: str | None = None,
    fund: str | None = None,
    limit: int = 100,
) -> list[Journal]:
    """Newest first; at most ``limit`` (1 to 1000)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_JOURNALS:
        raise InvalidInput(
            f"The limit {limit!r} is not allowed.",
            input_name="limit",
            expected=f"1 to {MAX_JOURNALS}",
        )
    ledger = repo(uow)
    account_ids: list[int] | None = None
    if account is not None:
        found = accounts_by_code(uow, system_code, [account], input_name="account", reading=True)
        account_ids = [found[account].id]
    if fund is not None:
        in_fund = [s.id for s in ledger.accounts(system_code, fund=fund)]
        account_ids = in_fund if account_ids is None else [a for a in account_ids if a in in_fund]
    ids = ledger.journal_ids(system_code, account_ids=account_ids, limit=limit)
    loaded = ledger.load_journals(system_code, ids)
    return [loaded[i] for i in ids]


def periods(uow: UnitOfWork, system_code: str) -> list[Period]:
    """Every period with a journal or a close, oldest first."""
    ledger = repo(uow)
    closed = ledger.closed_periods(system_code)
    names = sorted(set(ledger.journal_periods(system_code)) | set(closed))
    return [closed.get(name, Period(name, False)) for name in names]


def period(uow: UnitOfWork, system_code: str, name: str) -> Period:
    name = check_period(name)
    return repo(uow).closed_periods(system_code).get(name, Period(name, False))
