"""Posting journals in bulk: the one write path behind ``post``, ``post_many``, ``reverse``
and ``post_commitment``.

A batch is checked whole in Python (shape, balance, accounts, periods, keys, guarded
balances, financial duties) before one multi-row INSERT of its legs and one of its headers;
anything refused writes nothing. The database then checks the balance rule again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.ledger.model import Journal, JournalRequest, Posted
from integrated_care.finance.ledger.rules import (
    check_journal,
    journal_hash,
    normal_effect,
    period_of,
)
from integrated_care.persistence.ledger_repository import StoredAccount
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance.ledger_common import (
    accounts_by_code,
    audit,
    available,
    concurrently,
    refuse_overdraft,
    repo,
)


@dataclass(frozen=True, slots=True)
class Batch:
    requests: Sequence[JournalRequest]
    hashes: list[str]
    reverses: list[int | None]
    names: list[str]  # how each request is named in messages: 'journal' or 'journals[3]'


def post_batch(
    uow: UnitOfWork,
    system_code: str,
    requests: Sequence[JournalRequest],
    *,
    actor: Actor,
    reverses: Sequence[int | None] | None = None,
    released: Mapping[int, int] | None = None,
    single: bool = False,
) -> list[Posted]:
    """Post ``requests`` all or nothing; replays of earlier keys come back as they were.
    ``reverses[i]`` marks request i as the reversal of that journal; ``released`` is pending
    pence freed by the same write (account id -> pence), for guarded-balance checks."""
    require(actor, Permission.POST_FINANCE)
    marks: list[int | None] = list(reverses) if reverses is not None else [None] * len(requests)
    names = ["journal"] if single else [f"journals[{i}]" for i in range(len(requests))]
    for request, name in zip(requests, names, strict=True):
        if not isinstance(request, JournalRequest):
            raise InvalidInput(
                f"The {name} is not a journal request.",
                input_name=name,
                expected="a JournalRequest",
            )
        check_journal(request, where=name)
    batch = Batch(
        requests,
        [journal_hash(r, reverses=m) for r, m in zip(requests, marks, strict=True)],
        marks,
        names,
    )
    if not requests:
        return []
    repo(uow).lock_system(system_code)
    results = concurrently(uow, lambda: _write(uow, system_code, batch, actor, released or {}))
    new = [p.journal.id for p in results if not p.replayed]
    audit(
        uow,
        actor,
        system_code,
        "finance/ledger/journals",
        posted=len(new),
        replayed=len(results) - len(new),
        first=min(new, default=None),
        last=max(new, default=None),
    )
    return results


def _classify(
    uow: UnitOfWork, system_code: str, batch: Batch
) -> tuple[list[int], dict[int, int], dict[int, int]]:
    """(indices to write, {index: stored journal id it replays}, {index: earlier index in
    the batch it repeats})."""
    stored = repo(uow).journal_keys(system_code, [r.key for r in batch.requests])
    new: list[int] = []
    replays: dict[int, int] = {}
    repeats: dict[int, int] = {}
    first_seen: dict[str, int] = {}
    for i, request in enumerate(batch.requests):
        earlier = stored.get(request.key)
        if earlier is not None:
            if earlier.body_hash != batch.hashes[i]:
                raise _key_conflict(request.key, f"journal {earlier.id}", batch.names[i])
            replays[i] = earlier.id
        elif request.key in first_seen:
            j = first_seen[request.key]
            if batch.hashes[j] != batch.hashes[i]:
                raise _key_conflict(request.key, batch.names[j], batch.names[i])
            repeats[i] = j
        else:
            first_seen[request.key] = i
            new.append(i)
    return new, replays, repeats


def _key_conflict(key: str, holder: str, name: str) -> Conflict:
    return Conflict(
        f"The idempotency key '{key}' was already used for a different request ({holder}).",
        input_name=f"{name}.key",
        expected="a new key for a new journal, or exactly the original request to replay it",
    )


def _write(
    uow: UnitOfWork,
    system_code: str,
    batch: Batch,
    actor: Actor,
    released: Mapping[int, int],
) -> list[Posted]:
    ledger = repo(uow)
    new, replays, repeats = _classify(uow, system_code, batch)
    fresh = [batch.requests[i] for i in new]
    accounts: dict[str, StoredAccount] = {}
    if fresh:
        accounts = accounts_by_code(
            uow,
            system_code,
            (leg.account for r in fresh for leg in r.legs),
            input_name="account",
        )
        _check_periods(uow, system_code, batch, new)
        _check_reversals(uow, system_code, batch, new)
        # Imported here: duties may read the ledger, and the ledger must not need it loaded.
        from integrated_care.services.finance.duties import check_postings

        check_postings(uow, system_code, fresh)
        _check_guarded(uow, system_code, batch, new, accounts, released)
    ids = ledger.allocate_journal_ids(len(new))
    now = utc_now()
    legs: list[dict[str, Any]] = []
    headers: list[dict[str, Any]] = []
    journals: dict[int, Journal] = {}
    account_ids = {code: stored.id for code, stored in accounts.items()}
    for i, jid in zip(new, ids, strict=True):
        r = batch.requests[i]
        period = period_of(r.posted_on)
        legs += [
            {
                "journal_id": jid,
                "account_id": account_ids[g.account],
                "amount": g.amount,
                "memo": g.memo,
            }
            for g in r.legs
        ]
        headers.append(
            {
                "id": jid,
                "system_code": system_code,
                "key": r.key,
                "body_hash": batch.hashes[i],
                "posted_on": r.posted_on,
                "period": period,
                "description": r.description,
                "reference": r.reference,
                "reverses": batch.reverses[i],
                "created_at": now,
                "created_by": actor.name,
            }
        )
        journals[i] = Journal(
            id=jid,
            key=r.key,
            posted_on=r.posted_on,
            period=period,
            description=r.description,
            legs=tuple(r.legs),
            reference=r.reference,
            created_at=now,
            created_by=actor.name,
            reverses=batch.reverses[i],
        )
    # Headers in key order: concurrent PostgreSQL writers then wait on each other's keys in
    # one order, never in a cycle (no deadlock).
    headers.sort(key=lambda h: str(h["key"]))
    ledger.insert_journals(legs, headers)
    earlier = ledger.load_journals(system_code, list(replays.values()))
    results: list[Posted] = []
    for i in range(len(batch.requests)):
        if i in replays:
            results.append(Posted(earlier[replays[i]], replayed=True))
        elif i in repeats:
            results.append(Posted(journals[repeats[i]], replayed=True))
        else:
            results.append(Posted(journals[i]))
    return results


def _check_periods(uow: UnitOfWork, system_code: str, batch: Batch, new: list[int]) -> None:
    repo(uow).lock_periods(system_code)
    closed = repo(uow).closed_periods(system_code)
    for i in new:
        period = period_of(batch.requests[i].posted_on)
        if period in closed:
            raise InvalidInput(
                f"The period {period} is closed; the journal '{batch.requests[i].key}' dated "
                f"{batch.requests[i].posted_on.isoformat()} cannot be posted in it.",
                input_name=f"{batch.names[i]}.posted_on",
                expected="a date in an open period (post a correction in the current period)",
            )


def _check_reversals(uow: UnitOfWork, system_code: str, batch: Batch, new: list[int]) -> None:
    targets = [m for i in new if (m := batch.reverses[i]) is not None]
    if not targets:
        return
    done = repo(uow).reversed_by(targets)
    seen: set[int] = set()
    for target in targets:
        if target in done or target in seen:
            by = done.get(target)
            raise Conflict(
                f"Journal {target} has already been reversed"
                + (f" (by journal {by})." if by else " in this batch."),
                input_name="journal",
                expected="a journal that has not been reversed",
            )
        seen.add(target)


def _check_guarded(
    uow: UnitOfWork,
    system_code: str,
    batch: Batch,
    new: list[int],
    accounts: Mapping[str, StoredAccount],
    released: Mapping[int, int],
) -> None:
    """Journal by journal, in order: no guarded account may fall below zero (available =
    posted - pending commitments), so a batch cannot overspend midway either."""
    guarded = [s for s in accounts.values() if s.account.guarded]
    if not guarded:
        return
    left = available(uow, system_code, guarded, released=released)
    for i in new:
        request = batch.requests[i]
        change: dict[str, int] = defaultdict(int)
        for leg in request.legs:
            stored = accounts[leg.account]
            if stored.account.guarded:
                change[leg.account] += normal_effect(stored.account.type, leg.amount)
        for code, delta in change.items():
            stored = accounts[code]
            refuse_overdraft(
                stored.account, left[stored.id], delta, what=f"journal '{request.key}'"
            )
            left[stored.id] += delta
