"""Single pot use cases: receive NHS England's allocation streams, spend or ring-fence what
the ICB keeps, summarise the pot per stream and derive its flows for the Sankey.

Each stream of a year is a fund (``finance.chart.fund_code``); receiving posts Dr
``icb_unallocated(fund)`` / Cr ``icb_funding(fund)`` through the ledger, so the financial
duties and idempotency keys apply. Nothing here commits; the caller does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import InvalidInput
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import SINGLE_POT, AccountType, Stream, fund_code
from integrated_care.finance.duties import year_funds
from integrated_care.finance.flows import (
    Flow,
    Names,
    Transfer,
    flows,
    pooled_by_fund,
    with_unallocated,
)
from integrated_care.finance.flows import transfers as journal_transfers
from integrated_care.finance.ledger.model import (
    Account,
    Balance,
    JournalRequest,
    Leg,
    Posted,
)
from integrated_care.finance.single_pot import (
    STREAM_LABELS,
    Allocation,
    PotLine,
    check_line_code,
    icb_ringfence,
    icb_spend,
    pot_accounts,
    pot_total,
    receipt_requests,
    summarise_pot,
)
from integrated_care.persistence.delegation_repository import DelegationRepository
from integrated_care.persistence.partnership_repository import PoolRepository
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger


@dataclass(frozen=True, slots=True)
class Pot:
    system_code: str
    year: int
    lines: tuple[PotLine, ...]
    ringfenced: int  # pence held back in ring-fences (inside the pot, not unallocated)

    @property
    def total(self) -> dict[str, int]:
        return pot_total(self.lines)


def _system_exists(uow: UnitOfWork, system_code: str) -> None:
    if uow.structure.get_system(system_code) is None:
        raise InvalidInput(
            f"No system {system_code} in this workspace.",
            input_name="system",
            expected="an initialised system (ics init)",
        )


def open_pot(
    uow: UnitOfWork,
    system_code: str,
    year: int,
    *,
    actor: Actor,
    streams: Sequence[Stream] = SINGLE_POT,
) -> None:
    """Open every stream's funding and unallocated accounts for ``year`` (idempotent)."""
    _system_exists(uow, system_code)
    ledger.ensure_accounts(uow, system_code, pot_accounts(system_code, year, streams), actor=actor)


def receive(
    uow: UnitOfWork,
    system_code: str,
    allocation: Allocation,
    *,
    actor: Actor,
    posted_on: date | None = None,
    reference: str = "published",
) -> list[Posted]:
    """Post each allocation line into its stream's fund. The same allocation received again
    with the same reference is a replay (nothing new is written); a revision needs a new
    reference."""
    require(actor, Permission.POST_FINANCE)
    reference = reference.strip()
    if not reference or len(reference) > 60 or ":" in reference:
        raise InvalidInput(
            f"'{reference}' cannot be an allocation reference.",
            input_name="reference",
            expected="1-60 characters, no ':' (e.g. published, month-6-revision)",
        )
    day = posted_on or date(allocation.year, 4, 1)
    if not date(allocation.year, 4, 1) <= day <= date(allocation.year + 1, 3, 31):
        raise InvalidInput(
            f"{day} is outside the financial year of the allocation.",
            input_name="posted_on",
            expected=f"a date from {allocation.year}-04-01 to {allocation.year + 1}-03-31",
        )
    open_pot(uow, system_code, allocation.year, actor=actor, streams=sorted(
        {line.stream for line in allocation.lines}, key=SINGLE_POT.index
    ))  # fmt: skip
    requests = receipt_requests(allocation, posted_on=day, reference=reference)
    return ledger.post_many(uow, system_code, requests, actor=actor)


def _fund(year: int, stream: Stream) -> str:
    if stream not in SINGLE_POT:
        raise InvalidInput(
            f"Stream {stream.value} is not part of the single pot.",
            input_name="stream",
            expected=", ".join(s.value for s in SINGLE_POT),
        )
    return fund_code(stream, year)


