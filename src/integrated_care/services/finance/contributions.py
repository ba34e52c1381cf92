"""Partner contributions to ICS running costs and the running-cost cap.

Each request, pledge, payment or decline is an append-only event (``finance.contributions``
checks the lifecycle). A payment is posted to the ledger, in the year's running-costs fund:

    Dr icb:running-costs-<year>:unallocated          asset   money for ICS running costs
    Cr org:<partner>:running-costs-<year>:contribution  income  the partner's payment

ICS running costs are funded from the ICB's running cost allowance (RCA) plus partners'
contributions. The RCA for a year is the one recorded here (``set_allowance``) or else the
published figure (NHS England's allocations: 2023/24 and 2024/25 from the packaged
allocation files, 2025/26 from the research note's table). A *plan* of running costs may
count pledges; a *posting* may count only money received (RCA plus payments). Contribution
statuses are public (councils publish their decisions); writes need ``POST_FINANCE``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import InvalidInput, NotFound
from integrated_care.finance import contributions as domain
from integrated_care.finance.chart import (
    AccountType,
    Stream,
    account_code,
    fund_code,
    icb_unallocated,
)
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg, Posted
from integrated_care.finance.money import format_gbp
from integrated_care.governance.workflows import parse_year, year_label
from integrated_care.persistence.contribution_repository import ContributionRepository
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger
from integrated_care.services.finance.pools import audit, organisation

RUNNING_COSTS_LINE = "ics-running-costs"


@dataclass(frozen=True, slots=True)
class YearView:
    year: int
    states: tuple[domain.State, ...]
    names: dict[str, str]
    cap: domain.RunningCostCap | None  # None: no RCA known for the year
    planned: int | None
    spent: int  # running costs posted (the running-costs fund's spend line)


def _repo(uow: UnitOfWork) -> ContributionRepository:
    return ContributionRepository(uow.session)


def _rc_fund(year: int) -> str:
    return fund_code(Stream.RUNNING_COSTS, year)


def contribution_account(partner: str, year: int) -> str:
    return account_code("org", partner, _rc_fund(year), "contribution")


def spend_account(year: int) -> str:
    return account_code("icb", _rc_fund(year), "spend", RUNNING_COSTS_LINE)


def states(
    uow: UnitOfWork, system_code: str, *, year: int | str | None = None, actor: Actor
) -> list[domain.State]:
    """Each partner's contribution for each year (public information)."""
    require(actor, Permission.READ_PUBLIC)
    start = None if year is None else parse_year(year)
    events = _repo(uow).events(system_code, year=start)
    keys = list(dict.fromkeys((e.partner, e.year) for e in events))
    return [
        domain.replay(p, y, [e for e in events if (e.partner, e.year) == (p, y)]) for p, y in keys
    ]


def record(
    uow: UnitOfWork,
    system_code: str,
    *,
    partner: str,
    year: int | str,
    kind: str,
    on: date,
    amount: int | None = None,
    reason: str = "",
    reference: str = "",
    note: str = "",
    actor: Actor,
) -> domain.State:
    """Record a request, pledge, payment or decline; a payment is posted to the ledger."""
    require(actor, Permission.POST_FINANCE)
    org = organisation(uow, system_code, partner, input_name="partner")
    start = parse_year(year)
    try:
        event_kind = domain.EventKind(kind.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"Unknown contribution event '{kind}'.",
            input_name="kind",
            expected="requested, pledged, paid or declined",
        ) from None
    event = domain.Event(
        org.code, start, event_kind, on, amount, reason.strip(), reference.strip(), note.strip()
    )
    history = _repo(uow).events(system_code, partner=org.code, year=start)
    state = domain.apply(domain.replay(org.code, start, history), event)
    journal_id = None
    if event_kind is domain.EventKind.PAID and amount:
        posted = _post_payment(
            uow, system_code, org.code, org.name, start, on, amount, len(history) + 1, actor
        )
        journal_id = posted.journal.id
    _repo(uow).add(system_code, event, journal_id, actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"finance/contributions/{org.code}/{start}",
        use_case="record",
        kind=event_kind.value,
        amount=amount,
    )
    return state


