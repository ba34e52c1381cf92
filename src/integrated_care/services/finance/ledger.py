"""Ledger use cases (CONTRACT — signatures are fixed; optional keywords may be added).

Every function takes the caller's unit of work and never commits. Writes check
``Permission.POST_FINANCE`` on ``actor``; reads of restricted ledgers are the caller's
concern (the API checks roles). Journals are immutable; corrections are reversing journals.

The write paths live in ``ledger_posting`` (journals, in bulk) and ``ledger_commitments``
(two-phase postings); reads in ``ledger_queries``; concurrency in ``ledger_common``. See
docs/finance-ledger.md for the design.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, NotFound
from integrated_care.finance.ledger.model import (
    Account,
    Balance,
    Commitment,
    CommitmentRequest,
    Journal,
    JournalRequest,
    Period,
    Posted,
    TrialBalance,
)
from integrated_care.finance.ledger.rules import (
    check_account,
    check_key,
    check_period,
    check_text,
    reversal_legs,
)
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger_commitments, ledger_queries
from integrated_care.services.finance.ledger_common import audit, concurrently, repo
from integrated_care.services.finance.ledger_posting import post_batch

MAX_REASON = 300


def open_account(uow: UnitOfWork, system_code: str, account: Account, *, actor: Actor) -> Account:
    """Open an account. Opening an identical account again is a no-op; a different account
    under the same code is a Conflict."""
    ensure_accounts(uow, system_code, [account], actor=actor)
    return account


def ensure_accounts(
    uow: UnitOfWork, system_code: str, accounts: Iterable[Account], *, actor: Actor
) -> None:
    """Open each account that does not exist yet (bulk; same rules as ``open_account``)."""
    require(actor, Permission.POST_FINANCE)
    wanted: dict[str, Account] = {}
    for n, account in enumerate(accounts):
        check_account(account, input_name="account" if n == 0 else f"accounts[{n}]")
        if account.code in wanted and wanted[account.code] != account:
            raise _account_conflict(account.code)
        wanted[account.code] = account
    if not wanted:
        return
    ledger = repo(uow)
    ledger.lock_system(system_code)

    def write() -> list[Account]:
        stored = {
            s.account.code: s.account for s in ledger.accounts(system_code, codes=list(wanted))
        }
        for code, account in wanted.items():
            if code in stored and stored[code] != account:
                raise _account_conflict(code, stored[code])
        new = [a for code, a in wanted.items() if code not in stored]
        ledger.insert_accounts(system_code, new, at=utc_now(), by=actor.name)
        return new

    new = concurrently(uow, write)
    if new:
        audit(
            uow,
            actor,
            system_code,
            "finance/ledger/accounts",
            opened=len(new),
            first=new[0].code,
        )


def _account_conflict(code: str, existing: Account | None = None) -> Conflict:
    held = ""
    if existing is not None:
        extras = (", guarded" if existing.guarded else "") + (
            f", fund {existing.fund}" if existing.fund else ""
        )
        held = f" (it is open as a {existing.type.value} account named '{existing.name}'{extras})"
    return Conflict(
        f"The account {code} is already defined differently{held}.",
        input_name="account",
        expected="the same type, name, fund, owner and guard as the open account, or a new code",
    )


def get_account(uow: UnitOfWork, system_code: str, code: str) -> Account:
    """The account, or NotFound with suggestions."""
    found = repo(uow).accounts(system_code, codes=[code])
    if not found:
        raise NotFound(
            "ledger account",
            code,
            input_name="account",
            candidates=repo(uow).account_codes(system_code),
            expected="an account opened with 'ics finance open-account'",
        )
    return found[0].account


def list_accounts(
    uow: UnitOfWork, system_code: str, *, prefix: str | None = None, fund: str | None = None
) -> list[Account]:
    return [s.account for s in repo(uow).accounts(system_code, prefix=prefix, fund=fund)]


def post(uow: UnitOfWork, system_code: str, request: JournalRequest, *, actor: Actor) -> Posted:
    """Post one balanced journal (>= 2 legs summing to zero, known open accounts, open
    period, no zero legs). A replayed key with the same request returns the original with
    ``replayed=True``; with a different request it is a Conflict. Guarded accounts may not
    go below zero (counting pending commitments), and the system's financial duties
    (``services.finance.duties.check_postings``) are checked before anything is written."""
    return post_batch(uow, system_code, [request], actor=actor, single=True)[0]


def post_many(
    uow: UnitOfWork, system_code: str, requests: Sequence[JournalRequest], *, actor: Actor
) -> list[Posted]:
    """Post a batch with the same rules as ``post``, all or nothing, using bulk statements
    (the fast path: >= 5,000 journals/s on SQLite and PostgreSQL)."""
    return post_batch(uow, system_code, list(requests), actor=actor)


def reverse(
    uow: UnitOfWork,
    system_code: str,
    journal_id: int,
    *,
    key: str,
    posted_on: date,
    reason: str,
    actor: Actor,
) -> Posted:
    """Post the mirror image of a journal (each leg negated) that records which journal it
    reverses. A journal can be reversed once; a reversal cannot itself be reversed."""
    require(actor, Permission.POST_FINANCE)
    check_key(key)
    check_text(reason, MAX_REASON, input_name="reason")
    original = ledger_queries.journal(uow, system_code, journal_id)
    if original.reverses is not None:
        raise Conflict(
            f"Journal {journal_id} is itself the reversal of journal {original.reverses}; "
            "a reversal cannot be reversed.",
            input_name="journal",
            expected="a journal that is not a reversal (post a new journal instead)",
        )
    request = JournalRequest(
        key=key,
        posted_on=posted_on,
        description=f"Reversal of journal {journal_id}: {reason}"[:500],
        legs=reversal_legs(original.legs),
        reference=original.reference,
    )
    return post_batch(uow, system_code, [request], actor=actor, reverses=[journal_id], single=True)[
        0
    ]


def reserve(
    uow: UnitOfWork, system_code: str, request: CommitmentRequest, *, actor: Actor
) -> Commitment:
    """Phase one: reserve funds (pending). Idempotent on ``request.key`` like ``post``."""
    return ledger_commitments.reserve(uow, system_code, request, actor=actor)


def post_commitment(
    uow: UnitOfWork,
    system_code: str,
    commitment_id: int,
    *,
    key: str,
    posted_on: date,
    amount: int | None = None,
    actor: Actor,
) -> Posted:
    """Phase two: post the commitment (all of it, or ``amount`` <= reserved; the rest is
    released). Only a pending commitment can be posted, once."""
    return ledger_commitments.post_commitment(
        uow, system_code, commitment_id, key=key, posted_on=posted_on, amount=amount, actor=actor
    )


def void_commitment(
    uow: UnitOfWork, system_code: str, commitment_id: int, *, actor: Actor
) -> Commitment:
    """Release a pending commitment. Voiding a voided commitment again changes nothing."""
    return ledger_commitments.void_commitment(uow, system_code, commitment_id, actor=actor)


def expire_commitments(
    uow: UnitOfWork, system_code: str, as_of: date, *, actor: Actor
) -> list[Commitment]:
    """Expire every pending commitment whose ``expires_on`` is before ``as_of``."""
    return ledger_commitments.expire_commitments(uow, system_code, as_of, actor=actor)


def commitments(
    uow: UnitOfWork, system_code: str, *, account: str | None = None, pending_only: bool = False
) -> list[Commitment]:
    return ledger_commitments.commitments(
        uow, system_code, account=account, pending_only=pending_only
    )


def commitment(uow: UnitOfWork, system_code: str, commitment_id: int) -> Commitment:
    return ledger_commitments.commitment(uow, system_code, commitment_id)


def commitment_by_key(uow: UnitOfWork, system_code: str, key: str) -> Commitment | None:
    """The commitment reserved under this idempotency key, if any."""
    return ledger_commitments.by_key(uow, system_code, key)


def close_period(uow: UnitOfWork, system_code: str, period: str, *, actor: Actor) -> Period:
    """Close 'YYYY-MM': later postings dated in it are refused (also by the database).
    Closing a closed period again changes nothing; there is no reopening."""
    require(actor, Permission.POST_FINANCE)
    name = check_period(period)
    ledger = repo(uow)
    ledger.lock_system(system_code)

    def write() -> tuple[Period, bool]:
        ledger.lock_periods(system_code, closing=True)
        closed = ledger.closed_periods(system_code)
        if name in closed:
            return closed[name], False
        now = utc_now()
        ledger.close_period(system_code, name, at=now, by=actor.name)
        return Period(name, True, now, actor.name), True

    result, changed = concurrently(uow, write)
    if changed:
        audit(uow, actor, system_code, f"finance/ledger/periods/{name}", action="close")
    return result


def periods(uow: UnitOfWork, system_code: str) -> list[Period]:
    return ledger_queries.periods(uow, system_code)


def balance(
    uow: UnitOfWork, system_code: str, account: str, *, as_of: date | None = None
) -> Balance:
    return ledger_queries.balance(uow, system_code, account, as_of=as_of)


def balances(
    uow: UnitOfWork,
    system_code: str,
    *,
    prefix: str | None = None,
    fund: str | None = None,
    as_of: date | None = None,
) -> list[Balance]:
    """Balances of every matching account (code starting with ``prefix``, in ``fund``)."""
    return ledger_queries.balances(uow, system_code, prefix=prefix, fund=fund, as_of=as_of)


def trial_balance(
    uow: UnitOfWork, system_code: str, *, fund: str | None = None, as_of: date | None = None
) -> TrialBalance:
    return ledger_queries.trial_balance(uow, system_code, fund=fund, as_of=as_of)


def leg_totals(uow: UnitOfWork, system_code: str) -> tuple[int, int]:
    """(all debit legs, all credit legs as a positive number), summed from the legs."""
    return ledger_queries.leg_totals(uow, system_code)


def journal(uow: UnitOfWork, system_code: str, journal_id: int) -> Journal:
    return ledger_queries.journal(uow, system_code, journal_id)


def journals(
    uow: UnitOfWork,
    system_code: str,
    *,
    account: str | None = None,
    fund: str | None = None,
    limit: int = 100,
) -> list[Journal]:
    """Newest first."""
    return ledger_queries.journals(uow, system_code, account=account, fund=fund, limit=limit)
