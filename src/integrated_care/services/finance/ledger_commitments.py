"""Commitments: two-phase postings (TigerBeetle's pending transfers). ``reserve`` holds funds
(pending) on the credit account; ``post_commitment`` turns all or part of them into a
journal and releases the rest; ``void_commitment`` and ``expire_commitments`` release them.

A commitment and its resolution are separate append-only rows; the resolution's primary key
is the commitment's id, so the database itself lets a commitment be resolved only once.
"""

from __future__ import annotations

from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.ledger.model import (
    Commitment,
    CommitmentRequest,
    CommitmentState,
    JournalRequest,
    Leg,
    Posted,
)
from integrated_care.finance.ledger.rules import (
    check_amount,
    check_commitment,
    check_key,
    commitment_hash,
    normal_effect,
)
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
from integrated_care.services.finance.ledger_posting import post_batch


def reserve(
    uow: UnitOfWork, system_code: str, request: CommitmentRequest, *, actor: Actor
) -> Commitment:
    require(actor, Permission.POST_FINANCE)
    if not isinstance(request, CommitmentRequest):
        raise InvalidInput(
            "The commitment is not a commitment request.",
            input_name="commitment",
            expected="a CommitmentRequest",
        )
    check_commitment(request)
    body_hash = commitment_hash(request)
    repo(uow).lock_system(system_code)

    def write() -> tuple[Commitment, bool]:
        ledger = repo(uow)
        for existing, stored_hash in ledger.commitments(system_code, keys=[request.key]):
            if stored_hash != body_hash:
                raise Conflict(
                    f"The idempotency key '{request.key}' was already used for a different "
                    f"commitment ({existing.id}).",
                    input_name="commitment.key",
                    expected="a new key, or exactly the original request to replay it",
                )
            return existing, True
        accounts = accounts_by_code(
            uow,
            system_code,
            (request.debit_account, request.credit_account),
            input_name="commitment.account",
        )
        debit, credit = accounts[request.debit_account], accounts[request.credit_account]
        guarded = [s for s in (debit, credit) if s.account.guarded]
        if guarded:
            left = available(uow, system_code, guarded)
            for stored, signed in ((debit, request.amount), (credit, -request.amount)):
                refuse_overdraft(
                    stored.account,
                    left.get(stored.id, 0),
                    normal_effect(stored.account.type, signed),
                    what="commitment",
                )
        new_id = ledger.insert_commitment(
            {
                "system_code": system_code,
                "key": request.key,
                "body_hash": body_hash,
                "debit_account_id": debit.id,
                "credit_account_id": credit.id,
                "amount": request.amount,
                "reserved_on": request.reserved_on,
                "expires_on": request.expires_on,
                "description": request.description,
                "created_at": utc_now(),
                "created_by": actor.name,
            }
        )
        return (
            Commitment(
                id=new_id,
                key=request.key,
                debit_account=request.debit_account,
                credit_account=request.credit_account,
                amount=request.amount,
                state=CommitmentState.PENDING,
                reserved_on=request.reserved_on,
                description=request.description,
                expires_on=request.expires_on,
            ),
            False,
        )

    commitment, replayed = concurrently(uow, write)
    if not replayed:
        audit(
            uow, actor, system_code, f"finance/ledger/commitments/{commitment.id}", action="reserve"
        )
    return commitment


def commitment(uow: UnitOfWork, system_code: str, commitment_id: int) -> Commitment:
    found = repo(uow).commitments(system_code, ids=[commitment_id])
    if not found:
        raise _unknown(commitment_id)
    return found[0][0]


def by_key(uow: UnitOfWork, system_code: str, key: str) -> Commitment | None:
    found = repo(uow).commitments(system_code, keys=[key])
    return found[0][0] if found else None


def _unknown(commitment_id: int) -> NotFound:
    return NotFound(
        "commitment",
        str(commitment_id),
        input_name="commitment",
        expected="a commitment id shown by 'ics finance commit list'",
    )


def _locked(uow: UnitOfWork, system_code: str, commitment_id: int) -> Commitment:
    """The commitment, its row locked on PostgreSQL so it is resolved by one writer."""
    ledger = repo(uow)
    ledger.lock_system(system_code)
    ledger.lock_commitments([commitment_id])
    found = ledger.commitments(system_code, ids=[commitment_id])
    if not found:
        raise _unknown(commitment_id)
    return found[0][0]


def _not_pending(commitment: Commitment, what: str) -> Conflict:
    return Conflict(
        f"Commitment {commitment.id} is {commitment.state.value}; only a pending commitment "
        f"can be {what}.",
        input_name="commitment",
        expected="a pending commitment",
    )


