"""Financial duties as pure rules: break-even, the running-cost limit and the mental health
investment standard, each refusing only a batch that leaves it breached and worse."""

from __future__ import annotations

import pytest

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.duties import (
    AccountState,
    Duty,
    DutyConfig,
    check,
    check_config,
    parse_duty,
)
from integrated_care.finance.ledger.model import Leg

CORE = "core-2025-26"
RCA = "rca-2025-26"
RC = "running-costs-2025-26"


def _states(**nets: int) -> dict[str, AccountState]:
    kinds = {
        "icb:core-2025-26:nhse-funding": (AccountType.EQUITY, CORE),
        "icb:core-2025-26:unallocated": (AccountType.ASSET, CORE),
        "icb:core-2025-26:ringfence:mental-health": (AccountType.ASSET, CORE),
        "icb:core-2025-26:spend:acute": (AccountType.EXPENDITURE, CORE),
        "icb:core-2025-26:spend:mental-health": (AccountType.EXPENDITURE, CORE),
        "place:city:core-2025-26:budget": (AccountType.ASSET, CORE),
        "place:city:core-2025-26:spend:mental-health": (AccountType.EXPENDITURE, CORE),
        "icb:rca-2025-26:nhse-funding": (AccountType.EQUITY, RCA),
        "icb:rca-2025-26:unallocated": (AccountType.ASSET, RCA),
        "icb:rca-2025-26:spend:staff": (AccountType.EXPENDITURE, RCA),
        "org:E06000018:running-costs-2025-26:contribution": (AccountType.INCOME, RC),
        "org:E06000018:running-costs-2025-26:cash": (AccountType.ASSET, RC),
        "pool:p:core-2025-26:spend:care": (AccountType.EXPENDITURE, CORE),
        "pool:p:core-2025-26:fund": (AccountType.ASSET, CORE),
    }
    return {
        code: AccountState(kind, fund, nets.get(code, 0)) for code, (kind, fund) in kinds.items()
    }


def _funded(amount: int = 1000) -> dict[str, AccountState]:
    return _states(
        **{"icb:core-2025-26:nhse-funding": -amount, "icb:core-2025-26:unallocated": amount}
    )


BREAK_EVEN = DutyConfig(Duty.BREAK_EVEN, 2025)


def test_no_duties_configured_checks_nothing() -> None:
    check([], {}, [Leg("icb:core-2025-26:spend:acute", 10**9), Leg("x", -(10**9))])


def test_break_even_refuses_spending_beyond_the_funding_received() -> None:
    spend = [Leg("icb:core-2025-26:spend:acute", 1000), Leg("icb:core-2025-26:unallocated", -1000)]
    check([BREAK_EVEN], _funded(1000), spend)  # exactly the funding: met
    over = [Leg("icb:core-2025-26:spend:acute", 1001), Leg("icb:core-2025-26:unallocated", -1001)]
    with pytest.raises(Conflict) as error:
        check([BREAK_EVEN], _funded(1000), over)
    assert "ICB break-even duty" in error.value.message
    assert "2025/26" in error.value.message
    assert "£10.01" in error.value.message
    assert "£10.00" in error.value.message


def test_place_spending_counts_towards_break_even() -> None:
    state = _funded(1000)
    spend = [
        Leg("place:city:core-2025-26:spend:mental-health", 1200),
        Leg("place:city:core-2025-26:budget", -1200),
    ]
    with pytest.raises(Conflict):
        check([BREAK_EVEN], state, spend)


def test_receiving_funding_passes_even_while_in_breach() -> None:
    breached = _states(
        **{"icb:core-2025-26:spend:acute": 500, "icb:core-2025-26:unallocated": -500}
    )
    receive = [Leg("icb:core-2025-26:unallocated", 100), Leg("icb:core-2025-26:nhse-funding", -100)]
    check([BREAK_EVEN], breached, receive)


