"""The chart of accounts: account types, funds (allocation streams per financial year) and
the one convention every finance use case follows for account codes.

An account code is ``<owner>:<fund>:<purpose>``, each part lower-case words joined by '-':

    icb:core-2025-26:nhse-funding        equity   what NHS England allocated to the system
    icb:core-2025-26:unallocated         asset    the single pot not yet delegated or spent
    place:nottingham-city:core-2025-26:budget             asset  (guarded: never below zero)
    place:nottingham-city:core-2025-26:spend:mental-health  expenditure
    pool:nottingham-city-s75:bcf-2025-26:fund              asset  the pooled fund (host holds)
    pool:nottingham-city-s75:bcf-2025-26:partner:E08000018 equity that partner's contribution
    org:E10000024:running-costs-2020-21:contribution       income  a partner's running-cost payment

The fund is ``<stream>-<yyyy>-<yy>``: each financial year's stream is its own fund, so a
year's single pot is a set of funds and balances never mix years.
"""

from __future__ import annotations

import re
from enum import StrEnum

from integrated_care.errors import InvalidInput


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"  # funding received (NHS England allocations, partner contributions)
    INCOME = "income"
    EXPENDITURE = "expenditure"

    @property
    def debit_normal(self) -> bool:
        """Assets and expenditure grow with debits; the others grow with credits."""
        return self in (AccountType.ASSET, AccountType.EXPENDITURE)


class Stream(StrEnum):
    """NHS England's ICB allocation streams (the single pot) and the funds beside it."""

    CORE = "core"  # ICB core services
    PMC = "pmc"  # primary medical care (delegated GP)
    SPECIALISED = "specialised"
    POD = "pod"  # pharmacy, optometry and dental ("other primary care" before 2025/26)
    RCA = "rca"  # running cost allowance
    NON_RECURRENT = "non-recurrent"  # SDF, ERF, discharge and other lines added after
    BCF = "bcf"  # Better Care Fund (pooled under section 75)
    S75 = "s75"  # other section 75 pooled budgets
    RUNNING_COSTS = "running-costs"  # partner contributions to ICS running costs


SINGLE_POT = (
    Stream.CORE,
    Stream.PMC,
    Stream.SPECIALISED,
    Stream.POD,
    Stream.RCA,
    Stream.NON_RECURRENT,
)

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")


def parse_financial_year(text: str, *, input_name: str = "year") -> int:
    """'2025/26' -> 2025 (the year in which it starts on 1 April)."""
    m = _YEAR.match(text.strip())
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise InvalidInput(
            f"'{text}' is not a financial year.",
            input_name=input_name,
            expected="a financial year like 2025/26",
        )
    return int(m.group(1))


def year_label(start: int) -> str:
    """2025 -> '2025/26'."""
    return f"{start}/{(start + 1) % 100:02d}"


def fund_code(stream: Stream | str, year_start: int) -> str:
    """(core, 2025) -> 'core-2025-26'."""
    return f"{Stream(stream).value}-{year_start}-{(year_start + 1) % 100:02d}"


def account_code(*parts: str) -> str:
    """Join parts with ':' after checking each (letters, digits and '-')."""
    for part in parts:
        if not _PART.match(part):
            raise InvalidInput(
                f"'{part}' cannot be part of an account code.",
                input_name="account",
                expected="letters, digits, '-' or '_', at most 60 characters per part",
            )
    return ":".join(parts)


def icb_funding(fund: str) -> str:
    return account_code("icb", fund, "nhse-funding")


def icb_unallocated(fund: str) -> str:
    return account_code("icb", fund, "unallocated")


def place_budget(place: str, fund: str) -> str:
    return account_code("place", place, fund, "budget")


def place_spend(place: str, fund: str, line: str) -> str:
    return account_code("place", place, fund, "spend", line)


def pool_fund(pool: str, fund: str) -> str:
    return account_code("pool", pool, fund, "fund")


def pool_partner(pool: str, fund: str, organisation: str) -> str:
    return account_code("pool", pool, fund, "partner", organisation)


def pool_spend(pool: str, fund: str, line: str) -> str:
    return account_code("pool", pool, fund, "spend", line)
