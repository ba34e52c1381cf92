"""A pool's statement: contributions by partner and line, spend, risk-share calls, the
settlement preview (or the posted settlement) and the pool fund's ledger balance, which must
equal the book balance worked from the pool's own entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from integrated_care.access import Actor
from integrated_care.errors import InvalidInput, NotFound
from integrated_care.finance.chart import pool_fund
from integrated_care.finance.pools import (
    Contribution,
    LineKind,
    Outturn,
    Pool,
    Settlement,
    settle,
    still_due,
)
from integrated_care.persistence.partnership_repository import PoolEntry, StoredSettlement
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger
from integrated_care.services.finance.pools import get, repo


@dataclass(frozen=True, slots=True)
class PoolStatement:
    """A pooled fund statement: what went in, what was spent, the settlement so far."""

    pool: Pool
    fund: str
    entries: tuple[PoolEntry, ...]
    contributions: tuple[Contribution, ...]
    spent: Mapping[str, int]  # line -> pence
    called: Mapping[str, int]  # partner -> risk-share calls paid in
    preview: Settlement  # on recorded spend (plus any forecast given)
    due: Mapping[str, int]  # partner -> still to pay (+) or get back (-) at settlement
    settled: StoredSettlement | None
    settled_amounts: Mapping[str, int]  # partner -> what the settlement posted
    book_balance: int  # contributions + calls + settlement - spend, from the entries
    ledger_balance: int | None  # the pool fund account's posted balance

    def by_partner_line(self, partner: str, line: str) -> int:
        return sum(c.amount for c in self.contributions if (c.partner, c.line) == (partner, line))

    @property
    def reconciled(self) -> bool:
        return self.ledger_balance in (None, self.book_balance)


def entry_figures(
    entries: Sequence[PoolEntry],
) -> tuple[list[Contribution], dict[str, int], dict[str, int], dict[str, int]]:
    contributions = [
        Contribution(e.partner or "", e.line or "", e.amount)
        for e in entries
        if e.kind == "contribution"
    ]
    spent: dict[str, int] = {}
    called: dict[str, int] = {}
    settled: dict[str, int] = {}
    for e in entries:
        if e.kind == "spend":
            spent[e.line or ""] = spent.get(e.line or "", 0) + e.amount
        elif e.kind == "call":
            called[e.partner or ""] = called.get(e.partner or "", 0) + e.amount
        elif e.kind == "settlement":
            settled[e.partner or ""] = settled.get(e.partner or "", 0) + e.amount
    return contributions, spent, called, settled


def book_balance_of(entries: Sequence[PoolEntry]) -> int:
    sign = {"contribution": 1, "call": 1, "settlement": 1, "spend": -1}
    return sum(sign[e.kind] * e.amount for e in entries)


def statement(
    uow: UnitOfWork,
    system_code: str,
    code: str,
    *,
    actor: Actor,
    forecast: Mapping[str, int] | None = None,
) -> PoolStatement:
    """The pool's statement; ``forecast`` (line -> uncommitted planned spend, pence) adds
    planned scheme spend to the settlement preview, which the waterfall may cut."""
    stored = get(uow, system_code, code, actor=actor)
    pool, fund = stored.pool, stored.fund
    entries = repo(uow).entries(system_code, pool.code)
    contributions, spent, called, settled_amounts = entry_figures(entries)
    extra = dict(forecast or {})
    for line, value in extra.items():
        pool.line(line)
        if value < 0:
            raise InvalidInput("A forecast is negative.", input_name="forecast", expected=">= 0")
    outturns = [
        Outturn(x.code, spent.get(x.code, 0), extra.get(x.code, 0))
        for x in pool.lines
        if x.kind is not LineKind.RISK_POOL
    ]
    preview = settle(pool, contributions, outturns)
    try:
        ledger_balance: int | None = ledger.balance(
            uow, system_code, pool_fund(pool.code, fund)
        ).posted
    except NotFound:
        ledger_balance = None
    return PoolStatement(
        pool,
        fund,
        tuple(entries),
        tuple(contributions),
        spent,
        called,
        preview,
        still_due(preview, called),
        repo(uow).settlement(system_code, pool.code),
        settled_amounts,
        book_balance_of(entries),
        ledger_balance,
    )


def summarise(s: Settlement) -> dict[str, Any]:
    """The settlement as JSON-ready data (pence)."""
    w = s.waterfall
    return {
        "contributions": s.contributions,
        "outturn": s.outturn,
        "retained": s.retained,
        "returned": s.returned,
        "unfunded": s.unfunded,
        "underspend_rule": s.underspend_rule.value,
        "waterfall": {
            "overspend": w.overspend,
            "underspend": w.underspend,
            "offset": w.offset,
            "risk_pool": w.risk_pool,
            "risk_pool_used": w.risk_pool_used,
            "uncommitted_cut": w.uncommitted_cut,
            "to_partners": w.to_partners,
            "unfunded": w.unfunded,
            "underspend_left": w.underspend_left,
        },
        "lines": [
            {
                "line": x.line,
                "name": x.name,
                "kind": x.kind.value,
                "budget": x.budget,
                "spent": x.spent,
                "uncommitted": x.uncommitted,
                "cut": x.cut,
                "outturn": x.outturn,
                "variance": x.variance,
            }
            for x in s.lines
        ],
        "partners": [
            {
                "partner": p.partner,
                "contributed": p.contributed,
                "shared": p.shared,
                "cap": p.cap,
                "fixed_lines": p.fixed_lines,
                "overspend_share": p.overspend_share,
                "underspend_return": p.underspend_return,
                "net": p.net,
            }
            for p in s.partners
        ],
    }
