"""A pool's money: contributions, spend, risk-share calls and the year-end settlement, each
recorded in the pool's entries and posted to the ledger in the same unit of work.

Accounts (``finance.chart``), in the pool's fund (``s75-2025-26`` or ``bcf-2025-26``):

    pool:<pool>:<fund>:fund                 asset, guarded: the money in the pool
    pool:<pool>:<fund>:spend:<line>         expenditure per line
    pool:<pool>:<fund>:partner:<org>        equity: a partner's money from outside the system

The ICB's money comes from its single pot, ``icb:core-<year>:unallocated`` (a pot -> pool
flow); a council's or trust's from its partner account. So a contribution is
Dr pool fund / Cr source; spend is Dr spend line / Cr pool fund; a refund is the reverse of
a contribution. The pool fund is guarded: the ledger refuses spend beyond what is in the
pool, and so does this service unless the spend is recorded *under the risk share*, when
each partner's share of the shortfall so far is called (posted as a contribution) first.
"""

from __future__ import annotations

from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import (
    AccountType,
    Stream,
    fund_code,
    icb_unallocated,
    pool_fund,
    pool_partner,
    pool_spend,
    year_label,
)
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.finance.money import format_gbp
from integrated_care.finance.pools import (
    LineKind,
    Outturn,
    Pool,
    calls_due,
    settle,
)
from integrated_care.persistence.partnership_repository import PoolEntry
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger
from integrated_care.services.finance.pool_statements import (
    PoolStatement,
    book_balance_of,
    entry_figures,
    statement,
    summarise,
)
from integrated_care.services.finance.pools import _writable, audit, icb, repo


def _year_bounds(pool: Pool) -> tuple[date, date]:
    return date(pool.year, 4, 1), date(pool.year + 1, 3, 31)


def _check_date(pool: Pool, on: date) -> None:
    start, end = _year_bounds(pool)
    if not start <= on <= end:
        raise InvalidInput(
            f"{on.isoformat()} is outside the pool's financial year {year_label(pool.year)}.",
            input_name="on",
            expected=f"a date from {start.isoformat()} to {end.isoformat()}",
        )


def _source(uow: UnitOfWork, system_code: str, pool: Pool, fund: str, partner: str) -> str:
    """The account a partner's money comes from (and a refund goes back to)."""
    if partner == icb(uow, system_code).code:
        code = icb_unallocated(fund_code(Stream.CORE, pool.year))
        try:
            ledger.get_account(uow, system_code, code)
        except NotFound:
            raise Conflict(
                f"The ICB's single pot for {year_label(pool.year)} ({code}) is not open: "
                "receive the year's allocation before contributing to a pool.",
                input_name="partner",
                expected="the ICB's allocation for the pool's year received first",
            ) from None
        return code
    return pool_partner(pool.code, fund, partner)


def _accounts(pool: Pool, fund: str, icb_code: str) -> list[Account]:
    label = pool.name[:120]
    found = [
        Account(
            pool_fund(pool.code, fund),
            f"{label}: pooled fund",
            AccountType.ASSET,
            fund,
            pool.host,
            guarded=True,
        ),
        *(
            Account(
                pool_spend(pool.code, fund, x.code),
                f"{label}: {x.name[:60]}",
                AccountType.EXPENDITURE,
                fund,
                pool.host,
            )
            for x in pool.lines
            if x.kind is not LineKind.RISK_POOL
        ),
        *(
            Account(
                pool_partner(pool.code, fund, p.organisation),
                f"{label}: contribution from {p.name[:60]}",
                AccountType.EQUITY,
                fund,
                p.organisation,
            )
            for p in pool.partners
            if p.organisation != icb_code
        ),
    ]
    return found


def _money_in(source: str, fund_account: str, amount: int, memo: str) -> tuple[Leg, ...]:
    """A partner pays ``amount`` into the pool (a negative amount: the pool pays it back)."""
    return (Leg(fund_account, amount, memo), Leg(source, -amount, memo))


def _key(system_code: str, pool: Pool, kind: str, n: int, key: str | None) -> str:
    return key.strip() if key and key.strip() else f"{system_code}:pool:{pool.code}:{kind}:{n}"


