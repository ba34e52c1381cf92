"""The ledger's rules, checked in Python before anything is written (pure: no database).

The database checks the balance rule again (migration 0006); these checks exist to give a
clear message naming the journal and the leg, and to refuse a whole batch before any of it
is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

from integrated_care.errors import InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account, CommitmentRequest, JournalRequest, Leg
from integrated_care.finance.money import format_gbp

MAX_KEY = 200
MAX_DESCRIPTION = 500
MAX_REFERENCE = 200
MAX_MEMO = 200
MAX_LEGS = 100
# One leg's limit: £10 trillion. Sums of many legs stay far inside 64-bit integers.
MAX_AMOUNT = 10**15
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ACCOUNT_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$")
MAX_ACCOUNT = 200
MAX_NAME = 200


def period_of(day: date) -> str:
    """The accounting period of a date: 'YYYY-MM'."""
    return f"{day.year:04d}-{day.month:02d}"


def check_period(text: str, *, input_name: str = "period") -> str:
    if not PERIOD.match(text.strip()):
        raise InvalidInput(
            f"'{text}' is not an accounting period.",
            input_name=input_name,
            expected="a month as YYYY-MM, e.g. 2025-04",
        )
    return text.strip()


def check_key(key: object, *, input_name: str = "key") -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY:
        raise InvalidInput(
            f"The idempotency key {key!r} is not valid.",
            input_name=input_name,
            expected=f"1 to {MAX_KEY} characters, chosen by the caller (e.g. a UUID)",
        )
    return key


def check_text(value: object, limit: int, *, input_name: str, blank_ok: bool = False) -> str:
    if isinstance(value, str) and len(value) <= limit and (blank_ok or value.strip()):
        return value
    problem = "is too long" if isinstance(value, str) and value.strip() else "is blank"
    raise InvalidInput(
        f"The {input_name} {problem if isinstance(value, str) else 'is not text'}.",
        input_name=input_name,
        expected=f"{'0' if blank_ok else '1'} to {limit} characters",
    )


def check_amount(amount: object, *, input_name: str, positive: bool = False) -> int:
    """Pence as an ``int`` (never a float or a bool), non-zero, within the ledger's limit."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidInput(
            f"The amount {amount!r} is not a whole number of pence.",
            input_name=input_name,
            expected="an integer number of pence",
        )
    if amount == 0 or abs(amount) > MAX_AMOUNT or (positive and amount < 0):
        raise InvalidInput(
            f"The amount {amount} pence is not allowed here.",
            input_name=input_name,
            expected=(
                f"{'a positive' if positive else 'a non-zero'} number of pence, "
                f"at most {MAX_AMOUNT} in size"
            ),
        )
    return amount


def check_journal(request: JournalRequest, *, where: str = "journal") -> None:
    """A journal is >= 2 legs of non-zero pence on named accounts, summing to zero.

    Batches check thousands of journals: a fast yes/no pass runs first, and only a journal
    that fails it is checked again slowly to name the field at fault."""
    if _journal_ok(request):
        return
    _explain_journal(request, where)
    raise AssertionError(f"{where} failed the fast check but passed the full one")


def _journal_ok(r: JournalRequest) -> bool:
    if not (
        isinstance(r.key, str)
        and r.key.strip()
        and len(r.key) <= MAX_KEY
        and isinstance(r.posted_on, date)
        and isinstance(r.description, str)
        and r.description.strip()
        and len(r.description) <= MAX_DESCRIPTION
        and isinstance(r.reference, str)
        and len(r.reference) <= MAX_REFERENCE
        and isinstance(r.legs, tuple | list)
        and 2 <= len(r.legs) <= MAX_LEGS
    ):
        return False
    total = 0
    for leg in r.legs:
        if not isinstance(leg, Leg) or not isinstance(leg.account, str):
            return False
        amount = leg.amount
        if (
            not isinstance(amount, int)
            or isinstance(amount, bool)
            or amount == 0
            or abs(amount) > MAX_AMOUNT
            or not _code_ok(leg.account)
            or not isinstance(leg.memo, str)
            or len(leg.memo) > MAX_MEMO
        ):
            return False
        total += amount
    return total == 0


@lru_cache(maxsize=65_536)
def _code_ok(code: str) -> bool:
    try:
        check_account_code(code)
    except InvalidInput:
        return False
    return True


def _explain_journal(request: JournalRequest, where: str) -> None:
    """The slow path of ``check_journal``: raise the error naming the field at fault."""
    check_key(request.key, input_name=f"{where}.key")
    if not isinstance(request.posted_on, date):
        raise InvalidInput(
            f"The date of {where} is not a date.",
            input_name=f"{where}.posted_on",
            expected="a date, YYYY-MM-DD",
        )
    check_text(request.description, MAX_DESCRIPTION, input_name=f"{where}.description")
    check_text(request.reference, MAX_REFERENCE, input_name=f"{where}.reference", blank_ok=True)
    legs = request.legs
    if not isinstance(legs, tuple | list) or not 2 <= len(legs) <= MAX_LEGS:
        raise InvalidInput(
            f"The journal '{request.key}' has "
            f"{len(legs) if isinstance(legs, tuple | list) else 'no list of'} leg(s).",
            input_name=f"{where}.legs",
            expected=f"2 to {MAX_LEGS} legs (a debit and a credit at least)",
        )
    for n, leg in enumerate(legs):
        if not isinstance(leg, Leg) or not isinstance(leg.account, str):
            raise InvalidInput(
                f"Leg {n + 1} of journal '{request.key}' is not a leg.",
                input_name=f"{where}.legs[{n}]",
                expected="an account code and a signed amount in pence",
            )
        check_account_code(leg.account, input_name=f"{where}.legs[{n}].account")
        check_amount(leg.amount, input_name=f"{where}.legs[{n}].amount")
        check_text(leg.memo, MAX_MEMO, input_name=f"{where}.legs[{n}].memo", blank_ok=True)
    total = sum(leg.amount for leg in legs)
    if total != 0:
        debits = sum(leg.amount for leg in legs if leg.amount > 0)
        raise InvalidInput(
            f"The journal '{request.key}' does not balance: debits {format_gbp(debits)}, "
            f"credits {format_gbp(debits - total)} (a difference of {format_gbp(total)}).",
            input_name=f"{where}.legs",
            expected="legs summing to zero (debits positive, credits negative)",
        )