def _use_or_open(uow: UnitOfWork, system_code: str, account: Account, actor: Actor) -> None:
    """Use the account if it is already open (another part may have opened it its own way),
    else open it."""
    try:
        ledger.get_account(uow, system_code, account.code)
    except NotFound:
        ledger.open_account(uow, system_code, account, actor=actor)


def _post_payment(
    uow: UnitOfWork,
    system_code: str,
    partner: str,
    name: str,
    year: int,
    on: date,
    amount: int,
    n: int,
    actor: Actor,
) -> Posted:
    fund = _rc_fund(year)
    held = icb_unallocated(fund)
    _use_or_open(
        uow,
        system_code,
        Account(
            held,
            f"ICS running costs {year_label(year)}: funds held",
            AccountType.ASSET,
            fund,
            system_code,
        ),
        actor,
    )
    income = contribution_account(partner, year)
    _use_or_open(
        uow,
        system_code,
        Account(
            income,
            f"Running-cost contribution from {name[:120]}",
            AccountType.INCOME,
            fund,
            partner,
        ),
        actor,
    )
    request = JournalRequest(
        f"{system_code}:running-costs:{partner}:{year}:{n}",
        on,
        f"{name[:200]}: contribution to ICS running costs {year_label(year)}",
        (Leg(held, amount, "contribution"), Leg(income, -amount, "contribution")),
        f"running-cost contribution {partner} {year_label(year)}",
    )
    return ledger.post(uow, system_code, request, actor=actor)


def allowance(uow: UnitOfWork, system_code: str, year: int) -> tuple[int, str] | None:
    """The RCA recorded for the year, else the published one, else None."""
    return _repo(uow).allowance(system_code, year) or domain.published_rca(system_code, year)


def set_allowance(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int | str,
    amount: int,
    source: str,
    actor: Actor,
) -> domain.RunningCostCap:
    require(actor, Permission.POST_FINANCE)
    start = parse_year(year)
    if amount < 0:
        raise InvalidInput("The allowance is negative.", input_name="amount", expected=">= 0")
    if not source.strip():
        raise InvalidInput(
            "Say where the allowance comes from.",
            input_name="source",
            expected="e.g. 'NHS England ICB allocations 2025/26 v1.4'",
        )
    _repo(uow).set_allowance(system_code, start, amount, source.strip(), actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"finance/running-costs/{start}",
        use_case="set_allowance",
        amount=amount,
    )
    return cap(uow, system_code, start, actor=actor)


def cap(
    uow: UnitOfWork, system_code: str, year: int | str, *, actor: Actor
) -> domain.RunningCostCap:
    require(actor, Permission.READ_PUBLIC)
    start = parse_year(year)
    found = allowance(uow, system_code, start)
    if found is None:
        raise NotFound(
            "running cost allowance",
            year_label(start),
            input_name="year",
            expected="an allowance recorded with 'ics finance contributions rca'",
        )
    return domain.running_cost_cap(
        start, found[0], found[1], states(uow, system_code, year=start, actor=actor)
    )


def spent(uow: UnitOfWork, system_code: str, year: int) -> int:
    """ICS running costs posted for the year (expenditure in the RCA and running-costs
    funds)."""
    total = 0
    for fund in (fund_code(Stream.RCA, year), _rc_fund(year)):
        total += sum(
            b.posted
            for b in ledger.balances(uow, system_code, fund=fund)
            if b.type is AccountType.EXPENDITURE
        )
    return total


