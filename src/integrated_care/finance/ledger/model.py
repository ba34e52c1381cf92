"""Ledger types shared by every finance use case (the contract; keep it small and frozen).

Amounts are ``int`` pence. A leg's ``amount`` is signed: debit positive, credit negative, so
a journal balances when its legs sum to zero. Balances are reported in the account's normal
direction (``AccountType.debit_normal``), so a funded budget shows a positive balance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from integrated_care.finance.chart import AccountType


@dataclass(frozen=True, slots=True)
class Account:
    code: str  # see finance.chart for the convention
    name: str
    type: AccountType
    fund: str | None = None  # e.g. 'core-2025-26'
    organisation_code: str | None = None  # ODS/GSS code of the owner, where one organisation
    # A guarded account may never have a balance below zero in its normal direction, counting
    # pending commitments (TigerBeetle's debits_must_not_exceed_credits): a place budget
    # cannot be overcommitted. Switched on per account.
    guarded: bool = False
    closed: bool = False


@dataclass(frozen=True, slots=True)
class Leg:
    account: str
    amount: int  # pence; debit > 0, credit < 0, never 0
    memo: str = ""


@dataclass(frozen=True, slots=True)
class JournalRequest:
    """What a caller asks to post. ``key`` is the idempotency key (client-chosen, <= 200
    characters): the same key with the same request returns the original journal; the same
    key with a different request is refused."""

    key: str
    posted_on: date  # the accounting date; its period must be open
    description: str
    legs: tuple[Leg, ...]
    reference: str = ""  # e.g. an invoice, a decision register entry, a pool settlement


@dataclass(frozen=True, slots=True)
class Journal:
    id: int
    key: str
    posted_on: date
    period: str  # 'YYYY-MM'
    description: str
    legs: tuple[Leg, ...]
    reference: str
    created_at: datetime  # UTC
    created_by: str
    reverses: int | None = None  # the journal this one reverses, if it is a correction


@dataclass(frozen=True, slots=True)
class Posted:
    """The result of posting: the journal, and whether it was a replay of an earlier call."""

    journal: Journal
    replayed: bool = False


class CommitmentState(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CommitmentRequest:
    """Phase one of a two-phase posting: reserve ``amount`` moving from ``credit_account``
    (e.g. a place budget) to ``debit_account`` (e.g. a spend line) until posted, voided or
    expired. Reserving checks guarded accounts pessimistically."""

    key: str
    debit_account: str
    credit_account: str
    amount: int  # pence, > 0
    reserved_on: date
    description: str
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    id: int
    key: str
    debit_account: str
    credit_account: str
    amount: int
    state: CommitmentState
    reserved_on: date
    description: str
    expires_on: date | None
    posted_amount: int = 0  # a post may be partial; the rest is released
    journal_id: int | None = None  # the journal that posted it


@dataclass(frozen=True, slots=True)
class Balance:
    account: str
    type: AccountType
    posted: int  # pence, in the account's normal direction
    pending: int  # pence reserved by pending commitments on the side they would reduce
    debits: int = 0  # sum of posted debit legs (>= 0)
    credits: int = 0  # sum of posted credit legs, as a positive number

    @property
    def available(self) -> int:
        return self.posted - self.pending


@dataclass(frozen=True, slots=True)
class Period:
    period: str  # 'YYYY-MM'
    closed: bool
    closed_at: datetime | None = None
    closed_by: str | None = None


@dataclass(frozen=True, slots=True)
class TrialBalance:
    balances: tuple[Balance, ...] = field(default_factory=tuple)
    debits: int = 0
    credits: int = 0

    @property
    def balanced(self) -> bool:
        return self.debits == self.credits
