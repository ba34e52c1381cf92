"""Commitments as two-phase postings: reserve, then post (in full or in part), void or
expire; a guarded place budget cannot be overcommitted."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.services.finance.ledger_support import (
    CITY,
    CITY_ACUTE,
    CITY_MH,
    SYSTEM,
    counts,
    fund_city,
    journal,
    open_ledger,
    post,
)

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.finance.ledger.model import (
    Commitment,
    CommitmentRequest,
    CommitmentState,
    Leg,
)
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

MAY = date(2025, 5, 1)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    open_ledger(workspace)
    fund_city(workspace, 1_000_00)
    return workspace


def commit(
    key: str, pence: int, line: str = CITY_MH, expires: date | None = None
) -> CommitmentRequest:
    return CommitmentRequest(
        key=key,
        debit_account=line,
        credit_account=CITY,
        amount=pence,
        reserved_on=MAY,
        description=f"contract {key}",
        expires_on=expires,
    )


def reserve(ws: Workspace, request: CommitmentRequest) -> Commitment:
    with ws.uow() as uow:
        result = ledger.reserve(uow, SYSTEM, request, actor=LOCAL_OPERATOR)
        uow.commit()
    return result


def city(ws: Workspace) -> tuple[int, int, int]:
    with ws.uow() as uow:
        b = ledger.balance(uow, SYSTEM, CITY)
    return b.posted, b.pending, b.available


def test_a_reservation_holds_funds_without_posting_them(ws: Workspace) -> None:
    reserve(ws, commit("c1", 300_00))
    assert city(ws) == (1_000_00, 300_00, 700_00)
    with ws.uow() as uow:
        (pending,) = ledger.commitments(uow, SYSTEM, pending_only=True)
        assert ledger.balance(uow, SYSTEM, CITY_MH).posted == 0
    assert pending.state is CommitmentState.PENDING
    assert pending.amount == 300_00


def test_a_place_budget_cannot_be_overcommitted(ws: Workspace) -> None:
    reserve(ws, commit("c1", 700_00))
    before = counts(ws.engine)
    with pytest.raises(
        InvalidInput,
        match=r"place budget place:nottingham-city:core-2025-26:budget has £300\.00 available; "
        r"the commitment needs £300\.01",
    ):
        reserve(ws, commit("c2", 300_01))
    assert counts(ws.engine) == before
    # Nor can a plain journal spend what is reserved.
    with pytest.raises(InvalidInput, match=r"£300\.00 available"):
        post(ws, journal("spend", (CITY_ACUTE, 300_01), (CITY, -300_01)))
    reserve(ws, commit("c2", 300_00))
    assert city(ws) == (1_000_00, 1_000_00, 0)


def test_a_reservation_replays_on_its_key_and_conflicts_on_another_body(ws: Workspace) -> None:
    first = reserve(ws, commit("c1", 100_00))
    assert reserve(ws, commit("c1", 100_00)) == first
    with pytest.raises(Conflict, match="'c1'"):
        reserve(ws, commit("c1", 100_01))
    assert counts(ws.engine)["ledger_commitments"] == 1


def test_a_partial_post_releases_the_rest(ws: Workspace) -> None:
    c = reserve(ws, commit("c1", 400_00))
    with ws.uow() as uow:
        posted = ledger.post_commitment(
            uow, SYSTEM, c.id, key="invoice-1", posted_on=MAY, amount=250_00, actor=LOCAL_OPERATOR
        )
        uow.commit()
    assert posted.journal.legs == (Leg(CITY_MH, 250_00), Leg(CITY, -250_00))
    assert city(ws) == (750_00, 0, 750_00)
    with ws.uow() as uow:
        (done,) = ledger.commitments(uow, SYSTEM)
        assert ledger.balance(uow, SYSTEM, CITY_MH).posted == 250_00
        # Posting again: the same call replays; anything else is refused.
        again = ledger.post_commitment(
            uow, SYSTEM, c.id, key="invoice-1", posted_on=MAY, amount=250_00, actor=LOCAL_OPERATOR
        )
        assert again.replayed
        assert again.journal == posted.journal
        with pytest.raises(Conflict, match="is posted"):
            ledger.post_commitment(
                uow, SYSTEM, c.id, key="invoice-2", posted_on=MAY, actor=LOCAL_OPERATOR
            )
        with pytest.raises(Conflict, match="is posted"):
            ledger.void_commitment(uow, SYSTEM, c.id, actor=LOCAL_OPERATOR)
    assert (done.state, done.posted_amount, done.journal_id) == (
        CommitmentState.POSTED,
        250_00,
        posted.journal.id,
    )


def test_a_full_post_of_a_budget_reserved_to_the_last_penny(ws: Workspace) -> None:
    c = reserve(ws, commit("all", 1_000_00))
    with ws.uow() as uow:
        ledger.post_commitment(uow, SYSTEM, c.id, key="all-in", posted_on=MAY, actor=LOCAL_OPERATOR)
        uow.commit()
    assert city(ws) == (0, 0, 0)


def test_posting_more_than_reserved_is_refused(ws: Workspace) -> None:
    c = reserve(ws, commit("c1", 100_00))
    with ws.uow() as uow, pytest.raises(InvalidInput, match="reserved 10000 pence") as refused:
        ledger.post_commitment(
            uow, SYSTEM, c.id, key="k", posted_on=MAY, amount=100_01, actor=LOCAL_OPERATOR
        )
    assert refused.value.input_name == "amount"


def test_a_voided_commitment_releases_its_funds(ws: Workspace) -> None:
    c = reserve(ws, commit("c1", 600_00))
    with ws.uow() as uow:
        voided = ledger.void_commitment(uow, SYSTEM, c.id, actor=LOCAL_OPERATOR)
        uow.commit()
    assert voided.state is CommitmentState.VOIDED
    assert city(ws) == (1_000_00, 0, 1_000_00)
    with ws.uow() as uow:
        assert (
            ledger.void_commitment(uow, SYSTEM, c.id, actor=LOCAL_OPERATOR).state
            is CommitmentState.VOIDED
        )
        with pytest.raises(Conflict, match="is voided"):
            ledger.post_commitment(
                uow, SYSTEM, c.id, key="late", posted_on=MAY, actor=LOCAL_OPERATOR
            )
        with pytest.raises(NotFound):
            ledger.void_commitment(uow, SYSTEM, 999, actor=LOCAL_OPERATOR)


def test_commitments_expire_after_their_date(ws: Workspace) -> None:
    short = reserve(ws, commit("short", 100_00, expires=date(2025, 5, 31)))
    reserve(ws, commit("long", 200_00, expires=date(2025, 6, 30)))
    reserve(ws, commit("open", 300_00))
    with ws.uow() as uow:
        assert ledger.expire_commitments(uow, SYSTEM, date(2025, 5, 31), actor=LOCAL_OPERATOR) == []
        expired = ledger.expire_commitments(uow, SYSTEM, date(2025, 6, 1), actor=LOCAL_OPERATOR)
        uow.commit()
    assert [c.key for c in expired] == ["short"]
    assert expired[0].state is CommitmentState.EXPIRED
    assert city(ws) == (1_000_00, 500_00, 500_00)
    with ws.uow() as uow, pytest.raises(Conflict, match="is expired"):
        ledger.post_commitment(
            uow, SYSTEM, short.id, key="late", posted_on=MAY, actor=LOCAL_OPERATOR
        )


def test_a_commitment_cannot_be_posted_after_its_expiry_date(ws: Workspace) -> None:
    c = reserve(ws, commit("short", 100_00, expires=date(2025, 5, 31)))
    with ws.uow() as uow, pytest.raises(Conflict, match="expired on 2025-05-31"):
        ledger.post_commitment(
            uow, SYSTEM, c.id, key="late", posted_on=date(2025, 6, 1), actor=LOCAL_OPERATOR
        )


BAD = {
    "zero": (commit("z", 0), InvalidInput),
    "negative": (commit("n", -5), InvalidInput),
    "same account": (CommitmentRequest("s", CITY, CITY, 5, MAY, "x"), InvalidInput),
    "unknown account": (
        commit("u", 5, line="place:nottingham-city:core-2025-26:spend:mh"),
        NotFound,
    ),
    "expires before reserved": (commit("e", 5, expires=date(2025, 4, 30)), InvalidInput),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_commitments_are_refused(ws: Workspace, case: str) -> None:
    request, error = BAD[case]
    before = counts(ws.engine)
    with pytest.raises(error):
        reserve(ws, request)
    assert counts(ws.engine) == before


def test_only_finance_and_admin_may_commit(ws: Workspace) -> None:
    with ws.uow() as uow, pytest.raises(Forbidden):
        ledger.reserve(uow, SYSTEM, commit("c", 5), actor=Actor("a", Role.ANALYST))
