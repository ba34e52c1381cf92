"""Ledger values as plain dictionaries for JSON (the CLI's --json and the REST API share
them). Amounts are integer pence; dates ISO 8601."""

from __future__ import annotations

from typing import Any

from integrated_care.finance.ledger.model import (
    Account,
    Balance,
    Commitment,
    Journal,
    Period,
    TrialBalance,
)


def account_dict(a: Account) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "type": a.type.value,
        "fund": a.fund,
        "organisation_code": a.organisation_code,
        "guarded": a.guarded,
        "closed": a.closed,
    }


def journal_dict(j: Journal) -> dict[str, Any]:
    return {
        "id": j.id,
        "key": j.key,
        "posted_on": j.posted_on.isoformat(),
        "period": j.period,
        "description": j.description,
        "reference": j.reference,
        "reverses": j.reverses,
        "created_at": j.created_at.isoformat(),
        "created_by": j.created_by,
        "legs": [{"account": g.account, "amount": g.amount, "memo": g.memo} for g in j.legs],
    }


def balance_dict(b: Balance) -> dict[str, Any]:
    return {
        "account": b.account,
        "type": b.type.value,
        "posted": b.posted,
        "pending": b.pending,
        "available": b.available,
        "debits": b.debits,
        "credits": b.credits,
    }


def trial_balance_dict(tb: TrialBalance) -> dict[str, Any]:
    return {
        "debits": tb.debits,
        "credits": tb.credits,
        "balanced": tb.balanced,
        "balances": [balance_dict(b) for b in tb.balances],
    }


def commitment_dict(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.id,
        "key": c.key,
        "debit_account": c.debit_account,
        "credit_account": c.credit_account,
        "amount": c.amount,
        "state": c.state.value,
        "reserved_on": c.reserved_on.isoformat(),
        "expires_on": c.expires_on.isoformat() if c.expires_on else None,
        "description": c.description,
        "posted_amount": c.posted_amount,
        "journal_id": c.journal_id,
    }


def period_dict(p: Period) -> dict[str, Any]:
    return {
        "period": p.period,
        "closed": p.closed,
        "closed_at": p.closed_at.isoformat() if p.closed_at else None,
        "closed_by": p.closed_by,
    }
