"""Delegation to places: need indices, the scheme of delegation, delegating a line's budget
to the places the scheme names, and commitments and payments made at place.

Delegating posts one journal: Dr ``place_budget(place, fund)`` for each place's part, Cr
``icb_unallocated(fund)`` for the whole; the parts are the largest-remainder split of the
amount by the places' weighted populations in the line's component, so they sum to it
exactly. Place budgets are guarded accounts: the ledger refuses to overcommit them.
Budget vs actual per place and line is in ``services.finance.place_budgets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from integrated_care.access import Actor, Permission, Role, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import (
    SINGLE_POT,
    AccountType,
    Stream,
    fund_code,
    icb_unallocated,
    place_budget,
    year_label,
)
from integrated_care.finance.delegation import (
    NeedReport,
    PlaceMembers,
    choose_weights_year,
    place_need,
    split_budget,
)
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.finance.money import format_gbp
from integrated_care.finance.scheme import (
    SchemeEntry,
    check_delegation,
    check_entry,
    check_no_overlap,
    delegated_component,
    entries_for,
)
from integrated_care.finance.single_pot import STREAM_LABELS, check_line_code
from integrated_care.persistence.delegation_repository import Delegation, DelegationRepository
from integrated_care.persistence.governance_repository import GovernanceRepository
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.reference.weighted_population import practice_weighted_populations, years
from integrated_care.services.finance import ledger
from integrated_care.structure.places import places_as_of


def _repo(uow: UnitOfWork) -> DelegationRepository:
    return DelegationRepository(uow.session)


def _audit(
    uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: object
) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )


# -- places and need ---------------------------------------------------------------------------


def place_members(uow: UnitOfWork, system_code: str, day: date) -> list[PlaceMembers]:
    """The system's places in force on ``day`` with their practices."""
    if uow.structure.get_system(system_code) is None:
        raise NotFound(
            "system",
            system_code,
            input_name="system",
            candidates=[s.code for s in uow.structure.systems()],
        )
    return [
        PlaceMembers(p.code, p.name, p.practices)
        for p in places_as_of(uow.structure.places(system_code), day)
    ]


def default_weights_year(uow: UnitOfWork, system_code: str, day: date) -> str:
    """The packaged year whose practices best match the places' practices; the latest of
    equals (see ``finance.delegation.choose_weights_year``)."""
    members = place_members(uow, system_code, day)
    placed = {c for p in members for c in p.practices}
    available = {}
    for year in years():
        rows = practice_weighted_populations(year)
        if any(r.icb_ods_code == system_code for r in rows):
            available[year] = {r.practice_code for r in rows}
    return choose_weights_year(placed, available)


def need(
    uow: UnitOfWork, system_code: str, *, day: date, weights_year: str | None = None
) -> NeedReport:
    """Each place's need index per component against the ICB, with practices missing from
    the weights file (and weights-file practices in no place) reported."""
    members = place_members(uow, system_code, day)
    if not members:
        raise InvalidInput(
            f"The system has no places on {day}.",
            input_name="as_of",
            expected="a date on which places are defined (ics places list)",
        )
    chosen = weights_year or default_weights_year(uow, system_code, day)
    year_rows = practice_weighted_populations(chosen)
    icb_rows = [r for r in year_rows if r.icb_ods_code == system_code]
    return place_need(members, icb_rows, year_rows, weights_year=chosen, icb=system_code)


# -- the scheme of delegation -----------------------------------------------------------------


def _check_approver(uow: UnitOfWork, system_code: str, approver: str) -> None:
    if approver.startswith("role:"):
        if approver[5:] not in {r.value for r in Role}:
            raise InvalidInput(
                f"Unknown role in approver '{approver}'.",
                input_name="approver",
                expected=", ".join(f"role:{r.value}" for r in Role),
            )
        return
    bodies = {b.code for b in uow.structure.bodies(system_code)}
    if approver in bodies or GovernanceRepository(uow.session).body(system_code, approver):
        return
    raise NotFound(
        "approving body",
        approver,
        input_name="approver",
        candidates=sorted(bodies),
        expected="a partnership or governance body code, or role:<role>",
    )