def spend(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int,
    stream: Stream,
    line: str,
    amount: int,
    posted_on: date,
    key: str,
    description: str,
    actor: Actor,
    from_ringfence: bool = False,
) -> Posted:
    """What the ICB spends itself (retained, not delegated): Dr ICB spend line / Cr the pot
    (or the line's ring-fence)."""
    require(actor, Permission.POST_FINANCE)
    fund, line = _fund(year, stream), check_line_code(line)
    _positive(amount)
    label = f"{STREAM_LABELS[stream]}: {line}"
    ledger.ensure_accounts(
        uow,
        system_code,
        [
            Account(
                icb_spend(fund, line),
                f"{label} (retained)",
                AccountType.EXPENDITURE,
                fund,
                system_code,
            )
        ],
        actor=actor,
    )
    source = icb_ringfence(fund, line) if from_ringfence else f"icb:{fund}:unallocated"
    request = JournalRequest(
        key=key,
        posted_on=posted_on,
        description=description or f"ICB spending on {line}",
        legs=(Leg(icb_spend(fund, line), amount, line), Leg(source, -amount, line)),
    )
    return ledger.post(uow, system_code, request, actor=actor)


def ringfence(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int,
    stream: Stream,
    line: str,
    amount: int,
    posted_on: date,
    key: str,
    actor: Actor,
) -> Posted:
    """Hold part of the pot back for one line (e.g. mental health, for the MHIS): Dr
    ring-fence / Cr unallocated. A negative amount releases it back to the pot."""
    require(actor, Permission.POST_FINANCE)
    fund, line = _fund(year, stream), check_line_code(line)
    if amount == 0:
        raise InvalidInput("The amount is zero.", input_name="amount", expected="pence, not 0")
    ledger.ensure_accounts(
        uow,
        system_code,
        [
            Account(
                icb_ringfence(fund, line), f"{STREAM_LABELS[stream]}: ring-fenced for {line}",
                AccountType.ASSET, fund, system_code,
            )
        ],
        actor=actor,
    )  # fmt: skip
    request = JournalRequest(
        key=key,
        posted_on=posted_on,
        description=f"{'Ring-fence' if amount > 0 else 'Release ring-fence'} for {line}",
        legs=(
            Leg(icb_ringfence(fund, line), amount, line),
            Leg(f"icb:{fund}:unallocated", -amount, line),
        ),
    )
    return ledger.post(uow, system_code, request, actor=actor)


def _positive(amount: int) -> None:
    if isinstance(amount, bool) or amount <= 0:
        raise InvalidInput(
            f"The amount {amount} is not above zero.", input_name="amount", expected="pence > 0"
        )


def year_balances(uow: UnitOfWork, system_code: str, year: int) -> list[Balance]:
    found: list[Balance] = []
    for fund in sorted(year_funds(year)):
        found += ledger.balances(uow, system_code, fund=fund)
    return found


def year_transfers(uow: UnitOfWork, system_code: str, year: int) -> list[Transfer]:
    """Every journal touching the year's funds, paired into transfers and summed per pair of
    accounts (the order of the result is deterministic)."""
    rows = DelegationRepository(uow.session).legs_of_funds(system_code, sorted(year_funds(year)))
    totals: dict[tuple[str, str], int] = {}
    for _, legs in groupby(rows, key=lambda r: r[0]):
        for move in journal_transfers([Leg(code, amount) for _, code, amount in legs]):
            pair = (move.credit, move.debit)
            totals[pair] = totals.get(pair, 0) + move.amount
    return [Transfer(c, d, v) for (c, d), v in sorted(totals.items())]


def pot(uow: UnitOfWork, system_code: str, year: int) -> Pot:
    """Per stream: allocated, delegated to places, pooled, committed, spent, unallocated."""
    _system_exists(uow, system_code)
    balances = year_balances(uow, system_code, year)
    pooled = pooled_by_fund(year_transfers(uow, system_code, year))
    ringfenced = sum(
        b.posted
        for b in balances
        if (ref := parse_account(b.account)).owner_kind == "icb" and ref.purpose == "ringfence"
    )
    return Pot(system_code, year, tuple(summarise_pot(year, balances, pooled)), ringfenced)


def names(uow: UnitOfWork, system_code: str) -> Names:
    places = {p.code: p.name for p in uow.structure.places(system_code)}
    orgs = {o.code: o.name for o in uow.structure.organisations(system_code)}
    pools = {p.pool.code: p.pool.name for p in PoolRepository(uow.session).all(system_code)}
    return Names(places, orgs, pools)


def pot_flows(uow: UnitOfWork, system_code: str, year: int) -> list[Flow]:
    """The year's flows between groups (streams -> pot -> places/pools/retained -> spend
    lines), with what is still in the pot."""
    _system_exists(uow, system_code)
    found = flows(year_transfers(uow, system_code, year), names(uow, system_code))
    in_pot = sum(
        b.posted
        for b in year_balances(uow, system_code, year)
        if (ref := parse_account(b.account)).owner_kind == "icb"
        and ref.purpose in ("unallocated", "ringfence")
    )
    return with_unallocated(found, in_pot)
