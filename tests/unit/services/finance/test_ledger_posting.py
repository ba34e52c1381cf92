"""Posting journals through the service: checked whole first, nothing written if refused,
replays return the original, reversals mirror their journal once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from tests.unit.services.finance.ledger_support import (
    CITY,
    CITY_ACUTE,
    CITY_MH,
    FUNDING,
    POT,
    SOUTH,
    SYSTEM,
    counts,
    fund_city,
    journal,
    open_ledger,
    post,
)

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

FINANCE = Actor("finance-lead", Role.FINANCE)


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    return open_ledger(workspace)


def test_a_balanced_journal_is_posted_and_read_back(ws: Workspace) -> None:
    request = journal("alloc-1", (POT, 116_741_000_00), (FUNDING, -116_741_000_00))
    posted = post(ws, request, FINANCE)
    assert not posted.replayed
    assert posted.journal.legs == request.legs
    assert posted.journal.period == "2025-04"
    assert posted.journal.created_by == "finance-lead"
    with ws.uow() as uow:
        again = ledger.journal(uow, SYSTEM, posted.journal.id)
        pot = ledger.balance(uow, SYSTEM, POT)
        funding = ledger.balance(uow, SYSTEM, FUNDING)
    assert again == posted.journal
    assert (pot.posted, pot.debits, pot.credits) == (116_741_000_00, 116_741_000_00, 0)
    # Equity grows with credits: the allocation shows as a positive balance.
    assert (funding.posted, funding.debits, funding.credits) == (116_741_000_00, 0, 116_741_000_00)


def test_a_replay_returns_the_original_and_writes_nothing(ws: Workspace) -> None:
    request = journal("alloc-1", (POT, 500_00), (FUNDING, -500_00))
    first = post(ws, request)
    before = counts(ws.engine)
    again = post(ws, request)
    assert again.replayed
    assert again.journal == first.journal
    after = counts(ws.engine)
    assert after["ledger_journals"] == before["ledger_journals"]
    assert after["ledger_legs"] == before["ledger_legs"]


def test_the_same_key_with_a_different_body_is_a_conflict_naming_the_key(ws: Workspace) -> None:
    post(ws, journal("alloc-1", (POT, 500_00), (FUNDING, -500_00)))
    before = counts(ws.engine)
    with pytest.raises(Conflict, match="'alloc-1'") as refused:
        post(ws, journal("alloc-1", (POT, 501_00), (FUNDING, -501_00)))
    assert refused.value.input_name == "journal.key"
    assert counts(ws.engine) == before


BAD = {
    "unbalanced": (journal("k", (POT, 100), (FUNDING, -99)), InvalidInput, "journal.legs"),
    "one leg": (journal("k", (POT, 100)), InvalidInput, "journal.legs"),
    "zero leg": (journal("k", (POT, 100), (FUNDING, -100), (SOUTH, 0)), InvalidInput, None),
    "float pence": (journal("k", (POT, 1.5), (FUNDING, -1.5)), InvalidInput, None),  # type: ignore[arg-type]
    "unknown account": (
        journal("k", (POT, 100), ("icb:core-2025-26:nhse-fundin", -100)),
        NotFound,
        "account",
    ),
    "blank key": (journal(" ", (POT, 100), (FUNDING, -100)), InvalidInput, "journal.key"),
    "bad account code": (journal("k", (POT, 100), ("no spaces allowed", -100)), InvalidInput, None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_journals_are_refused_and_nothing_is_written(ws: Workspace, case: str) -> None:
    request, error, input_name = BAD[case]
    before = counts(ws.engine)
    with pytest.raises(error) as refused:
        post(ws, request)
    if input_name:
        assert refused.value.input_name == input_name
    assert counts(ws.engine) == before


def test_an_unknown_account_suggests_the_closest_codes(ws: Workspace) -> None:
    with pytest.raises(NotFound, match="Did you mean: icb:core-2025-26:nhse-funding"):
        post(ws, journal("k", (POT, 100), ("icb:core-2025-26:nhse-fundin", -100)))


def test_only_finance_and_admin_may_post(ws: Workspace) -> None:
    for role in (Role.ANALYST, Role.PARTNER, Role.PUBLIC, Role.BOARD_SECRETARY):
        with pytest.raises(Forbidden):
            post(ws, journal("k", (POT, 100), (FUNDING, -100)), Actor("someone", role))
    assert counts(ws.engine)["ledger_journals"] == 0


def test_a_batch_is_all_or_nothing(ws: Workspace) -> None:
    good = [journal(f"ok-{n}", (POT, 100 + n), (FUNDING, -100 - n)) for n in range(50)]
    bad = journal("bad", (POT, 100), (FUNDING, -101))
    before = counts(ws.engine)
    with ws.uow() as uow, pytest.raises(InvalidInput, match="'bad' does not balance") as refused:
        ledger.post_many(uow, SYSTEM, [*good, bad], actor=LOCAL_OPERATOR)
    assert refused.value.input_name == "journals[50].legs"
    assert counts(ws.engine) == before


def test_a_batch_posts_every_journal_with_distinct_ids(ws: Workspace) -> None:
    batch = [journal(f"b-{n}", (POT, 100), (FUNDING, -60), (FUNDING, -40)) for n in range(300)]
    with ws.uow() as uow:
        posted = ledger.post_many(uow, SYSTEM, batch, actor=LOCAL_OPERATOR)
        uow.commit()
    assert [p.journal.key for p in posted] == [r.key for r in batch]
    assert len({p.journal.id for p in posted}) == 300
    with ws.uow() as uow:
        pot = ledger.balance(uow, SYSTEM, POT)
    assert pot.posted == 300 * 100


def test_a_batch_replays_known_keys_and_repeats_within_itself(ws: Workspace) -> None:
    first = post(ws, journal("a", (POT, 100), (FUNDING, -100)))
    b = journal("b", (POT, 200), (FUNDING, -200))
    with ws.uow() as uow:
        posted = ledger.post_many(
            uow,
            SYSTEM,
            [journal("a", (POT, 100), (FUNDING, -100)), b, b],
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    assert [p.replayed for p in posted] == [True, False, True]
    assert posted[0].journal == first.journal
    assert posted[1].journal == posted[2].journal
    with ws.uow() as uow:
        assert ledger.balance(uow, SYSTEM, POT).posted == 300


def test_a_batch_repeating_a_key_with_another_body_is_refused(ws: Workspace) -> None:
    with ws.uow() as uow, pytest.raises(Conflict, match="journals\\[0\\]"):
        ledger.post_many(
            uow,
            SYSTEM,
            [journal("a", (POT, 100), (FUNDING, -100)), journal("a", (POT, 1), (FUNDING, -1))],
            actor=LOCAL_OPERATOR,
        )


def test_a_guarded_budget_cannot_go_below_zero(ws: Workspace) -> None:
    fund_city(ws, 1_000_00)
    post(ws, journal("spend-1", (CITY_MH, 600_00), (CITY, -600_00)))
    before = counts(ws.engine)
    with pytest.raises(
        InvalidInput, match=r"has £400\.00 available; the journal .spend-2. needs £400\.01"
    ):
        post(ws, journal("spend-2", (CITY_ACUTE, 400_01), (CITY, -400_01)))
    assert counts(ws.engine) == before
    post(ws, journal("spend-2", (CITY_ACUTE, 400_00), (CITY, -400_00)))  # exactly to zero
    with ws.uow() as uow:
        assert ledger.balance(uow, SYSTEM, CITY).posted == 0


def test_a_batch_may_not_overspend_midway_even_if_it_refunds_later(ws: Workspace) -> None:
    fund_city(ws, 100_00)
    batch = [
        journal("spend", (CITY_MH, 150_00), (CITY, -150_00)),
        journal("top-up", (CITY, 100_00), (POT, -100_00)),
    ]
    with ws.uow() as uow, pytest.raises(InvalidInput, match="journal 'spend'"):
        ledger.post_many(uow, SYSTEM, batch, actor=LOCAL_OPERATOR)
    with ws.uow() as uow:  # in the other order it is fine
        ledger.post_many(uow, SYSTEM, batch[::-1], actor=LOCAL_OPERATOR)
        uow.commit()


def test_unguarded_accounts_may_go_negative(ws: Workspace) -> None:
    post(ws, journal("overspend", (CITY_MH, 50_00), (SOUTH, -50_00)))
    with ws.uow() as uow:
        assert ledger.balance(uow, SYSTEM, SOUTH).posted == -50_00


def test_a_reversal_mirrors_the_journal_once(ws: Workspace) -> None:
    original = post(ws, journal("alloc", (POT, 700_00), (FUNDING, -700_00))).journal
    with ws.uow() as uow:
        reversal = ledger.reverse(
            uow,
            SYSTEM,
            original.id,
            key="undo",
            posted_on=date(2025, 5, 2),
            reason="wrong fund",
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    assert reversal.journal.reverses == original.id
    assert reversal.journal.legs == (Leg(POT, -700_00), Leg(FUNDING, 700_00))
    assert "wrong fund" in reversal.journal.description
    with ws.uow() as uow:
        assert ledger.balance(uow, SYSTEM, POT).posted == 0
        replay = ledger.reverse(
            uow,
            SYSTEM,
            original.id,
            key="undo",
            posted_on=date(2025, 5, 2),
            reason="wrong fund",
            actor=LOCAL_OPERATOR,
        )
        assert replay.replayed
        assert replay.journal == reversal.journal
        with pytest.raises(
            Conflict, match=f"already been reversed \\(by journal {reversal.journal.id}\\)"
        ):
            ledger.reverse(
                uow,
                SYSTEM,
                original.id,
                key="undo-2",
                posted_on=date(2025, 5, 2),
                reason="again",
                actor=LOCAL_OPERATOR,
            )
        with pytest.raises(Conflict, match="cannot be reversed"):
            ledger.reverse(
                uow,
                SYSTEM,
                reversal.journal.id,
                key="undo-3",
                posted_on=date(2025, 5, 2),
                reason="x",
                actor=LOCAL_OPERATOR,
            )
        with pytest.raises(NotFound):
            ledger.reverse(
                uow,
                SYSTEM,
                999,
                key="undo-4",
                posted_on=date(2025, 5, 2),
                reason="x",
                actor=LOCAL_OPERATOR,
            )


def test_a_closed_period_refuses_postings_and_cannot_be_reopened_by_posting(ws: Workspace) -> None:
    post(ws, journal("april", (POT, 100), (FUNDING, -100), on=date(2025, 4, 30)))
    with ws.uow() as uow:
        closed = ledger.close_period(uow, SYSTEM, "2025-04", actor=LOCAL_OPERATOR)
        uow.commit()
    assert closed.closed
    assert closed.closed_by == LOCAL_OPERATOR.name
    before = counts(ws.engine)
    with pytest.raises(InvalidInput, match="period 2025-04 is closed") as refused:
        post(ws, journal("late", (POT, 100), (FUNDING, -100), on=date(2025, 4, 15)))
    assert refused.value.input_name == "journal.posted_on"
    assert counts(ws.engine) == before
    post(ws, journal("may", (POT, 100), (FUNDING, -100), on=date(2025, 5, 1)))
    # A replay of a journal already in the closed period still answers with the original.
    assert post(ws, journal("april", (POT, 100), (FUNDING, -100), on=date(2025, 4, 30))).replayed
    with ws.uow() as uow:
        assert [(p.period, p.closed) for p in ledger.periods(uow, SYSTEM)] == [
            ("2025-04", True),
            ("2025-05", False),
        ]
        again = ledger.close_period(uow, SYSTEM, "2025-04", actor=LOCAL_OPERATOR)
        assert again.closed_at == closed.closed_at
        with pytest.raises(InvalidInput, match="not an accounting period"):
            ledger.close_period(uow, SYSTEM, "2025-13", actor=LOCAL_OPERATOR)


def test_opening_an_account_twice_is_a_no_op_but_a_different_one_conflicts(ws: Workspace) -> None:
    same = Account(
        CITY, "Nottingham City place budget", AccountType.ASSET, fund="core-2025-26", guarded=True
    )
    with ws.uow() as uow:
        assert ledger.open_account(uow, SYSTEM, same, actor=LOCAL_OPERATOR) == same
        with pytest.raises(Conflict, match="already defined differently"):
            ledger.open_account(
                uow,
                SYSTEM,
                Account(
                    CITY, "Nottingham City place budget", AccountType.ASSET, fund="core-2025-26"
                ),
                actor=LOCAL_OPERATOR,
            )
        with pytest.raises(InvalidInput):
            ledger.open_account(
                uow, SYSTEM, Account("bad code!", "x", AccountType.ASSET), actor=LOCAL_OPERATOR
            )
        with pytest.raises(Forbidden):
            ledger.open_account(
                uow, SYSTEM, Account("x:y", "x", AccountType.ASSET), actor=Actor("a", Role.ANALYST)
            )


def test_accounts_are_listed_by_prefix_and_fund(ws: Workspace) -> None:
    with ws.uow() as uow:
        places = ledger.list_accounts(uow, SYSTEM, prefix="place:nottingham-city:")
        assert [a.code for a in places] == sorted([CITY, CITY_MH, CITY_ACUTE])
        assert len(ledger.list_accounts(uow, SYSTEM, fund="core-2025-26")) == 6
        assert ledger.list_accounts(uow, SYSTEM, fund="pmc-2025-26") == []
        assert ledger.get_account(uow, SYSTEM, CITY).guarded
        with pytest.raises(NotFound):
            ledger.get_account(uow, SYSTEM, "place:nowhere")


def test_duties_are_checked_before_anything_is_written(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def refuse(uow: object, system_code: str, requests: list[JournalRequest]) -> None:
        seen.append([r.key for r in requests])
        raise InvalidInput("break-even duty", input_name="duty", expected="no breach")

    monkeypatch.setattr("integrated_care.services.finance.duties.check_postings", refuse)
    before = counts(ws.engine)
    with pytest.raises(InvalidInput, match="break-even"):
        post(ws, journal("k", (POT, 100), (FUNDING, -100)))
    assert seen == [["k"]]
    assert counts(ws.engine) == before


def test_every_write_adds_one_audit_line(ws: Workspace) -> None:
    before = counts(ws.engine)["audit_log"]
    with ws.uow() as uow:
        ledger.post_many(
            uow,
            SYSTEM,
            [journal(f"k{n}", (POT, 1), (FUNDING, -1)) for n in range(20)],
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    assert counts(ws.engine)["audit_log"] == before + 1
    with ws.engine.connect() as c:
        detail = c.execute(text("SELECT resource FROM audit_log ORDER BY id DESC")).first()
    assert detail is not None
    assert detail[0] == "finance/ledger/journals"
