"""Request and response bodies of the ledger API. Amounts are integer pence (signed on a
leg: debit > 0, credit < 0); floats and numeric strings are refused (strict integers)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, StrictInt

from integrated_care.api.schemas.common import ApiModel, IsoDate
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import CommitmentState

Pence = StrictInt
KEY_DESCRIPTION = (
    "Idempotency key (or send it in the Idempotency-Key header): the same key with the same "
    "body replays the original; with another body it is refused (409)."
)


class AccountCreate(ApiModel):
    code: str = Field(description="e.g. place:nottingham-city:core-2025-26:budget")
    name: str
    type: AccountType
    fund: str | None = Field(default=None, description="e.g. core-2025-26")
    organisation_code: str | None = None
    guarded: bool = Field(default=False, description="Never below zero, counting commitments.")


class AccountRead(BaseModel):
    code: str
    name: str
    type: AccountType
    fund: str | None
    organisation_code: str | None
    guarded: bool
    closed: bool


class LegBody(ApiModel):
    account: str
    amount: Pence = Field(description="Pence: debit > 0, credit < 0, never 0.")
    memo: str = ""


class JournalCreate(ApiModel):
    key: str | None = Field(default=None, description=KEY_DESCRIPTION)
    posted_on: IsoDate
    description: str
    reference: str = ""
    legs: list[LegBody] = Field(description="Two or more legs summing to zero.")


class JournalBatchCreate(ApiModel):
    journals: list[JournalCreate] = Field(description="Posted all or nothing; each needs a key.")


class JournalRead(BaseModel):
    id: int
    key: str
    posted_on: IsoDate
    period: str
    description: str
    reference: str
    reverses: int | None
    created_at: datetime
    created_by: str
    legs: list[LegBody]
    replayed: bool = Field(default=False, description="True when this answered a replay.")


class ReversalCreate(ApiModel):
    key: str | None = Field(default=None, description=KEY_DESCRIPTION)
    posted_on: IsoDate
    reason: str


class BalanceRead(BaseModel):
    account: str
    type: AccountType
    posted: int = Field(description="Pence, in the account's normal direction.")
    pending: int = Field(description="Pence held by pending commitments.")
    available: int
    debits: int
    credits: int


class TrialBalanceRead(BaseModel):
    debits: int = Field(description="Sum of the debit column (net debit balances), pence.")
    credits: int = Field(description="Sum of the credit column (net credit balances), pence.")
    balanced: bool
    balances: list[BalanceRead]


class CommitmentCreate(ApiModel):
    key: str | None = Field(default=None, description=KEY_DESCRIPTION)
    debit_account: str
    credit_account: str = Field(description="The account funds are reserved on (a budget).")
    amount: Pence = Field(description="Pence, > 0.")
    reserved_on: IsoDate
    description: str
    expires_on: IsoDate | None = Field(default=None, description="Last day it may be posted.")


class CommitmentPost(ApiModel):
    key: str | None = Field(default=None, description=KEY_DESCRIPTION)
    posted_on: IsoDate
    amount: Pence | None = Field(default=None, description="Pence (default: all reserved).")


class CommitmentExpire(ApiModel):
    as_of: IsoDate


class CommitmentRead(BaseModel):
    id: int
    key: str
    debit_account: str
    credit_account: str
    amount: int
    state: CommitmentState
    reserved_on: IsoDate
    expires_on: IsoDate | None
    description: str
    posted_amount: int
    journal_id: int | None


class PeriodRead(BaseModel):
    period: str
    closed: bool
    closed_at: datetime | None
    closed_by: str | None
