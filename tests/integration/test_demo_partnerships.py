"""The demo's partnerships: the city-hosted section 75 pool funded from the ICB's single pot,
the BCF plans signed off (or not) through the plan workflow, and the county council's
declined 2020/21 running-cost contribution with the reason from its committee report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from integrated_care.access import ANONYMOUS, LOCAL_OPERATOR
from integrated_care.demo.build import build_demo
from integrated_care.finance.chart import icb_unallocated, pool_fund
from integrated_care.finance.contributions import Status
from integrated_care.services.finance import bcf, contributions, ledger
from integrated_care.services.finance.pool_statements import statement
from integrated_care.workspace import Workspace

SYSTEM, CITY, COUNTY = "QT1", "E06000018", "E10000024"
K = 1_000_00


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = build_demo(tmp_path_factory.mktemp("demo") / "workspace")
    yield ws
    ws.engine.dispose()


def test_the_pool_is_funded_from_the_single_pot_and_reconciles(demo: Workspace) -> None:
    with demo.uow() as uow:
        s = statement(uow, SYSTEM, "nottingham-city-s75", actor=LOCAL_OPERATOR)
        fund = ledger.balance(uow, SYSTEM, pool_fund("nottingham-city-s75", "s75-2025-26"))
        assert ledger.get_account(uow, SYSTEM, icb_unallocated("core-2025-26")).fund
        assert ledger.trial_balance(uow, SYSTEM).balanced
    # Contributions £10.1m (ICB) + £8.9m (city); spent £5.3m + £2.4m + £1.6m.
    assert s.pool.host == CITY
    assert sum(c.amount for c in s.contributions if c.partner == SYSTEM) == 10_100 * K
    assert sum(c.amount for c in s.contributions if c.partner == CITY) == 8_900 * K
    assert s.book_balance == fund.posted == (19_000 - 9_300) * K
    assert s.settled is None
    assert s.preview.balanced


def test_bcf_plans_and_their_sign_off(demo: Workspace) -> None:
    with demo.uow() as uow:
        city = bcf.view(uow, SYSTEM, CITY, 2025, actor=ANONYMOUS)
        county = bcf.view(uow, SYSTEM, COUNTY, 2025, actor=ANONYMOUS)
    assert city.signed_off
    assert city.workflow is not None
    assert city.workflow.state == "approved"
    assert city.assessment.compliant
    assert not county.signed_off
    assert "Illustrative" in city.note


def test_the_county_declined_its_2020_21_contribution(demo: Workspace) -> None:
    with demo.uow() as uow:
        found = {s.partner: s for s in contributions.states(uow, SYSTEM, actor=ANONYMOUS)}
    county = found[COUNTY]
    assert county.status is Status.DECLINED
    assert county.declined_on == date(2021, 2, 8)
    assert "do not contribute to County Council priorities" in county.reason
    assert found[CITY].status is Status.PAID
