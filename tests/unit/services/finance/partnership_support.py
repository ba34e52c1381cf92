"""Shared set-up for the partnership service tests: QT1 with its 2025/26 core allocation
received into the ledger (a round £5m, so every balance below is simple arithmetic), and a
section 75 pool hosted by Nottingham City Council with the docs' worked-example lines."""

from __future__ import annotations

from datetime import date

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import pool_postings, pools, single_pot

SYSTEM = "QT1"
ICB = "QT1"
CITY = "E06000018"  # Nottingham City Council (unitary)
COUNTY = "E10000024"  # Nottinghamshire County Council
POUND = 100
FINANCE = Actor("finance-user", Role.FINANCE)
POOL = "city-s75"
START = date(2025, 4, 1)


def fund_icb(uow: UnitOfWork, pounds: int = 5_000_000) -> None:
    allocation = parse_allocation(
        {
            "year": "2025/26",
            "unit": "pence",
            "lines": [{"stream": "core", "line": "recurrent", "amount": str(pounds * POUND)}],
        }
    )
    single_pot.receive(uow, SYSTEM, allocation, actor=LOCAL_OPERATOR, posted_on=START)


def make_pool(uow: UnitOfWork, *, risk_pool: bool = True) -> None:
    """The docs' worked example: IC and reablement (variable), community equipment (fixed,
    the city hosts) and a risk pool."""
    pools.create_pool(
        uow,
        SYSTEM,
        code=POOL,
        name="Nottingham City section 75 pool",
        year="2025/26",
        host=CITY,
        partners=[ICB],
        aims="Joined-up intermediate care",
        actor=FINANCE,
    )
    pools.add_line(
        uow, SYSTEM, POOL, line="intermediate-care", name="Intermediate care", actor=FINANCE
    )
    pools.add_line(uow, SYSTEM, POOL, line="reablement", name="Reablement", actor=FINANCE)
    pools.add_line(
        uow,
        SYSTEM,
        POOL,
        line="community-equipment",
        name="Community equipment",
        kind="fixed",
        actor=FINANCE,
    )
    if risk_pool:
        pools.add_line(
            uow, SYSTEM, POOL, line="risk-pool", name="Risk pool", kind="risk-pool", actor=FINANCE
        )


WORKED = (
    (ICB, "intermediate-care", 600_000),
    (CITY, "intermediate-care", 400_000),
    (ICB, "reablement", 300_000),
    (CITY, "reablement", 200_000),
    (ICB, "community-equipment", 50_000),
    (CITY, "community-equipment", 250_000),
    (ICB, "risk-pool", 60_000),
    (CITY, "risk-pool", 40_000),
)


def contribute_worked(uow: UnitOfWork) -> None:
    for partner, line, pounds in WORKED:
        pool_postings.contribute(
            uow,
            SYSTEM,
            POOL,
            partner=partner,
            line=line,
            amount=pounds * POUND,
            on=START,
            actor=FINANCE,
        )