def scheme(uow: UnitOfWork, system_code: str, day: date | None = None) -> list[SchemeEntry]:
    entries = _repo(uow).scheme(system_code)
    return entries if day is None else [e for e in entries if e.active_on(day)]


def add_scheme_entry(
    uow: UnitOfWork, system_code: str, entry: SchemeEntry, *, actor: Actor
) -> SchemeEntry:
    """Delegate a line to a place from a date (with its limits and approver)."""
    require(actor, Permission.POST_FINANCE)
    checked = check_entry(entry)
    known = {p.code for p in uow.structure.places(system_code)}
    if checked.place not in known:
        raise NotFound("place", checked.place, input_name="place", candidates=sorted(known))
    if not any(
        p.code == checked.place for p in place_members(uow, system_code, checked.valid_from)
    ):
        raise InvalidInput(
            f"Place {checked.place} is not in force on {checked.valid_from}.",
            input_name="valid_from",
            expected="a date on which the place exists",
        )
    _check_approver(uow, system_code, checked.approver)
    repo = _repo(uow)
    check_no_overlap(repo.scheme(system_code), checked)
    stored = repo.add_entry(system_code, checked, at=utc_now(), by=actor.name)
    _audit(uow, actor, system_code, f"finance/scheme/{stored.id}", use_case="add_scheme_entry",
           entry=stored.describe())  # fmt: skip
    return stored


def end_scheme_entry(
    uow: UnitOfWork, system_code: str, entry_id: int, valid_to: date, *, actor: Actor
) -> SchemeEntry:
    require(actor, Permission.POST_FINANCE)
    repo = _repo(uow)
    existing = next((e for e in repo.scheme(system_code) if e.id == entry_id), None)
    if existing is None:
        raise NotFound(
            "scheme entry",
            str(entry_id),
            input_name="entry",
            candidates=[str(e.id) for e in repo.scheme(system_code)],
        )
    if valid_to <= existing.valid_from or (existing.valid_to and valid_to > existing.valid_to):
        raise InvalidInput(
            f"Entry {entry_id} runs from {existing.valid_from}; it cannot end on {valid_to}.",
            input_name="valid_to",
            expected="a date after the entry starts (and not after it already ends)",
        )
    ended = repo.end_entry(system_code, entry_id, valid_to)
    assert ended is not None
    _audit(uow, actor, system_code, f"finance/scheme/{entry_id}", use_case="end_scheme_entry",
           valid_to=valid_to.isoformat())  # fmt: skip
    return ended


# -- delegation ---------------------------------------------------------------------------------


def _stream(stream: Stream) -> Stream:
    if stream not in SINGLE_POT:
        raise InvalidInput(
            f"Stream {stream.value} is not part of the single pot.",
            input_name="stream",
            expected=", ".join(s.value for s in SINGLE_POT),
        )
    return stream


def preview(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int,
    stream: Stream,
    line: str,
    amount: int,
    on: date,
    weights_year: str | None = None,
) -> tuple[dict[str, int], NeedReport, str, dict[str, SchemeEntry]]:
    """What ``delegate`` would post: (parts by place, the need report, component, entries).
    Checks every rule (scheme, limits, what is unallocated) but writes nothing."""
    _stream(stream)
    line = check_line_code(line)
    if isinstance(amount, bool) or amount <= 0:
        raise InvalidInput(
            f"The amount {amount} is not above zero.", input_name="amount", expected="pence > 0"
        )
    if not date(year, 4, 1) <= on <= date(year + 1, 3, 31):
        raise InvalidInput(
            f"{on} is outside {year_label(year)}.",
            input_name="on",
            expected=f"a date from {year}-04-01 to {year + 1}-03-31",
        )
    entries = entries_for(_repo(uow).scheme(system_code), stream, line, on)
    component = delegated_component(entries, stream, line, on)
    report = need(uow, system_code, day=on, weights_year=weights_year)
    missing = [e.place for e in entries if e.place not in report.by_code()]
    if missing:
        raise InvalidInput(
            f"The scheme delegates {line} to {', '.join(missing)}, not in force on {on}.",
            input_name="on",
            expected="a date on which every place the scheme names exists",
        )
    by_place = {e.place: e for e in entries}
    parts = split_budget(amount, report, component, by_place)
    fund = fund_code(stream, year)
    open_accounts = {a.code for a in ledger.list_accounts(uow, system_code, fund=fund)}
    available = (
        ledger.balance(uow, system_code, icb_unallocated(fund)).available
        if icb_unallocated(fund) in open_accounts
        else 0
    )
    if amount > available:
        raise InvalidInput(
            f"Only {format_gbp(available)} of {STREAM_LABELS[stream]} {year_label(year)} is "
            f"unallocated; {format_gbp(amount)} cannot be delegated.",
            input_name="amount",
            expected=f"at most {format_gbp(available)} (receive the allocation first)",
        )
    held: dict[str, int] = {}
    for d in _repo(uow).delegations(system_code, year=year):
        if d.fund == fund and d.line == line:
            for place, part in d.parts.items():
                held[place] = held.get(place, 0) + part
    check_delegation(by_place, held, parts)
    return parts, report, component, by_place