def _replayed(uow: UnitOfWork, system_code: str, pool: Pool, journal_id: int) -> PoolEntry:
    for e in repo(uow).entries(system_code, pool.code):
        if e.journal_id == journal_id:
            return e
    raise Conflict(
        "The idempotency key belongs to another journal, not to this pool.",
        input_name="key",
        expected="a new key",
    )


def contribute(
    uow: UnitOfWork,
    system_code: str,
    code: str,
    *,
    partner: str,
    line: str,
    amount: int,
    on: date,
    description: str = "",
    key: str | None = None,
    actor: Actor,
) -> PoolEntry:
    """A partner's contribution to a line, posted from its source into the pool fund."""
    stored = _writable(uow, system_code, code, actor)
    pool, fund = stored.pool, stored.fund
    who, what = pool.partner(partner.strip()), pool.line(line.strip())
    if amount <= 0:
        raise InvalidInput(
            "A contribution must be more than zero.",
            input_name="amount",
            expected="an amount above zero",
        )
    _check_date(pool, on)
    icb_code = icb(uow, system_code).code
    source = _source(uow, system_code, pool, fund, who.organisation)
    ledger.ensure_accounts(uow, system_code, _accounts(pool, fund, icb_code), actor=actor)
    n = len(repo(uow).entries(system_code, pool.code)) + 1
    text = description.strip() or f"{who.name}: contribution to {what.name}"
    posted = ledger.post(
        uow,
        system_code,
        JournalRequest(
            _key(system_code, pool, "contribution", n, key),
            on,
            text[:500],
            _money_in(source, pool_fund(pool.code, fund), amount, what.code),
            f"pool {pool.code}",
        ),
        actor=actor,
    )
    if posted.replayed:
        return _replayed(uow, system_code, pool, posted.journal.id)
    entry = PoolEntry(
        0, "contribution", who.organisation, what.code, amount, on, text, posted.journal.id
    )
    repo(uow).add_entries(system_code, pool.code, [entry], actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"finance/pools/{pool.code}",
        use_case="contribute",
        partner=who.organisation,
        line=what.code,
        amount=amount,
    )
    return repo(uow).entries(system_code, pool.code)[-1]


def record_spend(
    uow: UnitOfWork,
    system_code: str,
    code: str,
    *,
    line: str,
    amount: int,
    on: date,
    description: str = "",
    under_risk_share: bool = False,
    key: str | None = None,
    actor: Actor,
) -> list[PoolEntry]:
    """Spend on a line, paid from the pool fund. Beyond what the pool holds it is refused,
    unless ``under_risk_share``: then each partner's share of the overspend so far (by the
    pool's rule, within caps) is called in first, in the same all-or-nothing batch."""
    stored = _writable(uow, system_code, code, actor)
    pool, fund = stored.pool, stored.fund
    what = pool.line(line.strip())
    if what.kind is LineKind.RISK_POOL:
        raise InvalidInput(
            f"{what.name} is the risk pool: nothing is spent from it directly.",
            input_name="line",
            expected="a spend line",
        )
    if amount <= 0:
        raise InvalidInput(
            "Spend must be more than zero.",
            input_name="amount",
            expected="an amount above zero (a correction reverses a journal)",
        )
    _check_date(pool, on)
    entries = repo(uow).entries(system_code, pool.code)
    held = book_balance_of(entries)
    contributions, spent, called, _ = entry_figures(entries)
    text = description.strip() or f"Spend on {what.name}"
    fund_account = pool_fund(pool.code, fund)
    calls: dict[str, int] = {}
    if amount > held:
        if not under_risk_share:
            raise Conflict(
                f"Spending {format_gbp(amount)} on {what.name} would take pool {pool.code} "
                f"below zero: it holds {format_gbp(held)}.",
                input_name="amount",
                expected="spend within the pool, more contributions first, or the spend "
                "recorded under the risk share (its shortfall called from the partners)",
            )
        spent[what.code] = spent.get(what.code, 0) + amount
        preview = settle(pool, contributions, [Outturn(k, v) for k, v in spent.items()])
        if not preview.complete:
            raise Conflict(
                f"The risk share cannot fund this spend: {format_gbp(preview.unfunded)} "
                "would be left after every partner reached its cap.",
                input_name="amount",
                expected="caps raised by agreement (ics finance pools rule), or less spend",
            )
        calls = {p: v for p, v in calls_due(preview, called).items() if v > 0}
    icb_code = icb(uow, system_code).code
    ledger.ensure_accounts(uow, system_code, _accounts(pool, fund, icb_code), actor=actor)
    n = len(entries) + 1
    requests = [
        JournalRequest(
            _key(system_code, pool, f"call-{p}", n, None),
            on,
            f"Risk-share call on {pool.partner(p).name} for pool {pool.code}"[:500],
            _money_in(_source(uow, system_code, pool, fund, p), fund_account, v, "risk share"),
            f"pool {pool.code}",
        )
        for p, v in calls.items()
    ]
    spend_legs = (
        Leg(pool_spend(pool.code, fund, what.code), amount, what.code),
        Leg(fund_account, -amount, what.code),
    )
    requests.append(
        JournalRequest(
            _key(system_code, pool, "spend", n, key),
            on,
            text[:500],
            spend_legs,
            f"pool {pool.code}",
        )
    )
    posted = ledger.post_many(uow, system_code, requests, actor=actor)
    if posted[-1].replayed:
        return [_replayed(uow, system_code, pool, posted[-1].journal.id)]
    new = [
        PoolEntry(0, "call", p, None, v, on, requests[i].description, posted[i].journal.id)
        for i, (p, v) in enumerate(calls.items())
    ]
    new.append(PoolEntry(0, "spend", None, what.code, amount, on, text, posted[-1].journal.id))
    repo(uow).add_entries(system_code, pool.code, new, actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"finance/pools/{pool.code}",
        use_case="record_spend",
        line=what.code,
        amount=amount,
        calls=calls,
    )
    return repo(uow).entries(system_code, pool.code)[-len(new) :]


