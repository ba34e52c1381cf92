"""Spending at place and place budget vs actual.

A place commits or pays against its budget for a delegated line: the scheme entry for that
place and line must be in force, the amount within the place's single-commitment limit and
approved by the scheme's approver. A commitment reserves Dr ``place_spend(place, fund,
line)`` / Cr ``place_budget(place, fund)`` in the ledger (posted, voided or expired later
with the ledger's commitment commands); a payment posts it at once. The place budget is a
guarded account, so the ledger refuses anything that would overcommit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.account_codes import parse_account
from integrated_care.finance.chart import (
    SINGLE_POT,
    AccountType,
    Stream,
    fund_code,
    place_budget,
    place_spend,
)
from integrated_care.finance.ledger.model import Account, CommitmentRequest, JournalRequest, Leg
from integrated_care.finance.scheme import check_commitment
from integrated_care.finance.single_pot import STREAM_LABELS, check_line_code
from integrated_care.persistence.delegation_models import PlacePostingRow
from integrated_care.persistence.delegation_repository import DelegationRepository
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger


@dataclass(frozen=True, slots=True)
class PlacePosting:
    id: int
    key: str
    kind: str  # commitment | payment
    place: str
    fund: str
    line: str
    amount: int
    approved_by: str
    posted_on: date
    description: str
    commitment_id: int | None
    journal_id: int | None


def _posting(row: PlacePostingRow) -> PlacePosting:
    return PlacePosting(
        row.id, row.key, row.kind, row.place_code, row.fund, row.line, row.amount,
        row.approved_by, row.posted_on, row.description, row.commitment_id, row.journal_id,
    )  # fmt: skip


def _same(row: PlacePostingRow, kind: str, place: str, fund: str, line: str, amount: int) -> bool:
    return (row.kind, row.place_code, row.fund, row.line, row.amount) == (
        kind,
        place,
        fund,
        line,
        amount,
    )


def spend_at_place(
    uow: UnitOfWork,
    system_code: str,
    *,
    place: str,
    year: int,
    stream: Stream,
    line: str,
    amount: int,
    on: date,
    key: str,
    approved_by: str | None,
    description: str,
    actor: Actor,
    commit_only: bool = False,
    expires_on: date | None = None,
) -> PlacePosting:
    """A commitment (``commit_only``) or a payment at place, within the scheme's limits."""
    require(actor, Permission.POST_FINANCE)
    if stream not in SINGLE_POT:
        raise InvalidInput(
            f"Stream {stream.value} is not part of the single pot.",
            input_name="stream",
            expected=", ".join(s.value for s in SINGLE_POT),
        )
    line, key = check_line_code(line), key.strip()
    if not key or len(key) > 150:
        raise InvalidInput("A posting needs a key.", input_name="key", expected="1-150 characters")
    kind = "commitment" if commit_only else "payment"
    fund = fund_code(stream, year)
    repo = DelegationRepository(uow.session)
    earlier = repo.place_posting_by_key(system_code, key)
    if earlier is not None:
        if not _same(earlier, kind, place, fund, line, amount):
            raise Conflict(
                f"The key '{key}' was already used for another place posting ({earlier.id}).",
                input_name="key",
                expected="a new key, or exactly the original request to replay it",
            )
        return _posting(earlier)
    entry = next(
        (
            e
            for e in repo.scheme(system_code)
            if (e.place, e.stream, e.line) == (place, stream, line) and e.active_on(on)
        ),
        None,
    )
    if entry is None:
        raise InvalidInput(
            f"The scheme of delegation does not delegate {line} ({stream.value}) to {place} "
            f"on {on}.",
            input_name="line",
            expected="a line delegated to the place on that date (see ics finance scheme)",
        )
    check_commitment(entry, amount, approved_by)
    budget, spend_account = place_budget(place, fund), place_spend(place, fund, line)
    known = {a.code for a in ledger.list_accounts(uow, system_code, fund=fund)}
    if budget not in known:
        raise InvalidInput(
            f"Nothing has been delegated to {place} from {fund} yet.",
            input_name="place",
            expected="a place with a delegated budget (ics finance delegate)",
        )
    ledger.ensure_accounts(
        uow,
        system_code,
        [Account(spend_account, f"{place}: {STREAM_LABELS[stream]} spending on {line}",
                 AccountType.EXPENDITURE, fund)],
        actor=actor,
    )  # fmt: skip
    text = (description or f"{line} at {place}")[:500]
    commitment_id = journal_id = None
    if commit_only:
        commitment = ledger.reserve(
            uow,
            system_code,
            CommitmentRequest(key=f"place:{key}", debit_account=spend_account,
                              credit_account=budget, amount=amount, reserved_on=on,
                              description=text, expires_on=expires_on),
            actor=actor,
        )  # fmt: skip
        commitment_id = commitment.id
    else:
        posted = ledger.post(
            uow,
            system_code,
            JournalRequest(key=f"place:{key}", posted_on=on, description=text,
                           legs=(Leg(spend_account, amount, line), Leg(budget, -amount, line)),
                           reference=f"approved by {entry.approver}"),
            actor=actor,
        )  # fmt: skip
        journal_id = posted.journal.id
    row = repo.add_place_posting(
        PlacePostingRow(
            system_code=system_code, key=key, kind=kind, place_code=place, fund=fund, line=line,
            amount=amount, approved_by=entry.approver, commitment_id=commitment_id,
            journal_id=journal_id, posted_on=on, description=text, created_at=utc_now(),
            created_by=actor.name,
        )
    )  # fmt: skip
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"finance/places/{place}/{kind}s/{row.id}",
        system_code=system_code,
        detail={"use_case": f"place_{kind}", "fund": fund, "line": line, "amount": amount},
    )
    return _posting(row)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One delegated line at one place: budget (delegated), committed (pending), spent
    (posted), available = budget - committed - spent."""

    place: str
    stream: Stream
    fund: str
    line: str
    component: str
    budget: int
    committed: int
    spent: int

    @property
    def available(self) -> int:
        return self.budget - self.committed - self.spent


@dataclass(frozen=True, slots=True)
class PlaceBudget:
    place: str
    name: str
    lines: tuple[BudgetLine, ...]

    @property
    def budget(self) -> int:
        return sum(x.budget for x in self.lines)

    @property
    def committed(self) -> int:
        return sum(x.committed for x in self.lines)

    @property
    def spent(self) -> int:
        return sum(x.spent for x in self.lines)

    @property
    def available(self) -> int:
        return self.budget - self.committed - self.spent


@dataclass(slots=True)
class _Tally:
    component: str = ""
    budget: int = 0
    committed: int = 0
    spent: int = 0


def budgets(uow: UnitOfWork, system_code: str, year: int) -> list[PlaceBudget]:
    """Budget vs actual per place and delegated line for ``year``, places by code."""
    repo = DelegationRepository(uow.session)
    funds = {fund_code(s, year): s for s in SINGLE_POT}
    tallies: dict[tuple[str, str, str], _Tally] = {}
    for d in repo.delegations(system_code, year=year):
        for place, amount in d.parts.items():
            tally = tallies.setdefault((place, d.fund, d.line), _Tally())
            tally.component = tally.component or d.component
            tally.budget += amount
    for fund in funds:
        for b in ledger.balances(uow, system_code, prefix="place:", fund=fund):
            ref = parse_account(b.account)
            if ref.purpose == "spend" and ref.line:
                tallies.setdefault((ref.owner, fund, ref.line), _Tally()).spent += b.posted
    for c in ledger.commitments(uow, system_code, pending_only=True):
        ref = parse_account(c.debit_account)
        if ref.owner_kind == "place" and ref.fund in funds and ref.purpose == "spend":
            key = (ref.owner, str(ref.fund), ref.line)
            tallies.setdefault(key, _Tally()).committed += c.amount
    names = {p.code: p.name for p in uow.structure.places(system_code)}
    by_place: dict[str, list[BudgetLine]] = {}
    for (place, fund, line), t in sorted(tallies.items()):
        by_place.setdefault(place, []).append(
            BudgetLine(place, funds[fund], fund, line, t.component, t.budget, t.committed, t.spent)
        )
    return [PlaceBudget(p, names.get(p, p), tuple(rows)) for p, rows in by_place.items()]


def place_budget_for(uow: UnitOfWork, system_code: str, year: int, place: str) -> PlaceBudget:
    found = {b.place: b for b in budgets(uow, system_code, year)}
    if place in found:
        return found[place]
    known = {p.code: p.name for p in uow.structure.places(system_code)}
    if place not in known:
        raise NotFound("place", place, input_name="place", candidates=sorted(known))
    return PlaceBudget(place, known[place], ())


def postings(uow: UnitOfWork, system_code: str, place: str | None = None) -> list[PlacePosting]:
    return [
        _posting(r)
        for r in DelegationRepository(uow.session).place_postings(system_code, place=place)
    ]
