"""The ledger API under /api/v1/finance/ledger: accounts, journals, balances, the trial
balance, commitments and periods.

Reads are restricted (finance, admin, analyst, board secretary; each read is audited);
partners are refused ledger-wide reads (their pool statements come from the partnerships
API). Writes need POST_FINANCE (finance, admin; checked by the services). Writes are
idempotent: send a key in the body or the ``Idempotency-Key`` header. A first post answers
201; a replay of the same request answers 200 with the original and the header
``Idempotent-Replayed: true``; the same key with another body answers 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from integrated_care.api.deps import (
    SignedInDep,
    UowDep,
    WorkspaceDep,
    current_actor,
)
from integrated_care.api.routers import finance_ledger_commitments
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
from integrated_care.api.schemas.common import IsoDate
from integrated_care.api.schemas.finance_ledger import (
    AccountCreate,
    AccountRead,
    BalanceRead,
    JournalBatchCreate,
    JournalCreate,
    JournalRead,
    ReversalCreate,
    TrialBalanceRead,
)
from integrated_care.finance.ledger.dicts import (
    account_dict,
    balance_dict,
    journal_dict,
    trial_balance_dict,
)
from integrated_care.finance.ledger.model import (
    Account,
    JournalRequest,
    Leg,
)
from integrated_care.services.finance import ledger

router = APIRouter(tags=["finance ledger"], dependencies=[Depends(current_actor)])


def _request(body: JournalCreate, key: str) -> JournalRequest:
    return JournalRequest(
        key=key,
        posted_on=body.posted_on,
        description=body.description,
        legs=tuple(Leg(g.account, g.amount, g.memo) for g in body.legs),
        reference=body.reference,
    )


# -- reads -----------------------------------------------------------------------------------
@router.get(f"{PREFIX}/accounts", response_model=list[AccountRead], responses=READ_ERRORS)
def accounts(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    prefix: Annotated[str | None, Query(description="Code prefix, e.g. place:")] = None,
    fund: Annotated[str | None, Query(description="Fund, e.g. core-2025-26")] = None,
) -> list[AccountRead]:
    """The chart of accounts."""
    found = ledger.list_accounts(uow, workspace.system, prefix=prefix, fund=fund)
    return [AccountRead.model_validate(account_dict(a)) for a in found]


@router.get(f"{PREFIX}/balances", response_model=list[BalanceRead], responses=READ_ERRORS)
def balances(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    prefix: Annotated[str | None, Query(description="Code prefix")] = None,
    fund: Annotated[str | None, Query(description="Fund")] = None,
    as_of: Annotated[IsoDate | None, Query(description="YYYY-MM-DD (default: all)")] = None,
) -> list[BalanceRead]:
    """Balances in each account's normal direction, with pending commitments (pence)."""
    found = ledger.balances(uow, workspace.system, prefix=prefix, fund=fund, as_of=as_of)
    return [BalanceRead.model_validate(balance_dict(b)) for b in found]


@router.get(f"{PREFIX}/trial-balance", response_model=TrialBalanceRead, responses=READ_ERRORS)
def trial_balance(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    fund: Annotated[str | None, Query(description="Fund")] = None,
    as_of: Annotated[IsoDate | None, Query(description="YYYY-MM-DD (default: all)")] = None,
) -> TrialBalanceRead:
    """Net balances as debit and credit columns; ``balanced`` when they agree."""
    tb = ledger.trial_balance(uow, workspace.system, fund=fund, as_of=as_of)
    return TrialBalanceRead.model_validate(trial_balance_dict(tb))


@router.get(f"{PREFIX}/journals", response_model=list[JournalRead], responses=READ_ERRORS)
def journals(
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
    account: Annotated[str | None, Query(description="Only journals on this account")] = None,
    fund: Annotated[str | None, Query(description="Only journals in this fund")] = None,
    limit: Annotated[int, Query(description="1 to 1000")] = 100,
) -> list[JournalRead]:
    """Journals, newest first."""
    found = ledger.journals(uow, workspace.system, account=account, fund=fund, limit=limit)
    return [JournalRead.model_validate(journal_dict(j)) for j in found]


@router.get(f"{PREFIX}/journals/{{journal_id}}", response_model=JournalRead, responses=READ_ERRORS)
def journal(
    journal_id: Annotated[int, Path(description="The journal id")],
    uow: UowDep,
    workspace: WorkspaceDep,
    _reader: ReaderDep,
) -> JournalRead:
    """One journal with its legs."""
    return JournalRead.model_validate(
        journal_dict(ledger.journal(uow, workspace.system, journal_id))
    )


# -- writes ----------------------------------------------------------------------------------
@router.post(
    f"{PREFIX}/accounts",
    response_model=AccountRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def open_account(
    body: AccountCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
) -> AccountRead:
    """Open an account (201); the same account again answers 200; a different account under
    the same code answers 409."""
    account = Account(
        code=body.code,
        name=body.name,
        type=body.type,
        fund=body.fund,
        organisation_code=body.organisation_code,
        guarded=body.guarded,
    )
    existed = any(
        a.code == body.code for a in ledger.list_accounts(uow, workspace.system, prefix=body.code)
    )
    opened = ledger.open_account(uow, workspace.system, account, actor=actor)
    uow.commit()
    if existed:
        response.status_code = status.HTTP_200_OK
    return AccountRead.model_validate(account_dict(opened))


@router.post(
    f"{PREFIX}/journals",
    response_model=JournalRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def post_journal(
    body: JournalCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> JournalRead:
    """Post a balanced journal (two or more legs summing to zero, open period, known
    accounts, guarded budgets not overdrawn, financial duties met)."""
    posted = ledger.post(
        uow,
        workspace.system,
        _request(body, choose_key(body.key, idempotency_key)),
        actor=actor,
    )
    uow.commit()
    return journal_read(posted, response)


@router.post(
    f"{PREFIX}/journals/batch",
    response_model=list[JournalRead],
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def post_journals(
    body: JournalBatchCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
) -> list[JournalRead]:
    """Post many journals, all or nothing; each names its own key. 201 if any was new, 200
    (with ``Idempotent-Replayed: true``) if every one was a replay."""
    requests = [_request(j, choose_key(j.key, None)) for j in body.journals]
    posted = ledger.post_many(uow, workspace.system, requests, actor=actor)
    uow.commit()
    if posted and all(p.replayed for p in posted):
        response.status_code = status.HTTP_200_OK
        response.headers[REPLAYED] = "true"
    return [
        JournalRead.model_validate({**journal_dict(p.journal), "replayed": p.replayed})
        for p in posted
    ]


@router.post(
    f"{PREFIX}/journals/{{journal_id}}/reversal",
    response_model=JournalRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def reverse(
    journal_id: Annotated[int, Path(description="The journal to reverse")],
    body: ReversalCreate,
    actor: SignedInDep,
    uow: UowDep,
    workspace: WorkspaceDep,
    response: Response,
    idempotency_key: KeyHeader = None,
) -> JournalRead:
    """Post the mirror image of a journal; a journal can be reversed once (409 after)."""
    posted = ledger.reverse(
        uow,
        workspace.system,
        journal_id,
        key=choose_key(body.key, idempotency_key),
        posted_on=body.posted_on,
        reason=body.reason,
        actor=actor,
    )
    uow.commit()
    return journal_read(posted, response)


# Commitments and periods live in their own module, under the same prefix and rules.
router.include_router(finance_ledger_commitments.router)
