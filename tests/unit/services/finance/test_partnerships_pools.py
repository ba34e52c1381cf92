"""Section 75 pools through the services and the ledger, on SQLite and PostgreSQL.

Expected figures are the docs' worked example (docs/finance-partnerships.md), worked by hand:
contributions ICB £1,010,000 and city £890,000 (pool £1,900,000); spend £1,960,000 leaves a
£60,000 shortfall that the risk share calls £30,000 from each partner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, exc, text
from tests.unit.services.finance.partnership_support import (
    CITY,
    COUNTY,
    FINANCE,
    ICB,
    POOL,
    POUND,
    START,
    SYSTEM,
    contribute_worked,
    fund_icb,
    make_pool,
)

from integrated_care.access import ANONYMOUS, LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.finance.chart import icb_unallocated, pool_fund, pool_partner, pool_spend
from integrated_care.services.finance import ledger, pool_postings, pools
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]
FUND = "s75-2025-26"
POT = icb_unallocated("core-2025-26")
POOL_FUND = pool_fund(POOL, FUND)


@pytest.fixture
def pooled(qt1: Workspace) -> Workspace:
    with qt1.uow() as uow:
        fund_icb(uow)
        make_pool(uow)
        contribute_worked(uow)
        uow.commit()
    return qt1


def spend(ws: Workspace, line: str, pounds: int, day: str, **extra: object) -> None:
    with ws.uow() as uow:
        pool_postings.record_spend(
            uow,
            SYSTEM,
            POOL,
            line=line,
            amount=pounds * POUND,
            on=date.fromisoformat(day),
            actor=FINANCE,
            **extra,
        )  # type: ignore[arg-type]
        uow.commit()


def test_contributions_move_money_from_the_icb_pot_and_the_council_into_the_pool(
    pooled: Workspace,
) -> None:
    with pooled.uow() as uow:
        assert ledger.balance(uow, SYSTEM, POOL_FUND).posted == 1_900_000 * POUND
        assert ledger.balance(uow, SYSTEM, POT).posted == 3_990_000 * POUND  # £5m - £1.01m
        city = ledger.balance(uow, SYSTEM, pool_partner(POOL, FUND, CITY))
        assert city.posted == 890_000 * POUND
        assert ledger.trial_balance(uow, SYSTEM).balanced
        fund_account = ledger.get_account(uow, SYSTEM, POOL_FUND)
        assert fund_account.guarded
        s = pool_postings.statement(uow, SYSTEM, POOL, actor=FINANCE)
    assert s.by_partner_line(ICB, "intermediate-care") == 600_000 * POUND
    assert s.book_balance == s.ledger_balance == 1_900_000 * POUND
    assert s.reconciled


def test_spend_beyond_the_pool_is_refused_unless_the_risk_share_calls_the_shortfall(
    pooled: Workspace, row_counts: RowCounts
) -> None:
    spend(pooled, "intermediate-care", 1_180_000, "2025-09-30")
    spend(pooled, "reablement", 470_000, "2025-10-31")
    before = row_counts(pooled.engine)
    with pytest.raises(Conflict, match=r"below zero: it holds £250,000\.00"), pooled.uow() as uow:
        pool_postings.record_spend(
            uow,
            SYSTEM,
            POOL,
            line="community-equipment",
            amount=310_000 * POUND,
            on=date(2026, 1, 31),
            actor=FINANCE,
        )
    assert row_counts(pooled.engine) == before
    spend(pooled, "community-equipment", 310_000, "2026-01-31", under_risk_share=True)
    with pooled.uow() as uow:
        s = pool_postings.statement(uow, SYSTEM, POOL, actor=FINANCE)
        assert ledger.balance(uow, SYSTEM, POOL_FUND).posted == 0
        spent = ledger.balance(uow, SYSTEM, pool_spend(POOL, FUND, "community-equipment"))
        assert spent.posted == 310_000 * POUND
    # 180k over on IC, 30k under on reablement, 100k risk pool: 50k left, 60:40 -> 30k / 20k;
    # the city hosts the fixed equipment line: +10k. Each is called £30,000.
    assert s.called == {ICB: 30_000 * POUND, CITY: 30_000 * POUND}
    assert s.due == {ICB: 0, CITY: 0}
    assert s.preview.waterfall.risk_pool_used == 100_000 * POUND


def test_year_end_settlement_returns_the_underspend_and_closes_the_pool(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    with qt1.uow() as uow:
        fund_icb(uow)
        make_pool(uow)
        pools.set_rule(uow, SYSTEM, POOL, pools.parse_rule(underspend="return"), actor=FINANCE)
        contribute_worked(uow)
        uow.commit()
    spend(qt1, "intermediate-care", 950_000, "2025-12-31")
    spend(qt1, "reablement", 500_000, "2026-03-31")
    with qt1.uow() as uow:
        with pytest.raises(InvalidInput, match="before the pool's last entry"):
            pool_postings.settle_year(uow, SYSTEM, POOL, on=date(2026, 3, 30), actor=FINANCE)
        s = pool_postings.settle_year(uow, SYSTEM, POOL, on=date(2026, 3, 31), actor=FINANCE)
        uow.commit()
    # 50k under on IC + the unused 100k risk pool = 150k back 60:40; the unspent fixed line
    # (300k) goes back to the city, its host.
    assert s.settled_amounts == {ICB: -90_000 * POUND, CITY: -360_000 * POUND}
    assert s.settled is not None
    assert s.settled.summary["returned"] == 150_000 * POUND
    with qt1.uow() as uow:
        assert ledger.balance(uow, SYSTEM, POOL_FUND).posted == 0
        assert ledger.balance(uow, SYSTEM, POT).posted == (3_990_000 + 90_000) * POUND
        assert ledger.balance(uow, SYSTEM, pool_partner(POOL, FUND, CITY)).posted == 530_000 * POUND
    before = row_counts(qt1.engine)
    with pytest.raises(Conflict, match="was settled on 2026-03-31"), qt1.uow() as uow:
        pool_postings.contribute(
            uow,
            SYSTEM,
            POOL,
            partner=ICB,
            line="reablement",
            amount=1,
            on=date(2026, 3, 31),
            actor=FINANCE,
        )
    with pytest.raises(Conflict, match="was settled"), qt1.uow() as uow:
        pool_postings.settle_year(uow, SYSTEM, POOL, on=date(2026, 4, 30), actor=FINANCE)
    assert row_counts(qt1.engine) == before


def test_partners_see_only_their_pools_and_the_public_none(pooled: Workspace) -> None:
    city_user = Actor("city", Role.PARTNER, CITY)
    county_user = Actor("county", Role.PARTNER, COUNTY)
    with pooled.uow() as uow:
        assert [p.pool.code for p in pools.list_pools(uow, SYSTEM, actor=city_user)] == [POOL]
        assert pools.list_pools(uow, SYSTEM, actor=county_user) == []
        with pytest.raises(NotFound, match="Unknown pool"):
            pool_postings.statement(uow, SYSTEM, POOL, actor=county_user)
        with pytest.raises(Forbidden):
            pools.list_pools(uow, SYSTEM, actor=ANONYMOUS)
        with pytest.raises(Forbidden):
            pool_postings.contribute(
                uow,
                SYSTEM,
                POOL,
                partner=CITY,
                line="reablement",
                amount=1,
                on=START,
                actor=city_user,
            )
        with pytest.raises(Forbidden):
            pools.add_line(uow, SYSTEM, POOL, line="x", name="X", actor=Actor("a", Role.ANALYST))


@pytest.mark.parametrize(
    ("change", "error", "input_name"),
    [
        ({"partner": COUNTY}, InvalidInput, "partner"),
        ({"partner": "E99999999"}, InvalidInput, "partner"),
        ({"line": "dentistry"}, InvalidInput, "line"),
        ({"amount": 0}, InvalidInput, "amount"),
        ({"on": date(2026, 4, 1)}, InvalidInput, "on"),
    ],
)
def test_bad_contributions_write_nothing(
    pooled: Workspace,
    row_counts: RowCounts,
    change: dict[str, object],
    error: type[Exception],
    input_name: str,
) -> None:
    args: dict[str, object] = {"partner": ICB, "line": "reablement", "amount": 100, "on": START}
    before = row_counts(pooled.engine)
    with pytest.raises(error) as raised, pooled.uow() as uow:
        pool_postings.contribute(uow, SYSTEM, POOL, actor=FINANCE, **(args | change))  # type: ignore[arg-type]
    assert getattr(raised.value, "input_name", None) == input_name
    assert row_counts(pooled.engine) == before


def test_pool_rules_at_the_edges(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        with pytest.raises(InvalidInput, match="NHS bodies and local authorities"):
            pools.create_pool(
                uow,
                SYSTEM,
                code="councils",
                name="Councils only",
                year="2025/26",
                host=CITY,
                partners=[COUNTY],
                actor=FINANCE,
            )
        with pytest.raises(InvalidInput, match="cannot be a partner"):
            pools.create_pool(
                uow,
                SYSTEM,
                code="subicb",
                name="Sub-ICB",
                year="2025/26",
                host=CITY,
                partners=["02Q"],
                actor=FINANCE,
            )
        make_pool(uow)
        with pytest.raises(Conflict, match="already exists"):
            make_pool(uow)
        with pytest.raises(Conflict, match="not open"):  # no 2025/26 allocation received
            pool_postings.contribute(
                uow, SYSTEM, POOL, partner=ICB, line="reablement", amount=1, on=START, actor=FINANCE
            )
        pool_postings.contribute(
            uow, SYSTEM, POOL, partner=CITY, line="reablement", amount=100, on=START, actor=FINANCE
        )
        pool_postings.record_spend(
            uow, SYSTEM, POOL, line="reablement", amount=100, on=START, actor=FINANCE
        )
        with pytest.raises(Conflict, match="rule can no longer change"):
            pools.set_rule(uow, SYSTEM, POOL, pools.parse_rule(underspend="return"), actor=FINANCE)
        with pytest.raises(InvalidInput, match="risk pool"):
            pool_postings.record_spend(
                uow, SYSTEM, POOL, line="risk-pool", amount=1, on=START, actor=FINANCE
            )


def test_a_replayed_key_returns_the_first_entry(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        make_pool(uow)
        first = pool_postings.contribute(
            uow,
            SYSTEM,
            POOL,
            partner=CITY,
            line="reablement",
            amount=500,
            on=START,
            key="k-1",
            actor=FINANCE,
        )
        again = pool_postings.contribute(
            uow,
            SYSTEM,
            POOL,
            partner=CITY,
            line="reablement",
            amount=500,
            on=START,
            key="k-1",
            actor=FINANCE,
        )
        uow.commit()
        assert again == first
        assert len(pool_postings.statement(uow, SYSTEM, POOL, actor=FINANCE).entries) == 1


def test_pool_entries_are_append_only_in_the_database(pooled: Workspace) -> None:
    for sql in ("UPDATE fin_pool_entries SET amount = 1", "DELETE FROM fin_pool_entries"):
        with pytest.raises(exc.DBAPIError, match="append-only"), pooled.engine.begin() as c:
            c.execute(text(sql))
    assert LOCAL_OPERATOR.role is Role.ADMIN
