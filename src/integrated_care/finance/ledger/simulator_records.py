"""The simulator's operation records and the chart of accounts it opens (pure data).

``simulator_ops`` draws these; ``simulator_run`` runs them on the ledger and the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from integrated_care.finance.chart import (
    AccountType,
    account_code,
    icb_funding,
    icb_unallocated,
    place_budget,
    place_spend,
    pool_fund,
    pool_partner,
)
from integrated_care.finance.ledger.model import Account, CommitmentRequest, JournalRequest

FUNDS = ("core-2025-26", "pmc-2025-26")
PLACES = tuple(f"place-{n}" for n in range(1, 9))
LINES = ("acute", "community", "mental-health", "prescribing", "primary-care")
ORGANISATIONS = ("RX1", "RK5", "E06000018", "E10000024")
POOL, COUNCIL = "city-s75", "E06000018"
START = date(2025, 4, 1)
OPEN_MONTHS = 3  # postings go to the earliest open month and the two after it


@dataclass(frozen=True, slots=True)
class OpenAccount:
    label: str
    account: Account


@dataclass(frozen=True, slots=True)
class Post:
    label: str
    request: JournalRequest


@dataclass(frozen=True, slots=True)
class PostMany:
    label: str
    requests: tuple[JournalRequest, ...]


@dataclass(frozen=True, slots=True)
class Reverse:
    label: str
    journal_key: str
    key: str
    posted_on: date


@dataclass(frozen=True, slots=True)
class Reserve:
    label: str
    request: CommitmentRequest


@dataclass(frozen=True, slots=True)
class PostCommitment:
    label: str
    commitment_key: str
    key: str
    posted_on: date
    amount: int | None


@dataclass(frozen=True, slots=True)
class Void:
    label: str
    commitment_key: str


@dataclass(frozen=True, slots=True)
class Expire:
    label: str
    as_of: date


@dataclass(frozen=True, slots=True)
class ClosePeriod:
    label: str
    period: str


@dataclass(frozen=True, slots=True)
class EndUnit:
    label: str
    commit: bool


Operation = (
    OpenAccount
    | Post
    | PostMany
    | Reverse
    | Reserve
    | PostCommitment
    | Void
    | Expire
    | ClosePeriod
    | EndUnit
)


def chart() -> list[Account]:
    """Every account the simulator may open: two funds, eight places, five spend lines,
    creditors, income and a pooled fund with a council's contribution. Budgets and the
    unallocated pot (debit-normal assets) and the council's contribution (a credit-normal
    equity account) are guarded."""
    out = []
    for fund in FUNDS:
        out.append(Account(pool_fund(POOL, fund), "Pooled fund", AccountType.ASSET, fund))
        partner = pool_partner(POOL, fund, COUNCIL)
        out.append(Account(partner, "Council", AccountType.EQUITY, fund, COUNCIL, True))
        out.append(Account(icb_funding(fund), "NHSE funding", AccountType.EQUITY, fund))
        out.append(
            Account(icb_unallocated(fund), "Unallocated", AccountType.ASSET, fund, None, True)
        )
        out.append(
            Account(account_code("icb", fund, "other-income"), "Income", AccountType.INCOME, fund)
        )
        for place in PLACES:
            out.append(
                Account(place_budget(place, fund), "Budget", AccountType.ASSET, fund, None, True)
            )
            out.extend(
                Account(place_spend(place, fund, line), line, AccountType.EXPENDITURE, fund)
                for line in LINES
            )
        for org in ORGANISATIONS:
            code = account_code("org", org, fund, "creditors")
            out.append(Account(code, "Creditors", AccountType.LIABILITY, fund, org))
    return out


def first_accounts(accounts: list[Account]) -> list[Account]:
    """Opened before the first step: each fund's ICB, pool and place-1 accounts."""
    return [a for a in accounts if a.code.startswith(("icb:", "pool:", "place:place-1:"))]