def post_commitment(
    uow: UnitOfWork,
    system_code: str,
    commitment_id: int,
    *,
    key: str,
    posted_on: date,
    amount: int | None = None,
    actor: Actor,
) -> Posted:
    require(actor, Permission.POST_FINANCE)
    check_key(key)
    commitment = _locked(uow, system_code, commitment_id)
    value = (
        commitment.amount
        if amount is None
        else check_amount(amount, input_name="amount", positive=True)
    )
    request = JournalRequest(
        key=key,
        posted_on=posted_on,
        description=commitment.description,
        legs=(
            Leg(commitment.debit_account, value),
            Leg(commitment.credit_account, -value),
        ),
        reference=f"commitment:{commitment.id}",
    )
    if commitment.state is CommitmentState.POSTED and commitment.journal_id is not None:
        # A retry of the same post replays its journal; anything else is refused.
        original = repo(uow).load_journals(system_code, [commitment.journal_id])
        if original[commitment.journal_id].key == key:
            return post_batch(uow, system_code, [request], actor=actor, single=True)[0]
    if commitment.state is not CommitmentState.PENDING:
        raise _not_pending(commitment, "posted")
    if value > commitment.amount:
        raise InvalidInput(
            f"Commitment {commitment.id} reserved {commitment.amount} pence; {value} cannot be "
            "posted against it.",
            input_name="amount",
            expected=f"1 to {commitment.amount} pence",
        )
    if commitment.expires_on is not None and posted_on > commitment.expires_on:
        raise Conflict(
            f"Commitment {commitment.id} expired on {commitment.expires_on.isoformat()}.",
            input_name="posted_on",
            expected=f"a date on or before {commitment.expires_on.isoformat()}",
        )
    accounts = accounts_by_code(
        uow,
        system_code,
        (commitment.debit_account, commitment.credit_account),
        input_name="account",
    )
    # The reservation is released by this very write, so it does not count against itself:
    # it was pending on whichever side it reduces (see ledger_common.available).
    debit, credit = accounts[commitment.debit_account], accounts[commitment.credit_account]
    released = {
        credit.id: commitment.amount if credit.account.type.debit_normal else 0,
        debit.id: 0 if debit.account.type.debit_normal else commitment.amount,
    }
    posted = post_batch(uow, system_code, [request], actor=actor, released=released, single=True)[0]
    _resolve(uow, [commitment.id], CommitmentState.POSTED, actor, value, posted.journal.id)
    return posted


def _resolve(
    uow: UnitOfWork,
    ids: list[int],
    state: CommitmentState,
    actor: Actor,
    posted_amount: int = 0,
    journal_id: int | None = None,
) -> None:
    now = utc_now()
    repo(uow).insert_resolutions(
        [
            {
                "commitment_id": cid,
                "state": state.value,
                "posted_amount": posted_amount,
                "journal_id": journal_id,
                "resolved_at": now,
                "resolved_by": actor.name,
            }
            for cid in ids
        ]
    )


def void_commitment(
    uow: UnitOfWork, system_code: str, commitment_id: int, *, actor: Actor
) -> Commitment:
    require(actor, Permission.POST_FINANCE)
    commitment = _locked(uow, system_code, commitment_id)
    if commitment.state is CommitmentState.VOIDED:
        return commitment  # voiding twice changes nothing
    if commitment.state is not CommitmentState.PENDING:
        raise _not_pending(commitment, "voided")
    _resolve(uow, [commitment.id], CommitmentState.VOIDED, actor)
    audit(uow, actor, system_code, f"finance/ledger/commitments/{commitment.id}", action="void")
    return _with_state(commitment, CommitmentState.VOIDED)


def _with_state(c: Commitment, state: CommitmentState) -> Commitment:
    return Commitment(
        id=c.id,
        key=c.key,
        debit_account=c.debit_account,
        credit_account=c.credit_account,
        amount=c.amount,
        state=state,
        reserved_on=c.reserved_on,
        description=c.description,
        expires_on=c.expires_on,
    )


def expire_commitments(
    uow: UnitOfWork, system_code: str, as_of: date, *, actor: Actor
) -> list[Commitment]:
    require(actor, Permission.POST_FINANCE)
    if not isinstance(as_of, date):
        raise InvalidInput("The date is not a date.", input_name="as_of", expected="YYYY-MM-DD")
    ledger = repo(uow)
    ledger.lock_system(system_code)
    due = [c for c, _ in ledger.commitments(system_code, expiring_before=as_of)]
    ledger.lock_commitments([c.id for c in due])
    # Re-read after locking: a concurrent writer may have resolved some meanwhile.
    due = [c for c, _ in ledger.commitments(system_code, expiring_before=as_of)]
    _resolve(uow, [c.id for c in due], CommitmentState.EXPIRED, actor)
    if due:
        audit(
            uow, actor, system_code, "finance/ledger/commitments", action="expire", count=len(due)
        )
    return [_with_state(c, CommitmentState.EXPIRED) for c in due]


def commitments(
    uow: UnitOfWork, system_code: str, *, account: str | None = None, pending_only: bool = False
) -> list[Commitment]:
    account_id = None
    if account is not None:
        found = accounts_by_code(uow, system_code, [account], input_name="account", reading=True)
        account_id = found[account].id
    return [
        c
        for c, _ in repo(uow).commitments(
            system_code, account_id=account_id, pending_only=pending_only
        )
    ]