def test_pool_spending_and_other_years_are_outside_break_even() -> None:
    pool = [Leg("pool:p:core-2025-26:spend:care", 5000), Leg("pool:p:core-2025-26:fund", -5000)]
    check([BREAK_EVEN], _funded(0), pool)
    check([DutyConfig(Duty.BREAK_EVEN, 2024)], _funded(0), [
        Leg("icb:core-2025-26:spend:acute", 5), Leg("icb:core-2025-26:unallocated", -5)
    ])  # fmt: skip


RUNNING = DutyConfig(Duty.RUNNING_COSTS, 2025)


def _rca(allowance: int, contribution: int = 0) -> dict[str, AccountState]:
    return _states(
        **{
            "icb:rca-2025-26:nhse-funding": -allowance,
            "icb:rca-2025-26:unallocated": allowance,
            "org:E06000018:running-costs-2025-26:contribution": -contribution,
            "org:E06000018:running-costs-2025-26:cash": contribution,
        }
    )


def test_running_costs_may_use_the_allowance_plus_partner_contributions() -> None:
    def spend(amount: int) -> list[Leg]:
        return [
            Leg("icb:rca-2025-26:spend:staff", amount),
            Leg("icb:rca-2025-26:unallocated", -amount),
        ]

    check([RUNNING], _rca(1000, 200), spend(1200))
    with pytest.raises(Conflict) as error:
        check([RUNNING], _rca(1000, 200), spend(1201))
    assert "running-cost limit" in error.value.message
    with pytest.raises(Conflict):
        check([RUNNING], _rca(1000), spend(1001))


MHIS = DutyConfig(Duty.MHIS, 2025, target=800)


def test_mhis_refuses_moving_mental_health_investment_below_the_target() -> None:
    state = _states(
        **{
            "icb:core-2025-26:nhse-funding": -2000,
            "icb:core-2025-26:unallocated": 1100,
            "icb:core-2025-26:ringfence:mental-health": 900,
        }
    )
    spend_from_ringfence = [
        Leg("icb:core-2025-26:spend:mental-health", 300),
        Leg("icb:core-2025-26:ringfence:mental-health", -300),
    ]
    check([MHIS], state, spend_from_ringfence)  # investment unchanged: 900
    release = [
        Leg("icb:core-2025-26:unallocated", 101),
        Leg("icb:core-2025-26:ringfence:mental-health", -101),
    ]
    with pytest.raises(Conflict) as error:
        check([MHIS], state, release)
    assert "mental health investment standard" in error.value.message
    assert "£7.99" in error.value.message
    assert "£8.00" in error.value.message
    down_to_target = [
        Leg("icb:core-2025-26:unallocated", 100),
        Leg("icb:core-2025-26:ringfence:mental-health", -100),
    ]
    check([MHIS], state, down_to_target)


def test_mhis_lets_investment_grow_towards_the_target() -> None:
    state = _funded(1000)
    place_spend = [
        Leg("place:city:core-2025-26:spend:mental-health", 10),
        Leg("place:city:core-2025-26:budget", -10),
    ]
    check([MHIS], state, place_spend)


def test_duty_configuration_is_checked() -> None:
    assert parse_duty("Mental health investment standard") is Duty.MHIS
    assert parse_duty("break_even") is Duty.BREAK_EVEN
    with pytest.raises(InvalidInput):
        parse_duty("solvency")
    with pytest.raises(InvalidInput) as error:
        check_config(DutyConfig(Duty.MHIS, 2025))
    assert error.value.input_name == "target"
    with pytest.raises(InvalidInput):
        check_config(DutyConfig(Duty.BREAK_EVEN, 2025, target=5))
    with pytest.raises(InvalidInput):
        check_config(DutyConfig(Duty.MHIS, 2025, target=5, lines=("Mental Health!",)))
    assert check_config(DutyConfig(Duty.MHIS, 2025, 5, ("mh-b", "mh-a"))).lines == ("mh-a", "mh-b")
