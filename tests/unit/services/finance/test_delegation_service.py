"""Delegating the pot to places under a scheme of delegation, on SQLite and PostgreSQL.

QT1 is set up with its default places (Nottingham, E06000018, and Nottinghamshire,
E10000024). Expected splits are computed here from NHS England's published 2026/27
practice file, read raw from the shared data folder."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import Stream, place_budget
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.persistence.delegation_repository import Delegation
from integrated_care.services.finance import delegation, ledger, place_budgets, single_pot
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
CITY, COUNTY = "E06000018", "E10000024"
APRIL = date(2025, 4, 1)
SHARED = Path("/work/shared/data")
RowCounts = Callable[[Engine], dict[str, int]]
M = 1_000_000_00  # £1m in pence


def _raw_wp(column: str) -> dict[str, Fraction]:
    path = SHARED / "allocations" / "practice_wp_2026_27.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {r["Practice_Code"]: Fraction(r[column]) for r in csv.DictReader(handle)}


def _entry(place: str, **changes: object) -> SchemeEntry:
    values: dict[str, object] = {
        "place": place,
        "stream": Stream.CORE,
        "line": "community-services",
        "component": "community",
        "approver": f"{place}-partnership",
        "valid_from": APRIL,
        "max_budget": 500 * M,
        "max_commitment": 5 * M,
    }
    values.update(changes)
    return SchemeEntry(**values)  # type: ignore[arg-type]


@pytest.fixture
def pot(qt1: Workspace) -> Workspace:
    """QT1 with £1,000m core received for 2025/26 and community services delegated to both
    places by the scheme."""
    text = '{"year": "2025/26", "unit": "£m", "lines": [{"stream": "core", "amount": "1000"}]}'
    with qt1.uow() as uow:
        single_pot.receive(
            uow, SYSTEM, parse_allocation(json.loads(text, parse_float=Decimal)),
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
        for place in (CITY, COUNTY):
            delegation.add_scheme_entry(uow, SYSTEM, _entry(place), actor=LOCAL_OPERATOR)
        uow.commit()
    return qt1


def _delegate(
    ws: Workspace, amount: int, key: str = "d1", line: str = "community-services"
) -> Delegation:
    with ws.uow() as uow:
        done = delegation.delegate(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line=line, amount=amount, on=APRIL,
            key=key, actor=LOCAL_OPERATOR,
        )  # fmt: skip
        uow.commit()
    return done


def test_the_default_weights_year_and_what_it_leaves_out(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        report = delegation.need(uow, SYSTEM, day=APRIL)
        placed = {c for p in uow.structure.places(SYSTEM) for c in p.practices}
    # Every current practice is in each packaged year's file, so the latest year is chosen.
    assert report.weights_year == "2026/27"
    assert report.missing == {}
    path = SHARED / "allocations" / "practice_wp_2026_27.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        file_qt1 = {r["Practice_Code"] for r in csv.DictReader(handle) if r["ICB"] == SYSTEM}
    assert set(report.unplaced) == file_qt1 - placed
    assert report.unplaced  # closed or merged practices are reported, not dropped
    with qt1.uow() as uow:
        older = delegation.need(uow, SYSTEM, day=APRIL, weights_year="2023/24")
    assert older.weights_year == "2023/24"
    with qt1.uow() as uow, pytest.raises(InvalidInput):
        delegation.need(uow, SYSTEM, day=APRIL, weights_year="2025/26")


def test_delegation_splits_by_need_to_the_penny(pot: Workspace) -> None:
    done = _delegate(pot, 150 * M)
    community = _raw_wp("CS WP")
    with pot.uow() as uow:
        members = {p.code: p.practices for p in uow.structure.places(SYSTEM)}
        city_budget = ledger.balance(uow, SYSTEM, place_budget(CITY, "core-2025-26")).posted
        left = single_pot.pot(uow, SYSTEM, 2025).lines[0]
    wp = {place: sum(community[c] for c in codes) for place, codes in members.items()}
    parts = done.parts
    assert sum(parts.values()) == 150 * M
    for place in (CITY, COUNTY):
        exact = 150 * M * wp[place] / sum(wp.values())
        assert abs(parts[place] - exact) < 1
    assert city_budget == parts[CITY]
    assert (left.delegated, left.unallocated) == (150 * M, 850 * M)


def test_a_replayed_delegation_writes_nothing_and_a_changed_one_conflicts(
    pot: Workspace, row_counts: RowCounts
) -> None:
    first = _delegate(pot, 10 * M)
    before = row_counts(pot.engine)
    assert _delegate(pot, 10 * M) == first
    assert row_counts(pot.engine) == before
    with pytest.raises(Conflict):
        _delegate(pot, 11 * M)
    assert row_counts(pot.engine) == before


@pytest.mark.parametrize(
    ("amount", "line", "message"),
    [
        (600 * M, "community-services", "above authority limits"),  # the county's share > £500m
        (5 * M, "acute", "does not delegate"),
        (1001 * M, "community-services", "unallocated"),
        (0, "community-services", "not above zero"),
    ],
)
def test_refused_delegations_write_nothing(
    pot: Workspace, row_counts: RowCounts, amount: int, line: str, message: str
) -> None:
    before = row_counts(pot.engine)
    with pytest.raises(InvalidInput) as error:
        _delegate(pot, amount, line=line)
    assert message in error.value.message
    assert row_counts(pot.engine) == before


def test_limits_count_what_the_place_already_holds(pot: Workspace) -> None:
    _delegate(pot, 400 * M, key="first")
    with pytest.raises(InvalidInput) as error:
        _delegate(pot, 400 * M, key="second")  # the county would pass £500m for the year
    assert "above authority limits" in error.value.message


def test_scheme_entries_are_checked(pot: Workspace) -> None:
    with pot.uow() as uow:
        with pytest.raises(NotFound):
            delegation.add_scheme_entry(uow, SYSTEM, _entry("nowhere"), actor=LOCAL_OPERATOR)
        with pytest.raises(NotFound) as error:
            delegation.add_scheme_entry(
                uow, SYSTEM, _entry(CITY, line="mental-health", approver="no-such-board"),
                actor=LOCAL_OPERATOR,
            )  # fmt: skip
        assert error.value.input_name == "approver"
        with pytest.raises(InvalidInput):
            delegation.add_scheme_entry(
                uow, SYSTEM, _entry(CITY, line="x", approver="role:wizard"), actor=LOCAL_OPERATOR
            )
        with pytest.raises(Conflict):
            delegation.add_scheme_entry(uow, SYSTEM, _entry(CITY), actor=LOCAL_OPERATOR)
        entry = delegation.scheme(uow, SYSTEM)[0]
        assert entry.id is not None
        delegation.end_scheme_entry(uow, SYSTEM, entry.id, date(2025, 10, 1), actor=LOCAL_OPERATOR)
        later = _entry(entry.place, valid_from=date(2025, 10, 1), approver="role:finance")
        delegation.add_scheme_entry(uow, SYSTEM, later, actor=LOCAL_OPERATOR)
        uow.commit()
    with pot.uow() as uow:
        in_force = delegation.scheme(uow, SYSTEM, date(2025, 11, 1))
    assert entry.place == CITY  # entries are listed by start date, then place code
    assert {(e.place, e.approver) for e in in_force} == {
        (CITY, "role:finance"),
        (COUNTY, f"{COUNTY}-partnership"),
    }


def _spend(
    ws: Workspace, amount: int, key: str, *, commit: bool = False, approver: str | None = None
) -> object:
    with ws.uow() as uow:
        done = place_budgets.spend_at_place(
            uow, SYSTEM, place=CITY, year=2025, stream=Stream.CORE, line="community-services",
            amount=amount, on=date(2025, 6, 1), key=key, approved_by=approver,
            description="community nursing", actor=LOCAL_OPERATOR, commit_only=commit,
        )  # fmt: skip
        uow.commit()
    return done


def test_budget_against_actual_at_place(pot: Workspace) -> None:
    parts = _delegate(pot, 100 * M).parts
    _spend(pot, 2 * M, "pay-1", approver=f"{CITY}-partnership")
    _spend(pot, 3 * M, "commit-1", commit=True)
    with pot.uow() as uow:
        budgets = {b.place: b for b in place_budgets.budgets(uow, SYSTEM, 2025)}
        pot_line = single_pot.pot(uow, SYSTEM, 2025).lines[0]
    city = budgets[CITY]
    (line,) = city.lines
    assert (line.budget, line.spent, line.committed) == (parts[CITY], 2 * M, 3 * M)
    assert line.available == parts[CITY] - 5 * M
    assert budgets[COUNTY].lines[0].budget == parts[COUNTY]
    assert (pot_line.spent, pot_line.committed) == (2 * M, 3 * M)


def test_place_spending_above_limits_or_approval_is_refused(
    pot: Workspace, row_counts: RowCounts
) -> None:
    _delegate(pot, 100 * M)
    before = row_counts(pot.engine)
    with pytest.raises(InvalidInput) as error:
        _spend(pot, 5 * M + 1, "too-big")
    assert "refer it to the ICB" in error.value.message
    with pytest.raises(InvalidInput) as error2:
        _spend(pot, 1 * M, "wrong-approver", approver="ics-partnership")
    assert error2.value.input_name == "approved_by"
    assert row_counts(pot.engine) == before


def test_a_place_budget_cannot_be_overcommitted(pot: Workspace) -> None:
    with pot.uow() as uow:
        delegation.add_scheme_entry(
            uow, SYSTEM, _entry(CITY, line="tiny", component="core", max_commitment=None),
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
        delegation.add_scheme_entry(
            uow, SYSTEM, _entry(COUNTY, line="tiny", component="core"), actor=LOCAL_OPERATOR
        )
        uow.commit()
    parts = _delegate(pot, 1_000_00, key="tiny", line="tiny").parts
    with pot.uow() as uow, pytest.raises((InvalidInput, Conflict)):
        place_budgets.spend_at_place(
            uow, SYSTEM, place=CITY, year=2025, stream=Stream.CORE, line="tiny",
            amount=parts[CITY] + 1, on=date(2025, 6, 1), key="over", approved_by=None,
            description="", actor=LOCAL_OPERATOR, commit_only=True,
        )  # fmt: skip


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE fin_delegations SET amount = 1",
        "DELETE FROM fin_delegation_parts",
        "UPDATE fin_place_postings SET amount = 1",
    ],
)
def test_delegations_and_place_postings_are_append_only(pot: Workspace, statement: str) -> None:
    _delegate(pot, 10 * M)
    _spend(pot, 1 * M, "pay-1")
    with pot.engine.connect() as connection, pytest.raises(DBAPIError):
        connection.execute(text(statement))
