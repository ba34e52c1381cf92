"""Ledger use cases (CONTRACT — implemented by the ledger work; signatures are fixed).

Every function takes the caller's unit of work and never commits. Writes check
``Permission.POST_FINANCE`` on ``actor``; reads of restricted ledgers are the caller's
concern (the API checks roles). Journals are immutable; corrections are reversing journals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from integrated_care.access import Actor
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
from integrated_care.persistence.uow import UnitOfWork


def open_account(uow: UnitOfWork, system_code: str, account: Account, *, actor: Actor) -> Account:
    """Open an account. Opening an identical account again is a no-op; a different account
    under the same code is a Conflict."""
    raise NotImplementedError


def ensure_accounts(
    uow: UnitOfWork, system_code: str, accounts: Iterable[Account], *, actor: Actor
) -> None:
    """Open each account that does not exist yet (bulk; same rules as ``open_account``)."""
    raise NotImplementedError


def get_account(uow: UnitOfWork, system_code: str, code: str) -> Account:
    """The account, or NotFound with suggestions."""
    raise NotImplementedError


def list_accounts(
    uow: UnitOfWork, system_code: str, *, prefix: str | None = None, fund: str | None = None
) -> list[Account]:
    raise NotImplementedError


def post(uow: UnitOfWork, system_code: str, request: JournalRequest, *, actor: Actor) -> Posted:
    """Post one balanced journal (>= 2 legs summing to zero, known open accounts, open
    period, no zero legs). A replayed key with the same request returns the original with
    ``replayed=True``; with a different request it is a Conflict. Guarded accounts may not
    go below zero (counting pending commitments), and the system's financial duties
    (``services.finance.duties.check_postings``) are checked before anything is written."""
    raise NotImplementedError


def post_many(
    uow: UnitOfWork, system_code: str, requests: Sequence[JournalRequest], *, actor: Actor
) -> list[Posted]:
    """Post a batch with the same rules as ``post``, all or nothing, using bulk statements
    (the fast path: >= 5,000 journals/s on SQLite and PostgreSQL)."""
    raise NotImplementedError


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
    raise NotImplementedError


def reserve(
    uow: UnitOfWork, system_code: str, request: CommitmentRequest, *, actor: Actor
) -> Commitment:
    """Phase one: reserve funds (pending). Idempotent on ``request.key`` like ``post``."""
    raise NotImplementedError


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
    raise NotImplementedError


def void_commitment(
    uow: UnitOfWork, system_code: str, commitment_id: int, *, actor: Actor
) -> Commitment:
    raise NotImplementedError


def expire_commitments(
    uow: UnitOfWork, system_code: str, as_of: date, *, actor: Actor
) -> list[Commitment]:
    """Expire every pending commitment whose ``expires_on`` is before ``as_of``."""
    raise NotImplementedError


def commitments(
    uow: UnitOfWork, system_code: str, *, account: str | None = None, pending_only: bool = False
) -> list[Commitment]:
    raise NotImplementedError


def close_period(uow: UnitOfWork, system_code: str, period: str, *, actor: Actor) -> Period:
    """Close 'YYYY-MM': later postings dated in it are refused (also by the database)."""
    raise NotImplementedError


def periods(uow: UnitOfWork, system_code: str) -> list[Period]:
    raise NotImplementedError


def balance(
    uow: UnitOfWork, system_code: str, account: str, *, as_of: date | None = None
) -> Balance:
    raise NotImplementedError


def balances(
    uow: UnitOfWork,
    system_code: str,
    *,
    prefix: str | None = None,
    fund: str | None = None,
    as_of: date | None = None,
) -> list[Balance]:
    """Balances of every matching account (code starting with ``prefix``, in ``fund``)."""
    raise NotImplementedError


def trial_balance(uow: UnitOfWork, system_code: str, *, fund: str | None = None) -> TrialBalance:
    raise NotImplementedError


def journal(uow: UnitOfWork, system_code: str, journal_id: int) -> Journal:
    raise NotImplementedError


def journals(
    uow: UnitOfWork,
    system_code: str,
    *,
    account: str | None = None,
    fund: str | None = None,
    limit: int = 100,
) -> list[Journal]:
    """Newest first."""
    raise NotImplementedError
