"""The demo's 2025/26 single pot: NHS Nottingham and Nottinghamshire ICB (QT1) receives its
allocation streams, delegates community services, mental health and GP services to its four
places under a scheme of delegation, and spends and commits some of it, with the three
financial duties switched on.

The allocations are NHS England's published 2025/26 figures for QT1 as quoted in £ million
to one decimal place (core recurrent £2,368.9m; core total £2,511.2m, so non-recurrent
£142.3m; primary medical care £262.6m; specialised £414.8m; pharmacy, optometry and dental
£117.8m; running cost allowance £17.9m): exact to £0.1m, not to the penny. Everything after
receipt (the scheme, the amounts delegated, spending, commitments and the MHIS target) is
illustrative: it shows the mechanics, it is not N&N's budget.
"""

from __future__ import annotations

from datetime import date

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.finance.chart import Stream
from integrated_care.finance.duties import Duty, DutyConfig
from integrated_care.finance.scheme import SchemeEntry
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import delegation, duties, place_budgets, single_pot

YEAR = 2025
APRIL = date(2025, 4, 1)
M = 1_000_000_00  # £1m in pence
PLACES = ("bassetlaw", "mid-notts", "nottingham-city", "south-notts")
SOURCE = (
    "NHS England ICB allocations 2025/26 for QT1, published in £ million to one decimal place "
    "(core recurrent; core total less recurrent as non-recurrent; PMC revised recurrent; "
    "specialised physical health and HCDD; POD; RCA v1.4)"
)
ALLOCATION = {
    "year": "2025/26",
    "unit": "£m",
    "source": SOURCE,
    "lines": [
        {"stream": "core", "line": "recurrent", "amount": "2368.9"},
        {"stream": "non-recurrent", "line": "core-non-recurrent", "amount": "142.3",
         "description": "SDF, elective recovery, discharge and other core lines"},
        {"stream": "pmc", "line": "recurrent", "amount": "262.6"},
        {"stream": "specialised", "line": "recurrent", "amount": "414.8"},
        {"stream": "pod", "line": "recurrent", "amount": "117.8"},
        {"stream": "rca", "line": "recurrent", "amount": "17.9"},
    ],
}  # fmt: skip
# (stream, line, need component, £m delegated, place limit £m, single commitment limit £m)
DELEGATED = (
    (Stream.CORE, "community-services", "community", 180, 80, 5),
    (Stream.CORE, "mental-health", "mental_health", 120, 50, 3),
    (Stream.PMC, "gp-services", "pmc", 260, 110, 25),
)
MHIS_TARGET = 240 * M  # illustrative
MH_RINGFENCE = 250 * M


def _approver(place: str) -> str:
    return f"{place}-partnership"


def _receive(uow: UnitOfWork, system_code: str) -> None:
    single_pot.receive(uow, system_code, parse_allocation(ALLOCATION), actor=LOCAL_OPERATOR)
    for config in (
        DutyConfig(Duty.BREAK_EVEN, YEAR),
        DutyConfig(Duty.RUNNING_COSTS, YEAR),
        DutyConfig(Duty.MHIS, YEAR, MHIS_TARGET, ("mental-health",)),
    ):
        duties.configure(uow, system_code, config, actor=LOCAL_OPERATOR)


def _delegate(uow: UnitOfWork, system_code: str) -> None:
    for stream, line, component, amount, limit, single in DELEGATED:
        for place in PLACES:
            delegation.add_scheme_entry(
                uow,
                system_code,
                SchemeEntry(place, stream, line, component, _approver(place), APRIL,
                            max_budget=limit * M, max_commitment=single * M),
                actor=LOCAL_OPERATOR,
            )  # fmt: skip
        delegation.delegate(
            uow, system_code, year=YEAR, stream=stream, line=line, amount=amount * M, on=APRIL,
            key=f"demo-2025-26-{line}", actor=LOCAL_OPERATOR,
            description=f"2025/26 {line.replace('-', ' ')} budgets delegated to the four places",
        )  # fmt: skip


def _spend_at_places(uow: UnitOfWork, system_code: str) -> None:
    # (line, stream, pence, what for, commitment?) at each place, scaled by place below.
    items = (
        ("community-services", Stream.CORE, 4_200_000_00, "Community nursing, April", False),
        ("community-services", Stream.CORE, 3_000_000_00, "Intermediate care beds, Q2", True),
        ("mental-health", Stream.CORE, 1_500_000_00, "Community mental health teams, April", False),
        ("gp-services", Stream.PMC, 9_000_000_00, "GP contract payments, April", False),
    )
    for n, place in enumerate(PLACES):
        for line, stream, pence, what, commit in items:
            place_budgets.spend_at_place(
                uow, system_code, place=place, year=YEAR, stream=stream, line=line,
                amount=pence - n * 250_000_00 if pence > 3_000_000_00 else pence,
                on=date(2025, 5, 1), key=f"demo-2025-26-{place}-{line}-{'c' if commit else 'p'}",
                approved_by=_approver(place), description=what, actor=LOCAL_OPERATOR,
                commit_only=commit, expires_on=date(2026, 3, 31) if commit else None,
            )  # fmt: skip


def _retained(uow: UnitOfWork, system_code: str) -> None:
    single_pot.ringfence(
        uow, system_code, year=YEAR, stream=Stream.CORE, line="mental-health",
        amount=MH_RINGFENCE, posted_on=APRIL, key="demo-2025-26-mhis-ringfence",
        actor=LOCAL_OPERATOR,
    )  # fmt: skip
    for stream, line, pence, what, ringfenced in (
        (Stream.CORE, "mental-health", 20 * M, "Mental health provider contract, April", True),
        (Stream.CORE, "acute-services", 150 * M, "Acute provider contracts, April", False),
        (Stream.SPECIALISED, "specialised-services", 34_500_000_00, "Specialised, April", False),
        (Stream.POD, "dental-services", 9_800_000_00, "Dental contracts, April", False),
        (Stream.RCA, "running-costs", 1_400_000_00, "ICB staff and running costs, April", False),
    ):
        single_pot.spend(
            uow, system_code, year=YEAR, stream=stream, line=line, amount=pence,
            posted_on=date(2025, 4, 30), key=f"demo-2025-26-icb-{line}", description=what,
            actor=LOCAL_OPERATOR, from_ringfence=ringfenced,
        )  # fmt: skip


def build(uow: UnitOfWork, system_code: str) -> None:
    """Add the 2025/26 single pot, its delegation to places and some spending."""
    _receive(uow, system_code)
    _delegate(uow, system_code)
    _spend_at_places(uow, system_code)
    _retained(uow, system_code)
