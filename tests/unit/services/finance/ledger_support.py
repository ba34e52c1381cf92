"""A small ledger for the ledger tests: one system (QT1) and a chart following finance.chart.

Figures are chosen by hand so that every expected balance below is simple arithmetic on the
postings each test makes (never read back from the code under test).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, text

from integrated_care.access import LOCAL_OPERATOR, Actor
from integrated_care.finance.chart import (
    AccountType,
    icb_funding,
    icb_unallocated,
    place_budget,
    place_spend,
)
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg, Posted
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
FUND = "core-2025-26"
FUNDING = icb_funding(FUND)  # equity
POT = icb_unallocated(FUND)  # asset
CITY = place_budget("nottingham-city", FUND)  # asset, guarded
SOUTH = place_budget("south-notts", FUND)  # asset, not guarded
CITY_MH = place_spend("nottingham-city", FUND, "mental-health")  # expenditure
CITY_ACUTE = place_spend("nottingham-city", FUND, "acute")  # expenditure
CHART = (
    Account(FUNDING, "NHS England allocation", AccountType.EQUITY, fund=FUND),
    Account(POT, "Single pot not yet delegated", AccountType.ASSET, fund=FUND),
    Account(CITY, "Nottingham City place budget", AccountType.ASSET, fund=FUND, guarded=True),
    Account(SOUTH, "South Notts place budget", AccountType.ASSET, fund=FUND),
    Account(CITY_MH, "Nottingham City mental health", AccountType.EXPENDITURE, fund=FUND),
    Account(CITY_ACUTE, "Nottingham City acute", AccountType.EXPENDITURE, fund=FUND),
)
LEDGER_TABLES = (
    "ledger_accounts",
    "ledger_journals",
    "ledger_legs",
    "ledger_periods",
    "ledger_commitments",
    "ledger_commitment_resolutions",
    "audit_log",
)
APRIL = date(2025, 4, 1)


def open_ledger(ws: Workspace) -> Workspace:
    """The system row and the chart, committed."""
    with ws.uow() as uow:
        uow.structure.add_system(SYSTEM, "E54000060", "NHS Nottingham and Nottinghamshire ICB", "t")
        uow.commit()
    with ws.uow() as uow:
        ledger.ensure_accounts(uow, SYSTEM, CHART, actor=LOCAL_OPERATOR)
        uow.commit()
    return ws


def journal(key: str, *legs: tuple[str, int], on: date = APRIL, text_: str = "") -> JournalRequest:
    return JournalRequest(
        key=key,
        posted_on=on,
        description=text_ or f"test journal {key}",
        legs=tuple(Leg(account, amount) for account, amount in legs),
    )


def post(ws: Workspace, request: JournalRequest, actor: Actor = LOCAL_OPERATOR) -> Posted:
    with ws.uow() as uow:
        posted = ledger.post(uow, SYSTEM, request, actor=actor)
        uow.commit()
    return posted


def fund_city(ws: Workspace, pence: int, key: str = "fund-city") -> Posted:
    """NHS England allocates ``pence`` to the pot, which delegates all of it to the city."""
    post(ws, journal(f"{key}-allocation", (POT, pence), (FUNDING, -pence)))
    return post(ws, journal(key, (CITY, pence), (POT, -pence)))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in LEDGER_TABLES
        }


RowCounter = Callable[[Engine], dict[str, int]]
