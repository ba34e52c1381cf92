"""The demo's 2025/26 single pot for NHS Nottingham and Nottinghamshire ICB (QT1), delegated
to its four places, on SQLite and PostgreSQL.

Expected allocations are NHS England's published 2025/26 figures for QT1 in £ million to
one decimal place (research note finance-anchors.md §7.4): core recurrent £2,368.9m, core
total £2,511.2m, PMC £262.6m, specialised £414.8m, POD £117.8m, RCA £17.9m. Expected place
shares come from NHS England's 2026/27 practice weighted populations, read raw from the
shared data folder. The four places' budgets must sum EXACTLY to each delegated amount.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.demo.build import build_demo
from integrated_care.errors import InvalidInput
from integrated_care.finance.chart import Stream, place_budget
from integrated_care.services.finance import delegation, duties, ledger, place_budgets, single_pot
from integrated_care.structure.places import places_as_of
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
PLACES = {"bassetlaw", "mid-notts", "nottingham-city", "south-notts"}
M = 1_000_000_00
PUBLISHED_M = {  # £m, NHS England 2025/26 (core non-recurrent = £2,511.2m - £2,368.9m)
    Stream.CORE: Fraction("2368.9"),
    Stream.NON_RECURRENT: Fraction("2511.2") - Fraction("2368.9"),
    Stream.PMC: Fraction("262.6"),
    Stream.SPECIALISED: Fraction("414.8"),
    Stream.POD: Fraction("117.8"),
    Stream.RCA: Fraction("17.9"),
}
WP_COLUMNS = {"community": "CS WP", "mental_health": "MH WP", "pmc": "Final PMC WP"}
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "allocations"


@pytest.fixture
def demo(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.setenv("ICS_DATABASE_URL", database_url)
    ws = build_demo(tmp_path / "demo")
    yield ws
    ws.engine.dispose()


def _raw_weights() -> dict[str, dict[str, Fraction]]:
    with (SHARED / "practice_wp_2026_27.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {
            r["Practice_Code"]: {k: Fraction(r[c]) for k, c in WP_COLUMNS.items()}
            for r in csv.DictReader(handle)
        }


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()  # noqa: S608
            for t in sorted(inspect(connection).get_table_names())
        }


def test_the_2025_26_pot_is_delegated_to_the_four_places_to_the_penny(demo: Workspace) -> None:
    weights = _raw_weights()
    with demo.uow() as uow:
        places = places_as_of(uow.structure.places(SYSTEM), date(2025, 4, 1))
        pot = single_pot.pot(uow, SYSTEM, 2025)
        made = delegation.delegations(uow, SYSTEM, 2025)
        budget_balances = {
            (p, d.fund): ledger.balance(uow, SYSTEM, place_budget(p, d.fund)).posted
            for d in made
            for p in d.parts
        }
        spend = {
            b.account: b.posted
            for b in ledger.balances(uow, SYSTEM, prefix="place:")
            if ":spend:" in b.account
        }
        budgets = place_budgets.budgets(uow, SYSTEM, 2025)
        statuses = duties.statuses(uow, SYSTEM, 2025)
    assert {p.code for p in places} == PLACES
    members = {p.code: p.practices for p in places}

    allocated = {line.stream: line.allocated for line in pot.lines}
    for stream, millions in PUBLISHED_M.items():
        assert allocated[stream] == int(millions * M), stream

    assert {d.line for d in made} == {"community-services", "mental-health", "gp-services"}
    for d in made:
        assert set(d.parts) == PLACES
        assert sum(d.parts.values()) == d.amount  # exactly, to the penny
        assert d.weights_year == "2026/27"
        wp = {p: sum(weights[c][d.component] for c in members[p] if c in weights) for p in PLACES}
        for place, part in d.parts.items():
            assert abs(part - d.amount * wp[place] / sum(wp.values())) < 1, (d.line, place)

    # Each place's budget account holds what was delegated to it less what it has spent.
    for (place, fund), held in budget_balances.items():
        delegated = sum(d.parts[place] for d in made if d.fund == fund)
        spent = sum(v for k, v in spend.items() if k.startswith(f"place:{place}:{fund}:spend:"))
        assert held == delegated - spent

    assert {b.place for b in budgets} == PLACES
    for b in budgets:
        assert b.spent > 0
        assert b.committed > 0
        assert b.budget == sum(d.parts[b.place] for d in made)
    assert [s.met for s in statuses] == [True, True, True]


def test_a_delegation_above_a_place_limit_is_refused_and_writes_nothing(demo: Workspace) -> None:
    before = _counts(demo.engine)
    # Mid Nottinghamshire already holds about £56m of community services; another £100m
    # split by need would take it past the scheme's £80m limit for the line.
    with demo.uow() as uow, pytest.raises(InvalidInput) as error:
        delegation.delegate(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="community-services",
            amount=100 * M, on=date(2025, 10, 1), key="too-much", actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert "above authority limits" in error.value.message
    assert "mid-notts" in error.value.message
    assert _counts(demo.engine) == before
