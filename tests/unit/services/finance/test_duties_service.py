"""Financial duties enforced by the ledger itself (check_postings runs before every write),
on SQLite and PostgreSQL. Figures are chosen by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import AccountType, Stream
from integrated_care.finance.duties import Duty, DutyConfig
from integrated_care.finance.ledger.model import Account, JournalRequest, Leg
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.services.finance import duties, ledger, single_pot
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
M = 1_000_000_00
RowCounts = Callable[[Engine], dict[str, int]]
MAY = date(2025, 5, 1)


def _receive(ws: Workspace, core: str = "100", rca: str = "10") -> None:
    text = json.dumps(
        {
            "year": "2025/26",
            "unit": "£m",
            "lines": [{"stream": "core", "amount": core}, {"stream": "rca", "amount": rca}],
        }
    )
    with ws.uow() as uow:
        single_pot.receive(
            uow, SYSTEM, parse_allocation(json.loads(text, parse_float=Decimal)),
            actor=LOCAL_OPERATOR,
        )  # fmt: skip
        uow.commit()


def _configure(ws: Workspace, *configs: DutyConfig) -> None:
    with ws.uow() as uow:
        for config in configs:
            duties.configure(uow, SYSTEM, config, actor=LOCAL_OPERATOR)
        uow.commit()


def _spend(ws: Workspace, stream: Stream, line: str, amount: int, key: str, **kw: bool) -> None:
    with ws.uow() as uow:
        single_pot.spend(
            uow, SYSTEM, year=2025, stream=stream, line=line, amount=amount, posted_on=MAY,
            key=key, description="", actor=LOCAL_OPERATOR, **kw,
        )  # fmt: skip
        uow.commit()


def test_without_duties_the_check_reads_only_the_duty_table(qt1: Workspace) -> None:
    _receive(qt1)
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    request = JournalRequest(
        "x",
        MAY,
        "x",
        (Leg("icb:core-2025-26:unallocated", 1), Leg("icb:core-2025-26:nhse-funding", -1)),
    )
    with qt1.uow() as uow:
        event.listen(qt1.engine, "before_cursor_execute", seen)
        try:
            duties.check_postings(uow, SYSTEM, [request] * 1000)
        finally:
            event.remove(qt1.engine, "before_cursor_execute", seen)
    assert len(statements) == 1
    assert "fin_duties" in statements[0]


def test_with_duties_a_batch_costs_at_most_two_queries(qt1: Workspace) -> None:
    _receive(qt1)
    _configure(qt1, DutyConfig(Duty.BREAK_EVEN, 2025))
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    requests = [
        JournalRequest(
            f"k{i}",
            MAY,
            "x",
            (Leg("icb:core-2025-26:unallocated", 1), Leg("icb:core-2025-26:nhse-funding", -1)),
        )
        for i in range(500)
    ]
    with qt1.uow() as uow:
        event.listen(qt1.engine, "before_cursor_execute", seen)
        try:
            duties.check_postings(uow, SYSTEM, requests)
        finally:
            event.remove(qt1.engine, "before_cursor_execute", seen)
    # The configuration and the balances; on PostgreSQL also the advisory lock that queues
    # concurrent duty checks of one system.
    reads = [s for s in statements if "pg_advisory_xact_lock" not in s]
    assert len(reads) == 2
    locks = len(statements) - len(reads)
    assert locks == (1 if qt1.engine.dialect.name == "postgresql" else 0)


def test_break_even_refuses_spending_beyond_funding_and_writes_nothing(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    _receive(qt1, core="100", rca="10")
    _configure(qt1, DutyConfig(Duty.BREAK_EVEN, 2025))
    _spend(qt1, Stream.CORE, "acute", 110 * M, "all-of-it")  # exactly the £110m received
    before = row_counts(qt1.engine)
    with pytest.raises(Conflict) as error:
        _spend(qt1, Stream.CORE, "acute", 1, "one-penny-more")
    assert "ICB break-even duty" in error.value.message
    assert row_counts(qt1.engine) == before


def test_the_running_cost_limit_counts_partner_contributions(qt1: Workspace) -> None:
    _receive(qt1, core="100", rca="10")
    _configure(qt1, DutyConfig(Duty.RUNNING_COSTS, 2025))
    with pytest.raises(Conflict) as error:
        _spend(qt1, Stream.RCA, "staff", 10 * M + 1, "too-much")
    assert "running-cost limit" in error.value.message
    # A council contributes £0.5m to running costs (as the partnerships work records it).
    contribution = "org:E06000018:running-costs-2025-26:contribution"
    cash = "icb:running-costs-2025-26:unallocated"
    with qt1.uow() as uow:
        ledger.ensure_accounts(
            uow,
            SYSTEM,
            [
                Account(
                    contribution, "City contribution", AccountType.INCOME, "running-costs-2025-26"
                ),
                Account(cash, "Contributions held", AccountType.ASSET, "running-costs-2025-26"),
            ],
            actor=LOCAL_OPERATOR,
        )
        ledger.post(
            uow,
            SYSTEM,
            JournalRequest(
                "contrib", MAY, "contribution", (Leg(cash, M // 2), Leg(contribution, -M // 2))
            ),
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    _spend(qt1, Stream.RCA, "staff", 10 * M + M // 2, "within-allowance-and-contribution")
    with pytest.raises(Conflict):
        _spend(qt1, Stream.RCA, "staff", 1, "a-penny-over")


def test_the_mhis_keeps_mental_health_investment_at_its_target(qt1: Workspace) -> None:
    _receive(qt1)
    _configure(qt1, DutyConfig(Duty.MHIS, 2025, target=8 * M))
    with qt1.uow() as uow:
        single_pot.ringfence(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="mental-health", amount=9 * M,
            posted_on=date(2025, 4, 1), key="mh", actor=LOCAL_OPERATOR,
        )  # fmt: skip
        uow.commit()
    _spend(qt1, Stream.CORE, "mental-health", 3 * M, "mh-spend", from_ringfence=True)
    with qt1.uow() as uow, pytest.raises(Conflict) as error:
        single_pot.ringfence(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="mental-health",
            amount=-(M + 1), posted_on=MAY, key="release", actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert "mental health investment standard" in error.value.message
    with qt1.uow() as uow:
        (status,) = duties.statuses(uow, SYSTEM, 2025)
    assert (status.measure, status.limit, status.headroom, status.met) == (9 * M, 8 * M, M, True)


def test_duties_are_configured_listed_and_removed(qt1: Workspace) -> None:
    _configure(qt1, DutyConfig(Duty.BREAK_EVEN, 2025), DutyConfig(Duty.MHIS, 2025, 5 * M))
    _configure(qt1, DutyConfig(Duty.MHIS, 2025, 6 * M))  # replaces the target
    with qt1.uow() as uow:
        found = duties.duties(uow, SYSTEM, 2025)
    assert [(c.duty, c.target) for c in found] == [(Duty.BREAK_EVEN, None), (Duty.MHIS, 6 * M)]
    with qt1.uow() as uow:
        duties.remove(uow, SYSTEM, 2025, Duty.MHIS, actor=LOCAL_OPERATOR)
        uow.commit()
    with qt1.uow() as uow:
        assert [c.duty for c in duties.duties(uow, SYSTEM)] == [Duty.BREAK_EVEN]
        with pytest.raises(NotFound):
            duties.remove(uow, SYSTEM, 2025, Duty.MHIS, actor=LOCAL_OPERATOR)
        with pytest.raises(InvalidInput):
            duties.configure(uow, SYSTEM, DutyConfig(Duty.MHIS, 2025), actor=LOCAL_OPERATOR)
