"""Reading the ledger: balances (as of a date), the trial balance, journals newest first."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.services.finance.ledger_support import (
    CITY,
    CITY_ACUTE,
    CITY_MH,
    FUNDING,
    POT,
    SOUTH,
    SYSTEM,
    journal,
    open_ledger,
    post,
)

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace


@pytest.fixture
def ws(workspace: Workspace) -> Workspace:
    open_ledger(workspace)
    post(workspace, journal("alloc", (POT, 10_000_00), (FUNDING, -10_000_00), on=date(2025, 4, 1)))
    post(workspace, journal("city", (CITY, 6_000_00), (POT, -6_000_00), on=date(2025, 4, 2)))
    post(workspace, journal("south", (SOUTH, 3_000_00), (POT, -3_000_00), on=date(2025, 4, 3)))
    post(
        workspace,
        journal(
            "spend",
            (CITY_MH, 1_000_00),
            (CITY_ACUTE, 500_00),
            (CITY, -1_500_00),
            on=date(2025, 5, 9),
        ),
    )
    return workspace


def test_balances_are_in_each_accounts_normal_direction(ws: Workspace) -> None:
    with ws.uow() as uow:
        got = {b.account: (b.posted, b.debits, b.credits) for b in ledger.balances(uow, SYSTEM)}
    assert got == {
        FUNDING: (10_000_00, 0, 10_000_00),
        POT: (1_000_00, 10_000_00, 9_000_00),
        CITY: (4_500_00, 6_000_00, 1_500_00),
        SOUTH: (3_000_00, 3_000_00, 0),
        CITY_MH: (1_000_00, 1_000_00, 0),
        CITY_ACUTE: (500_00, 500_00, 0),
    }


def test_a_balance_as_of_a_date_counts_only_journals_dated_by_then(ws: Workspace) -> None:
    with ws.uow() as uow:
        assert ledger.balance(uow, SYSTEM, CITY, as_of=date(2025, 4, 30)).posted == 6_000_00
        assert ledger.balance(uow, SYSTEM, CITY, as_of=date(2025, 5, 9)).posted == 4_500_00
        assert ledger.balance(uow, SYSTEM, POT, as_of=date(2025, 3, 31)).posted == 0
        by_prefix = ledger.balances(
            uow, SYSTEM, prefix="place:nottingham-city:", as_of=date(2025, 4, 30)
        )
    assert {b.account: b.posted for b in by_prefix} == {CITY: 6_000_00, CITY_MH: 0, CITY_ACUTE: 0}


def test_the_trial_balance_agrees(ws: Workspace) -> None:
    with ws.uow() as uow:
        tb = ledger.trial_balance(uow, SYSTEM)
        totals = ledger.leg_totals(uow, SYSTEM)
    # Debit column: pot 1,000 + city 4,500 + south 3,000 + spend 1,500; credit: funding 10,000.
    assert (tb.debits, tb.credits) == (10_000_00, 10_000_00)
    assert tb.balanced
    assert totals == (20_500_00, 20_500_00)


def test_journals_are_listed_newest_first_and_filtered_by_account(ws: Workspace) -> None:
    with ws.uow() as uow:
        assert [j.key for j in ledger.journals(uow, SYSTEM)] == ["spend", "south", "city", "alloc"]
        assert [j.key for j in ledger.journals(uow, SYSTEM, account=CITY)] == ["spend", "city"]
        assert [j.key for j in ledger.journals(uow, SYSTEM, limit=1)] == ["spend"]
        assert [j.key for j in ledger.journals(uow, SYSTEM, fund="pmc-2025-26")] == []
        with pytest.raises(InvalidInput):
            ledger.journals(uow, SYSTEM, limit=0)
        with pytest.raises(NotFound):
            ledger.journals(uow, SYSTEM, account="place:nowhere:budget")
        with pytest.raises(NotFound):
            ledger.journal(uow, SYSTEM, 12345)


def test_another_systems_ledger_is_invisible(ws: Workspace) -> None:
    with ws.uow() as uow:
        uow.structure.add_system("QE1", "E54000048", "Another ICB", "t")
        uow.commit()
    with ws.uow() as uow:
        assert ledger.balances(uow, "QE1") == []
        assert ledger.journals(uow, "QE1") == []
        assert ledger.trial_balance(uow, "QE1").debits == 0
        with pytest.raises(NotFound):
            ledger.journal(uow, "QE1", 1)
