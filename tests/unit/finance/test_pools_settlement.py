"""Section 75 pool settlement: the waterfall, the risk-share bases, fixed lines, caps and pence.

Every expected figure is worked by hand from the rule (see docs/finance-partnerships.md,
"A worked settlement"), not taken from running the code.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from integrated_care.finance.pools import (
    Contribution,
    LegalBasis,
    Line,
    LineKind,
    Outturn,
    Partner,
    Pool,
    RiskShare,
    Sector,
    ShareBasis,
    UnderspendRule,
    calls_due,
    settle,
    split_capped,
    still_due,
)

ICB = "QT1"
CITY = "E06000018"
POUND = 100


def pool(rule: RiskShare | None = None, *, risk_pool: bool = True, fixed: bool = True) -> Pool:
    lines = [Line("intermediate-care", "Intermediate care"), Line("reablement", "Reablement")]
    if fixed:
        lines.append(Line("community-equipment", "Community equipment", LineKind.FIXED))
    if risk_pool:
        lines.append(Line("risk-pool", "Risk pool", LineKind.RISK_POOL))
    return Pool(
        "city-s75",
        "Nottingham City pooled fund",
        LegalBasis.S75,
        2025,
        CITY,
        (
            Partner(ICB, "NHS Nottingham and Nottinghamshire ICB", Sector.NHS),
            Partner(CITY, "Nottingham City Council", Sector.LOCAL_AUTHORITY),
        ),
        tuple(lines),
        rule or RiskShare(),
    )


def worked_contributions() -> list[Contribution]:
    """The docs' example, in pounds: IC 600k/400k, reablement 300k/200k, equipment 50k/250k
    (fixed, the city hosts), risk pool 60k/40k (ICB/city)."""
    pounds = [
        (ICB, "intermediate-care", 600_000),
        (CITY, "intermediate-care", 400_000),
        (ICB, "reablement", 300_000),
        (CITY, "reablement", 200_000),
        (ICB, "community-equipment", 50_000),
        (CITY, "community-equipment", 250_000),
        (ICB, "risk-pool", 60_000),
        (CITY, "risk-pool", 40_000),
    ]
    return [Contribution(p, line, amount * POUND) for p, line, amount in pounds]


def test_worked_example_runs_the_whole_waterfall() -> None:
    spend = [
        Outturn("intermediate-care", 1_180_000 * POUND),  # 180k over
        Outturn("reablement", 470_000 * POUND),  # 30k under
        Outturn("community-equipment", 310_000 * POUND),  # 10k over, fixed: the host's
    ]
    s = settle(pool(), worked_contributions(), spend)
    w = s.waterfall
    assert (w.overspend, w.underspend, w.offset) == (
        180_000 * POUND,
        30_000 * POUND,
        30_000 * POUND,
    )
    assert (w.risk_pool, w.risk_pool_used) == (100_000 * POUND, 100_000 * POUND)
    assert (w.uncommitted_cut, w.to_partners, w.unfunded) == (0, 50_000 * POUND, 0)
    # 50k pro rata to shared contributions 960k : 640k = 60% : 40%.
    icb, city = s.partner(ICB), s.partner(CITY)
    assert (icb.shared, city.shared) == (960_000 * POUND, 640_000 * POUND)
    assert (icb.overspend_share, city.overspend_share) == (30_000 * POUND, 20_000 * POUND)
    assert (icb.fixed_lines, city.fixed_lines) == (0, 10_000 * POUND)
    assert (icb.net, city.net) == (30_000 * POUND, 30_000 * POUND)
    assert s.contributions == 1_900_000 * POUND
    assert s.outturn == 1_960_000 * POUND
    assert (s.retained, s.returned, s.complete) == (0, 0, True)


def test_underspend_is_retained_or_returned_pro_rata() -> None:
    spend = [Outturn("intermediate-care", 950_000 * POUND), Outturn("reablement", 500_000 * POUND)]
    # 50k under on IC, the 100k risk pool unused, equipment unspent (300k back to the host).
    kept = settle(pool(), worked_contributions(), spend)
    assert kept.waterfall.underspend_left == 150_000 * POUND
    assert (kept.retained, kept.returned) == (150_000 * POUND, 0)
    assert kept.partner(CITY).net == -300_000 * POUND  # the fixed line goes back to the host
    assert kept.partner(ICB).net == 0
    back = settle(pool(RiskShare(underspend=UnderspendRule.RETURN)), worked_contributions(), spend)
    assert back.retained == 0
    assert back.partner(ICB).underspend_return == 90_000 * POUND  # 60% of 150k
    assert back.partner(CITY).underspend_return == 60_000 * POUND
    assert back.partner(CITY).net == -360_000 * POUND


def test_fixed_split_ignores_contribution_sizes() -> None:
    rule = RiskShare(ShareBasis.FIXED_SPLIT, {ICB: Fraction(1, 4), CITY: Fraction(3, 4)})
    spend = [
        Outturn("intermediate-care", 1_040_000 * POUND),
        Outturn("reablement", 500_000 * POUND),
    ]
    s = settle(pool(rule, risk_pool=False, fixed=False), worked_contributions()[:4], spend)
    assert s.waterfall.to_partners == 40_000 * POUND
    assert (s.partner(ICB).net, s.partner(CITY).net) == (10_000 * POUND, 30_000 * POUND)


def test_caps_turn_the_rest_to_the_other_partner_then_leave_it_unfunded() -> None:
    contributions = [
        Contribution(ICB, "intermediate-care", 1_000 * POUND),
        Contribution(CITY, "intermediate-care", 100 * POUND),
    ]
    rule = RiskShare(ShareBasis.FIXED_SPLIT, {ICB: Fraction(1, 2), CITY: Fraction(1, 2)})
    p = pool(rule, risk_pool=False, fixed=False)
    # 600 over: half each would be 300, but the city's cap is its 100 contribution.
    s = settle(p, contributions, [Outturn("intermediate-care", 1_700 * POUND)])
    assert (s.partner(ICB).overspend_share, s.partner(CITY).overspend_share) == (
        500 * POUND,
        100 * POUND,
    )
    assert s.complete
    # 1,500 over: the caps take 1,100; 400 is unfunded.
    s = settle(p, contributions, [Outturn("intermediate-care", 2_600 * POUND)])
    assert s.unfunded == 400 * POUND
    assert not s.complete
    assert (s.partner(ICB).net, s.partner(CITY).net) == (1_000 * POUND, 100 * POUND)
    # An agreed cap replaces the default: half each of 1,500 is now within both caps.
    agreed = RiskShare(rule.basis, rule.fixed_shares, caps={CITY: 10_000 * POUND})
    s = settle(
        pool(agreed, risk_pool=False, fixed=False),
        contributions,
        [Outturn("intermediate-care", 2_600 * POUND)],
    )
    assert (s.partner(ICB).net, s.partner(CITY).net, s.unfunded) == (750 * POUND, 750 * POUND, 0)
    # 2,500 over: the ICB's default cap (1,000) turns 250 to the city.
    s = settle(
        pool(agreed, risk_pool=False, fixed=False),
        contributions,
        [Outturn("intermediate-care", 3_600 * POUND)],
    )
    assert (s.partner(ICB).net, s.partner(CITY).net) == (1_000 * POUND, 1_500 * POUND)
    uncapped = RiskShare(rule.basis, rule.fixed_shares, uncapped=True)
    s = settle(
        pool(uncapped, risk_pool=False, fixed=False),
        contributions,
        [Outturn("intermediate-care", 3_600 * POUND)],
    )
    assert (s.partner(ICB).net, s.partner(CITY).net) == (1_250 * POUND, 1_250 * POUND)


def test_uncommitted_allocations_are_cut_before_partners_pay() -> None:
    spend = [
        Outturn("intermediate-care", 1_050_000 * POUND, uncommitted=100_000 * POUND),
        Outturn("reablement", 500_000 * POUND, uncommitted=60_000 * POUND),
    ]
    # 150k + 60k over; the 100k risk pool leaves 110k; 160k is uncommitted, so 110k is cut:
    # 100k : 60k -> 68,750 and 41,250. Partners pay nothing.
    s = settle(pool(), worked_contributions(), spend)
    assert s.waterfall.uncommitted_cut == 110_000 * POUND
    cuts = {x.line: x.cut for x in s.lines}
    assert cuts["intermediate-care"] == 68_750 * POUND
    assert cuts["reablement"] == 41_250 * POUND
    assert s.waterfall.to_partners == 0
    no_cuts = settle(pool(RiskShare(cut_uncommitted=False)), worked_contributions(), spend)
    assert no_cuts.waterfall.to_partners == 110_000 * POUND


def test_pence_split_by_largest_remainder() -> None:
    # 100p shared equally by three partners: 34 + 33 + 33, the first taking the spare penny.
    parts, unfunded = split_capped(100, {"a": 1, "b": 1, "c": 1}, {})
    assert (parts, unfunded) == ({"a": 34, "b": 33, "c": 33}, 0)
    # Contributions of 1p and 2p, 1p overspend: 1/3 and 2/3 -> the larger remainder (2/3)
    # takes it.
    contributions = [
        Contribution(ICB, "intermediate-care", 1),
        Contribution(CITY, "intermediate-care", 2),
    ]
    s = settle(pool(fixed=False, risk_pool=False), contributions, [Outturn("intermediate-care", 4)])
    assert (s.partner(ICB).net, s.partner(CITY).net) == (0, 1)


def test_calls_in_year_and_what_is_still_due_at_year_end() -> None:
    spend = [
        Outturn("intermediate-care", 1_180_000 * POUND),
        Outturn("reablement", 470_000 * POUND),
    ]
    contributions = [c for c in worked_contributions() if c.line != "community-equipment"]
    s = settle(pool(fixed=False), contributions, spend)
    # 150k over after offset; the 100k risk pool leaves 50k, 30k/20k.
    assert calls_due(s, {}) == {ICB: 30_000 * POUND, CITY: 20_000 * POUND}
    called = {ICB: 30_000 * POUND, CITY: 25_000 * POUND}
    assert calls_due(s, called) == {ICB: 0, CITY: 0}
    assert still_due(s, called) == {ICB: 0, CITY: -5_000 * POUND}


@pytest.mark.parametrize("bad", [Outturn("risk-pool", 1), Outturn("reablement", -1)])
def test_spend_on_the_risk_pool_or_negative_is_refused(bad: Outturn) -> None:
    from integrated_care.errors import InvalidInput

    with pytest.raises(InvalidInput):
        settle(pool(), worked_contributions(), [bad])