def year_view(uow: UnitOfWork, system_code: str, year: int | str, *, actor: Actor) -> YearView:
    require(actor, Permission.READ_PUBLIC)
    start = parse_year(year)
    found = states(uow, system_code, year=start, actor=actor)
    names = {o.code: o.name for o in uow.structure.organisations(system_code)}
    rca = allowance(uow, system_code, start)
    limit = None if rca is None else domain.running_cost_cap(start, rca[0], rca[1], found)
    planned = _repo(uow).plan(system_code, start)
    return YearView(
        start,
        tuple(found),
        names,
        limit,
        planned[0] if planned else None,
        spent(uow, system_code, start),
    )


def years(uow: UnitOfWork, system_code: str) -> list[int]:
    return _repo(uow).years(system_code)


def plan_running_costs(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int | str,
    amount: int,
    note: str = "",
    actor: Actor,
) -> domain.RunningCostCap:
    """Plan the year's ICS running costs: refused above RCA + pledges."""
    require(actor, Permission.POST_FINANCE)
    limit = cap(uow, system_code, year, actor=actor)
    domain.check_within_cap(limit, amount)
    _repo(uow).set_plan(system_code, limit.year, amount, note.strip(), actor.name)
    audit(
        uow,
        actor,
        system_code,
        f"finance/running-costs/{limit.year}",
        use_case="plan_running_costs",
        amount=amount,
    )
    return limit


def post_running_costs(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int | str,
    amount: int,
    on: date,
    description: str,
    key: str | None = None,
    actor: Actor,
) -> Posted:
    """Post running costs: refused if the year's running costs would exceed the RCA plus
    contributions *received*. Paid first from the RCA fund's unallocated account (as far as
    it holds money), the rest from partners' contributions held."""
    require(actor, Permission.POST_FINANCE)
    limit = cap(uow, system_code, year, actor=actor)
    received = domain.RunningCostCap(
        limit.year, limit.rca, limit.rca_source, limit.paid, limit.paid
    )
    if amount <= 0:
        raise InvalidInput(
            "Running costs must be more than zero.",
            input_name="amount",
            expected="an amount above zero",
        )
    domain.check_within_cap(received, amount, already=spent(uow, system_code, limit.year))
    rca_account = icb_unallocated(fund_code(Stream.RCA, limit.year))
    try:
        rca_held = max(0, ledger.balance(uow, system_code, rca_account).available)
    except NotFound:
        rca_held = 0
    from_rca = min(amount, rca_held)
    from_partners = amount - from_rca
    held = icb_unallocated(_rc_fund(limit.year))
    legs = [Leg(spend_account(limit.year), amount, "running costs")]
    if from_rca:
        legs.append(Leg(rca_account, -from_rca, "running cost allowance"))
    if from_partners:
        try:
            in_hand = ledger.balance(uow, system_code, held).available
        except NotFound:
            in_hand = 0
        if from_partners > in_hand:
            raise InvalidInput(
                f"Running costs of {format_gbp(amount)} need {format_gbp(from_partners)} of "
                f"partner contributions, but {format_gbp(max(in_hand, 0))} is held.",
                input_name="amount",
                expected=f"at most {format_gbp(from_rca + max(in_hand, 0))}",
            )
        legs.append(Leg(held, -from_partners, "partner contributions"))
    _use_or_open(
        uow,
        system_code,
        Account(
            spend_account(limit.year),
            f"ICS running costs {year_label(limit.year)}",
            AccountType.EXPENDITURE,
            _rc_fund(limit.year),
            system_code,
        ),
        actor,
    )
    request = JournalRequest(
        key or f"{system_code}:running-costs:{limit.year}:spend:{uuid.uuid4().hex}",
        on,
        description.strip()[:500] or "ICS running costs",
        tuple(legs),
        f"running costs {year_label(limit.year)}",
    )
    posted = ledger.post(uow, system_code, request, actor=actor)
    audit(
        uow,
        actor,
        system_code,
        f"finance/running-costs/{limit.year}",
        use_case="post_running_costs",
        amount=amount,
    )
    return posted


def partners_of(view: YearView) -> Sequence[tuple[str, str]]:
    return [(s.partner, view.names.get(s.partner, s.partner)) for s in view.states]
