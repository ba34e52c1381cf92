"""The ledger API's commitments (reserve, post, void, expire) and periods (list, close),
under /api/v1/finance/ledger; included by ``finance_ledger.router``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep
from integrated_care.api.routers.finance_ledger_common import (
    PREFIX,
    READ_ERRORS,
    REPLAYED,
    WRITE_ERRORS,
    KeyHeader,
    ReaderDep,
    choose_key,
    journal_read,
)
from integrated_care.api.schemas.finance_ledger import (
    CommitmentCreate,
    CommitmentExpire,
    CommitmentPost,
    CommitmentRead,
    JournalRead,
    PeriodRead,
)
from integrated_care.finance.ledger.dicts import commitment_dict, period_dict
from integrated_care.finance.ledger.model import Commitment, CommitmentRequest
from integrated_care.services.finance import ledger

router = APIRouter()


def _commitment(c: Commitment) -> CommitmentRead:
    return CommitmentRead.model_validate(commitment_dict(c))


@router.get(f"{PREFIX}/commitments", response_model=list[CommitmentRead], responses=READ_ERRORS)
def commitments(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    account: Annotated[str | None, Query(description="Only on this account")] = None,
    pending: Annotated[bool, Query(description="Only pending ones")] = False,
) -> list[CommitmentRead]:
    """Commitments, oldest first."""
    found = ledger.commitments(uow, workspace.system, account=account, pending_only=pending)
    return [_commitment(c) for c in found]


@router.get(f"{PREFIX}/periods", response_model=list[PeriodRead], responses=READ_ERRORS)
def periods(uow: UowDep, workspace: WorkspaceDep, _reader: ReaderDep) -> list[PeriodRead]:
    """Periods with journals or a close, oldest first."""
    return [
        PeriodRead.model_validate(period_dict(p)) for p in ledger.periods(uow, workspace.system)
    ]


@router.post(
    f"{PREFIX}/commitments",
    response_model=CommitmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def reserve(
    body: CommitmentCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> CommitmentRead:
    """Reserve funds (pending). A guarded budget cannot be overcommitted (400 naming the
    available amount)."""
    key = choose_key(body.key, idempotency_key)
    known = ledger.commitment_by_key(uow, workspace.system, key)
    c = ledger.reserve(
        uow,
        workspace.system,
        CommitmentRequest(
            key=key,
            debit_account=body.debit_account,
            credit_account=body.credit_account,
            amount=body.amount,
            reserved_on=body.reserved_on,
            description=body.description,
            expires_on=body.expires_on,
        ),
        actor=actor,
    )
    uow.commit()
    if known is not None:
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED] = "true"
    return _commitment(c)


@router.post(
    f"{PREFIX}/commitments/{{commitment_id}}/post",
    response_model=JournalRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def post_commitment(
    commitment_id: Annotated[int, Path(description="The commitment id")],
    body: CommitmentPost,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> JournalRead:
    """Post a pending commitment in full or in part (the rest is released)."""
    posted = ledger.post_commitment(
        uow,
        workspace.system,
        commitment_id,
        key=choose_key(body.key, idempotency_key),
        posted_on=body.posted_on,
        amount=body.amount,
        actor=actor,
    )
    uow.commit()
    return journal_read(posted, response)


@router.post(
    f"{PREFIX}/commitments/{{commitment_id}}/void",
    response_model=CommitmentRead,
    responses=WRITE_ERRORS,
)
def void_commitment(
    commitment_id: Annotated[int, Path(description="The commitment id")],
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> CommitmentRead:
    """Release a pending commitment (voiding it again changes nothing)."""
    c = ledger.void_commitment(uow, workspace.system, commitment_id, actor=actor)
    uow.commit()
    return _commitment(c)


@router.post(
    f"{PREFIX}/commitments/expire",
    response_model=list[CommitmentRead],
    responses=WRITE_ERRORS,
)
def expire_commitments(
    body: CommitmentExpire, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> list[CommitmentRead]:
    """Expire pending commitments whose last day is before ``as_of``."""
    expired = ledger.expire_commitments(uow, workspace.system, body.as_of, actor=actor)
    uow.commit()
    return [_commitment(c) for c in expired]


@router.post(
    f"{PREFIX}/periods/{{period}}/close", response_model=PeriodRead, responses=WRITE_ERRORS
)
def close_period(
    period: Annotated[str, Path(description="YYYY-MM")],
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
) -> PeriodRead:
    """Close a month: journals dated in it are refused from then on (no reopening)."""
    closed = ledger.close_period(uow, workspace.system, period, actor=actor)
    uow.commit()
    return PeriodRead.model_validate(period_dict(closed))