def check_account_code(code: object, *, input_name: str = "account") -> str:
    """Parts of letters, digits, '-' or '_' joined by ':' (the finance.chart convention)."""
    if not isinstance(code, str) or not code or len(code) > MAX_ACCOUNT:
        raise InvalidInput(
            f"{code!r} is not an account code.",
            input_name=input_name,
            expected=f"an account code of at most {MAX_ACCOUNT} characters (see finance.chart)",
        )
    for part in code.split(":"):
        if not ACCOUNT_PART.match(part):
            raise InvalidInput(
                f"'{code}' is not an account code.",
                input_name=input_name,
                expected="parts of letters, digits, '-' or '_' joined by ':', "
                "e.g. place:nottingham-city:core-2025-26:budget",
            )
    return code


def check_account(account: Account, *, input_name: str = "account") -> Account:
    """An account fit to open: a valid code, a name, a type, an optional fund and owner."""
    if not isinstance(account, Account):
        raise InvalidInput(
            "The account is not an account.", input_name=input_name, expected="an Account"
        )
    check_account_code(account.code, input_name=f"{input_name}.code")
    check_text(account.name, MAX_NAME, input_name=f"{input_name}.name")
    if not isinstance(account.type, AccountType):
        raise InvalidInput(
            f"{account.type!r} is not an account type.",
            input_name=f"{input_name}.type",
            expected=", ".join(t.value for t in AccountType),
        )
    if account.fund is not None and not ACCOUNT_PART.match(account.fund):
        raise InvalidInput(
            f"'{account.fund}' is not a fund code.",
            input_name=f"{input_name}.fund",
            expected="a fund code like core-2025-26 (finance.chart.fund_code)",
        )
    if account.organisation_code is not None:
        check_text(account.organisation_code, 40, input_name=f"{input_name}.organisation_code")
    return account


def check_commitment(request: CommitmentRequest, *, where: str = "commitment") -> None:
    check_key(request.key, input_name=f"{where}.key")
    check_account_code(request.debit_account, input_name=f"{where}.debit_account")
    check_account_code(request.credit_account, input_name=f"{where}.credit_account")
    if request.debit_account == request.credit_account:
        raise InvalidInput(
            f"The commitment '{request.key}' debits and credits the same account.",
            input_name=f"{where}.credit_account",
            expected="two different accounts",
        )
    check_amount(request.amount, input_name=f"{where}.amount", positive=True)
    check_text(request.description, MAX_DESCRIPTION, input_name=f"{where}.description")
    if not isinstance(request.reserved_on, date):
        raise InvalidInput(
            "The reservation date is not a date.",
            input_name=f"{where}.reserved_on",
            expected="a date, YYYY-MM-DD",
        )
    if request.expires_on is not None and request.expires_on < request.reserved_on:
        raise InvalidInput(
            f"The commitment '{request.key}' expires before it is reserved.",
            input_name=f"{where}.expires_on",
            expected=f"a date on or after {request.reserved_on.isoformat()}",
        )


def _digest(body: Mapping[str, object]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def journal_hash(request: JournalRequest, *, reverses: int | None = None) -> str:
    """The hash stored with an idempotency key: the same key must come with the same body.
    Legs keep their order, so the same journal with its legs shuffled is a different body."""
    return _digest(
        {
            "posted_on": request.posted_on.isoformat(),
            "description": request.description,
            "reference": request.reference,
            "legs": [[leg.account, leg.amount, leg.memo] for leg in request.legs],
            "reverses": reverses,
        }
    )


def commitment_hash(request: CommitmentRequest) -> str:
    return _digest(
        {
            "debit_account": request.debit_account,
            "credit_account": request.credit_account,
            "amount": request.amount,
            "reserved_on": request.reserved_on.isoformat(),
            "expires_on": request.expires_on.isoformat() if request.expires_on else None,
            "description": request.description,
        }
    )


def normal_balance(account_type: AccountType, debit_total: int, credit_total: int) -> int:
    """Debits minus credits for assets and expenditure, credits minus debits otherwise
    (``credit_total`` is a positive number)."""
    if account_type.debit_normal:
        return debit_total - credit_total
    return credit_total - debit_total


def normal_effect(account_type: AccountType, signed_amount: int) -> int:
    """How a signed leg (debit > 0) moves the balance in the account's normal direction."""
    return signed_amount if account_type.debit_normal else -signed_amount


def reversal_legs(legs: Iterable[Leg]) -> tuple[Leg, ...]:
    """The mirror image of a journal: each leg negated, in the same order."""
    return tuple(Leg(leg.account, -leg.amount, leg.memo) for leg in legs)


def overdrawn_message(account: str, available: int, needed: int, *, what: str) -> str:
    """'place budget X has £A available; the commitment needs £B'."""
    return (
        f"{describe_account(account)} has {format_gbp(max(available, 0))} available; "
        f"the {what} needs {format_gbp(needed)}."
    )


def describe_account(code: str) -> str:
    parts = code.split(":")
    if len(parts) >= 4 and parts[0] == "place" and parts[-1] == "budget":
        return f"The place budget {code}"
    return f"The guarded account {code}"