def delegate(
    uow: UnitOfWork,
    system_code: str,
    *,
    year: int,
    stream: Stream,
    line: str,
    amount: int,
    on: date,
    key: str,
    actor: Actor,
    weights_year: str | None = None,
    description: str = "",
) -> Delegation:
    """Delegate ``amount`` of a line to the places the scheme names on ``on``, split by need.
    Sending the same request with the same key again returns the original delegation."""
    require(actor, Permission.POST_FINANCE)
    key = key.strip()
    if not key or len(key) > 150:
        raise InvalidInput(
            "A delegation needs a key.", input_name="key", expected="1-150 characters"
        )
    repo = _repo(uow)
    line = check_line_code(line)
    earlier = repo.delegation_by_key(system_code, key)
    if earlier is not None:
        asked = (year, stream, line, amount, on)
        if (
            earlier.year,
            earlier.stream,
            earlier.line,
            earlier.amount,
            earlier.delegated_on,
        ) != asked:
            raise Conflict(
                f"The key '{key}' was already used for another delegation ({earlier.id}).",
                input_name="key",
                expected="a new key, or exactly the original request to replay it",
            )
        return earlier
    parts, report, component, _ = preview(
        uow, system_code, year=year, stream=stream, line=line, amount=amount, on=on,
        weights_year=weights_year,
    )  # fmt: skip
    fund = fund_code(stream, year)
    names = {p.code: p.name for p in report.places}
    ledger.ensure_accounts(
        uow,
        system_code,
        [
            Account(place_budget(place, fund), f"{names[place]}: {STREAM_LABELS[stream]} "
                    f"{year_label(year)} budget", AccountType.ASSET, fund, None, guarded=True)
            for place in parts
        ],
        actor=actor,
    )  # fmt: skip
    text = description or f"Delegation of {line} ({STREAM_LABELS[stream]}) to places"
    legs = [Leg(place_budget(p, fund), v, line) for p, v in parts.items() if v > 0]
    posted = ledger.post(
        uow,
        system_code,
        JournalRequest(
            key=f"delegate:{key}",
            posted_on=on,
            description=text[:500],
            legs=(*legs, Leg(icb_unallocated(fund), -amount, line)),
            reference=f"scheme of delegation; weights {report.weights_year}",
        ),
        actor=actor,
    )
    by_code = report.by_code()
    delegation = Delegation(
        id=0, key=key, year=year, stream=stream, fund=fund, line=line, component=component,
        weights_year=report.weights_year, amount=amount, delegated_on=on,
        journal_id=posted.journal.id, description=text[:500], parts=parts,
        weights={p: by_code[p].weighted[component] for p in parts},
        created_at=utc_now(), created_by=actor.name,
    )  # fmt: skip
    delegation = replace(delegation, id=repo.add_delegation(system_code, delegation))
    _audit(uow, actor, system_code, f"finance/delegations/{delegation.id}", use_case="delegate",
           fund=fund, line=line, amount=amount, places=len(parts))  # fmt: skip
    return delegation


def delegations(uow: UnitOfWork, system_code: str, year: int | None = None) -> list[Delegation]:
    return _repo(uow).delegations(system_code, year=year)


def check_places(codes: Sequence[str], report: NeedReport) -> None:
    known = report.by_code()
    for code in codes:
        if code not in known:
            raise NotFound("place", code, input_name="place", candidates=sorted(known))