def settle_year(
    uow: UnitOfWork, system_code: str, code: str, *, on: date, actor: Actor
) -> PoolStatement:
    """Settle the pool on its recorded spend: post what each partner still owes (or is
    owed) after its risk-share calls, in one journal, and close the pool. Refused while
    the caps leave an overspend unfunded."""
    require(actor, Permission.POST_FINANCE)
    now = statement(uow, system_code, code, actor=actor)
    _writable(uow, system_code, code, actor)
    pool, fund = now.pool, now.fund
    last = max((e.posted_on for e in now.entries), default=date(pool.year, 4, 1))
    if on < last or on < date(pool.year, 4, 1):
        raise InvalidInput(
            f"The settlement date {on.isoformat()} is before the pool's last entry "
            f"({last.isoformat()}).",
            input_name="on",
            expected=f"a date on or after {last.isoformat()}",
        )
    s = now.preview
    if not s.complete:
        raise Conflict(
            f"Pool {pool.code} cannot be settled: {format_gbp(s.unfunded)} of overspend is "
            "left after every partner reached its cap.",
            input_name="pool",
            expected="caps raised by agreement (ics finance pools rule)",
        )
    due = {p: v for p, v in now.due.items() if v}
    new: list[PoolEntry] = []
    if due:
        fund_account = pool_fund(pool.code, fund)
        legs: list[Leg] = [
            Leg(_source(uow, system_code, pool, fund, p), -v, "settlement") for p, v in due.items()
        ]
        if sum(due.values()):
            legs.insert(0, Leg(fund_account, sum(due.values()), "settlement"))
        posted = ledger.post(
            uow,
            system_code,
            JournalRequest(
                f"{system_code}:pool:{pool.code}:settlement",
                on,
                f"Year-end settlement of pool {pool.code}",
                tuple(legs),
                f"pool {pool.code}",
            ),
            actor=actor,
        )
        new = [
            PoolEntry(0, "settlement", p, None, v, on, "Year-end settlement", posted.journal.id)
            for p, v in due.items()
        ]
    repo(uow).add_entries(system_code, pool.code, new, actor.name)
    repo(uow).settle(system_code, pool.code, on, summarise(s), actor.name)
    audit(uow, actor, system_code, f"finance/pools/{pool.code}", use_case="settle", due=due)
    return statement(uow, system_code, code, actor=actor)
