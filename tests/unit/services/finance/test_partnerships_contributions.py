"""Partner contributions to ICS running costs and the running-cost cap, through the services.

The county council's 2020/21 decline and its reason are from its committee report of
8 February 2021 (the seeds). RCAs: 2023/24 £22,710k (NHS England allocations, packaged
file), 2025/26 £17.9m (research note §7.4). Other amounts are round test figures.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, exc, text
from tests.unit.services.finance.partnership_support import CITY, COUNTY, FINANCE, POUND, SYSTEM

from integrated_care.access import ANONYMOUS, LOCAL_OPERATOR
from integrated_care.errors import Conflict, Forbidden, InvalidInput, NotFound
from integrated_care.finance.chart import account_code, icb_unallocated
from integrated_care.finance.contributions import Status
from integrated_care.finance.single_pot import parse_allocation
from integrated_care.services.finance import contributions, ledger, single_pot
from integrated_care.workspace import Workspace

RowCounts = Callable[[Engine], dict[str, int]]
REASON = (
    "given that the current outputs of the NN ICS do not contribute to County Council "
    "priorities the report recommends that no financial contribution to the ICS is made at "
    "this time"
)


def test_the_county_declines_2020_21_and_the_city_pays(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        contributions.record(
            uow,
            SYSTEM,
            partner=COUNTY,
            year="2020/21",
            kind="declined",
            on=date(2021, 2, 8),
            reason=REASON,
            reference="Adult Social Care and Public Health Committee, 8 Feb 2021",
            actor=FINANCE,
        )
        for kind, day, pounds in (
            ("requested", "2020-04-01", 250_000),
            ("pledged", "2020-05-01", 200_000),
            ("paid", "2020-09-30", 200_000),
        ):
            contributions.record(
                uow,
                SYSTEM,
                partner="Nottingham Council",
                year="2020/21",
                kind=kind,
                on=date.fromisoformat(day),
                amount=pounds * POUND,
                actor=FINANCE,
            )
        uow.commit()
    with qt1.uow() as uow:
        found = {s.partner: s for s in contributions.states(uow, SYSTEM, actor=ANONYMOUS)}
        held = ledger.balance(uow, SYSTEM, icb_unallocated("running-costs-2020-21")).posted
        paid = ledger.balance(
            uow, SYSTEM, account_code("org", CITY, "running-costs-2020-21", "contribution")
        ).posted
    assert found[COUNTY].status is Status.DECLINED
    assert found[COUNTY].reason == REASON
    assert (found[CITY].status, found[CITY].paid) == (Status.PAID, 200_000 * POUND)
    assert held == paid == 200_000 * POUND


def test_the_cap_uses_the_published_rca_and_refuses_plans_above_it(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    with qt1.uow() as uow:
        cap = contributions.cap(uow, SYSTEM, "2023/24", actor=ANONYMOUS)
        assert cap.rca == 22_710_000 * POUND
        assert contributions.cap(uow, SYSTEM, "2025/26", actor=ANONYMOUS).rca == 17_900_000 * POUND
        with pytest.raises(NotFound, match="running cost allowance"):
            contributions.cap(uow, SYSTEM, "2020/21", actor=ANONYMOUS)
        contributions.record(
            uow,
            SYSTEM,
            partner=CITY,
            year="2023/24",
            kind="pledged",
            on=date(2023, 5, 1),
            amount=100_000 * POUND,
            actor=FINANCE,
        )
        contributions.plan_running_costs(
            uow, SYSTEM, year="2023/24", amount=22_810_000 * POUND, actor=FINANCE
        )
        uow.commit()
    before = row_counts(qt1.engine)
    with pytest.raises(Conflict, match=r"would exceed the cap of £22,810,000\.00"), qt1.uow() as u:
        contributions.plan_running_costs(
            u, SYSTEM, year="2023/24", amount=22_810_000 * POUND + 1, actor=FINANCE
        )
    with pytest.raises(Forbidden), qt1.uow() as u:
        contributions.plan_running_costs(u, SYSTEM, year="2023/24", amount=1, actor=ANONYMOUS)
    assert row_counts(qt1.engine) == before
    with qt1.uow() as uow:
        contributions.set_allowance(
            uow, SYSTEM, year="2020/21", amount=1_000 * POUND, source="test figure", actor=FINANCE
        )
        assert contributions.cap(uow, SYSTEM, "2020/21", actor=ANONYMOUS).cap == 1_000 * POUND


def test_postings_count_only_money_received(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        rca = parse_allocation(
            {
                "year": "2025/26",
                "unit": "pence",
                "lines": [{"stream": "rca", "line": "rca", "amount": str(17_900_000 * POUND)}],
            }
        )
        single_pot.receive(uow, SYSTEM, rca, actor=LOCAL_OPERATOR, posted_on=date(2025, 4, 1))
        contributions.record(
            uow,
            SYSTEM,
            partner=CITY,
            year="2025/26",
            kind="pledged",
            on=date(2025, 4, 1),
            amount=100_000 * POUND,
            actor=FINANCE,
        )
        contributions.post_running_costs(
            uow,
            SYSTEM,
            year="2025/26",
            amount=17_900_000 * POUND,
            on=date(2025, 9, 30),
            description="H1",
            actor=FINANCE,
        )
        with pytest.raises(Conflict, match=r"would exceed the cap of £17,900,000\.00"):
            contributions.post_running_costs(
                uow,
                SYSTEM,
                year="2025/26",
                amount=1,
                on=date(2025, 10, 1),
                description="x",
                actor=FINANCE,
            )
        contributions.record(
            uow,
            SYSTEM,
            partner=CITY,
            year="2025/26",
            kind="paid",
            on=date(2025, 10, 1),
            amount=100_000 * POUND,
            actor=FINANCE,
        )
        contributions.post_running_costs(
            uow,
            SYSTEM,
            year="2025/26",
            amount=100_000 * POUND,
            on=date(2025, 10, 2),
            description="H2",
            actor=FINANCE,
        )
        view = contributions.year_view(uow, SYSTEM, "2025/26", actor=ANONYMOUS)
        assert view.spent == 18_000_000 * POUND
        assert ledger.balance(uow, SYSTEM, icb_unallocated("rca-2025-26")).posted == 0
        assert ledger.balance(uow, SYSTEM, icb_unallocated("running-costs-2025-26")).posted == 0
        with pytest.raises(Conflict, match="would exceed"):
            contributions.post_running_costs(
                uow,
                SYSTEM,
                year="2025/26",
                amount=1,
                on=date(2025, 10, 3),
                description="x",
                actor=FINANCE,
            )


def test_bad_events_write_nothing(qt1: Workspace, row_counts: RowCounts) -> None:
    before = row_counts(qt1.engine)
    cases = [
        ({"kind": "paid", "amount": 5}, Conflict, "partner"),
        ({"kind": "declined"}, InvalidInput, "reason"),
        ({"kind": "gifted", "amount": 5}, InvalidInput, "kind"),
        ({"kind": "pledged", "amount": 5, "partner": "Nobody Council"}, NotFound, "partner"),
        ({"kind": "pledged", "amount": 5, "year": "2020/22"}, InvalidInput, "year"),
    ]
    for change, error, input_name in cases:
        args: dict[str, object] = {"partner": CITY, "year": "2020/21", "on": date(2020, 5, 1)}
        with pytest.raises(error) as raised, qt1.uow() as uow:
            contributions.record(uow, SYSTEM, actor=FINANCE, **(args | change))  # type: ignore[arg-type]
        assert getattr(raised.value, "input_name", None) == input_name
    assert row_counts(qt1.engine) == before


def test_contribution_events_are_append_only(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        contributions.record(
            uow,
            SYSTEM,
            partner=COUNTY,
            year="2020/21",
            kind="declined",
            on=date(2021, 2, 8),
            reason=REASON,
            actor=FINANCE,
        )
        uow.commit()
    for sql in (
        "UPDATE fin_contribution_events SET reason = 'changed'",
        "DELETE FROM fin_contribution_events",
    ):
        with pytest.raises(exc.DBAPIError, match="append-only"), qt1.engine.begin() as c:
            c.execute(text(sql))
