"""The convergence rules, one at a time, against their definitions."""

from __future__ import annotations

from fractions import Fraction as F

from integrated_care.finance.allocation.convergence import converge, percent
from integrated_care.finance.allocation.policy import Side

# NHS England 2023/24 core: 1/15 of the gap below target capped at +0.2%; above target moved
# to target, by no more than -0.71%.
BELOW = Side(share_closed=F(1, 15), limit=F(2, 1000))
ABOVE = Side(share_closed=F(1), limit=F(71, 10000))


def test_below_target_closes_a_share_of_the_gap() -> None:
    result = converge(F(-15, 1000), BELOW, ABOVE)
    assert result.rate == F(1, 1000)  # 1/15 of 1.5%
    assert result.rule == "below target: 1/15 of gap closed"


def test_below_target_is_capped() -> None:
    assert converge(F(-4, 100), BELOW, ABOVE).rate == F(2, 1000)  # 1/15 of 4% = 0.27% > cap
    assert converge(F(-4, 100), BELOW, ABOVE).rule == "below target: capped at +0.20%"


def test_above_target_within_the_floor_is_moved_to_target() -> None:
    assert converge(F(5, 1000), BELOW, ABOVE).rate == F(-5, 1000)


def test_above_target_beyond_the_floor_loses_the_floor() -> None:
    result = converge(F(3, 100), BELOW, ABOVE)
    assert result.rate == F(-71, 10000)
    assert result.rule == "above target: floored at -0.71%"


def test_at_target_nothing_moves() -> None:
    assert converge(F(0), BELOW, ABOVE).rate == 0


def test_to_target_within_closes_small_gaps_in_full() -> None:
    side = Side(share_closed=F(1, 5), limit=F(5, 1000), to_target_within=F(1, 1000))
    assert converge(F(8, 10000), side, side).rate == F(-8, 10000)  # within 0.1%: all of it
    assert converge(F(2, 100), side, side).rate == F(-4, 1000)  # 20% of 2%


def test_a_minimum_movement_never_passes_the_target() -> None:
    side = Side(share_closed=F(1, 10), minimum=F(1, 1000))
    assert converge(F(-5, 1000), side, side).rate == F(1, 1000)  # 0.05% raised to 0.1%
    assert converge(F(-5, 10000), side, side).rate == F(5, 10000)  # only 0.05% to go


def test_percent_rounds_half_up() -> None:
    assert percent(F(125, 100000)) == "+0.13%"  # 0.125% -> 0.13%, not banker's 0.12%
    assert percent(F(-125, 100000)) == "-0.13%"
