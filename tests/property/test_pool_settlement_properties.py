"""Properties of pooled-budget settlement for random pools, contributions, spend and rules.

- every penny is accounted for: contributions - outturn + partners' net = retained - unfunded;
- nobody pays beyond its cap at stage 4 unless the rule is uncapped; money is left unfunded
  only when every partner that could pay is at its cap;
- the waterfall runs in order: partners pay only after underspends, the whole risk pool and
  (when allowed) every uncommitted allocation are used; nobody is charged and refunded;
- pro rata is monotone (a bigger shared contribution never pays less) and each share is
  within a penny of the exact proportion; a fixed split likewise with its percentages;
- fixed lines are the host's alone: their spend never changes another partner's result.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

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
    Settlement,
    ShareBasis,
    UnderspendRule,
    settle,
)

PARTNERS = ("QT1", "E06000018", "E10000024", "RX1")
LINES = (
    Line("a", "Line A"),
    Line("b", "Line B"),
    Line("c", "Line C"),
    Line("fixed", "Fixed line", LineKind.FIXED),
    Line("risk", "Risk pool", LineKind.RISK_POOL),
)
money = st.integers(min_value=0, max_value=5_000_000)


@st.composite
def fixed_shares(draw: st.DrawFn, n: int) -> dict[str, Fraction]:
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=n - 1, max_size=n - 1)))
    bounds = [0, *cuts, 10_000]
    return {PARTNERS[i]: Fraction(bounds[i + 1] - bounds[i], 10_000) for i in range(n)}


@st.composite
def cases(draw: st.DrawFn) -> tuple[Pool, list[Contribution], list[Outturn]]:
    n = draw(st.integers(2, len(PARTNERS)))
    partners = tuple(
        Partner(code, code, Sector.NHS if i % 2 == 0 else Sector.LOCAL_AUTHORITY)
        for i, code in enumerate(PARTNERS[:n])
    )
    basis = draw(st.sampled_from(ShareBasis))
    shares = draw(fixed_shares(n)) if basis is ShareBasis.FIXED_SPLIT else {}
    capped = draw(st.sampled_from(["default", "agreed", "uncapped"]))
    caps = (
        {p.organisation: draw(money) for p in partners if draw(st.booleans())}
        if capped == "agreed"
        else {}
    )
    rule = RiskShare(
        basis,
        shares,
        draw(st.sampled_from(UnderspendRule)),
        draw(st.booleans()),
        caps,
        capped == "uncapped",
    )
    pool = Pool(
        "p",
        "Pool",
        LegalBasis.S75,
        2025,
        draw(st.sampled_from(PARTNERS[:n])),
        partners,
        LINES,
        rule,
    )
    contributions = [
        Contribution(p.organisation, line.code, draw(money))
        for p in partners
        for line in LINES
        if draw(st.booleans())
    ]
    outturns = [
        Outturn(line.code, draw(money), draw(money) if draw(st.booleans()) else 0)
        for line in LINES
        if line.kind is not LineKind.RISK_POOL and draw(st.booleans())
    ]
    return pool, contributions, outturns


def _weights(pool: Pool, s: Settlement) -> dict[str, Fraction]:
    if pool.risk_share.basis is ShareBasis.FIXED_SPLIT:
        return dict(pool.risk_share.fixed_shares)
    return {p.partner: Fraction(p.shared) for p in s.partners}


@settings(max_examples=400, deadline=None)
@given(cases())
def test_every_penny_is_accounted_for(case: tuple[Pool, list[Contribution], list[Outturn]]) -> None:
    pool, contributions, outturns = case
    s = settle(pool, contributions, outturns)
    net = sum(p.net for p in s.partners)
    assert s.contributions == sum(c.amount for c in contributions)
    assert s.outturn == sum(o.spent + o.uncommitted for o in outturns) - s.waterfall.uncommitted_cut
    assert s.contributions - s.outturn + net == s.retained - s.unfunded
    assert s.retained >= 0
    assert s.unfunded >= 0
    assert s.returned >= 0
    assert sum(p.underspend_return for p in s.partners) == s.returned
    assert sum(p.overspend_share for p in s.partners) == s.waterfall.to_partners


@settings(max_examples=400, deadline=None)
@given(cases())
def test_caps_hold_and_unfunded_only_when_everyone_is_at_the_cap(
    case: tuple[Pool, list[Contribution], list[Outturn]],
) -> None:
    pool, contributions, outturns = case
    s = settle(pool, contributions, outturns)
    weights = _weights(pool, s)
    for p in s.partners:
        if pool.risk_share.uncapped:
            assert p.cap is None
        else:
            assert p.cap == pool.risk_share.caps.get(p.partner, p.shared)
            assert p.overspend_share <= p.cap
    if s.unfunded:
        assert not pool.risk_share.uncapped or all(w == 0 for w in weights.values())
        for p in s.partners:
            if weights[p.partner] > 0:
                assert p.cap is not None
                assert p.overspend_share == p.cap


@settings(max_examples=400, deadline=None)
@given(cases())
def test_waterfall_order(case: tuple[Pool, list[Contribution], list[Outturn]]) -> None:
    pool, contributions, outturns = case
    s = settle(pool, contributions, outturns)
    w = s.waterfall
    assert w.offset == min(w.overspend, w.underspend)
    if w.to_partners or w.unfunded:
        assert w.underspend_left == 0
        assert w.risk_pool_used == w.risk_pool
        if pool.risk_share.cut_uncommitted:
            cuttable = sum(
                o.uncommitted for o in outturns if pool.line(o.line).kind is LineKind.VARIABLE
            )
            assert w.uncommitted_cut == cuttable
    for p in s.partners:
        assert p.overspend_share == 0 or p.underspend_return == 0
    for line in s.lines:
        assert 0 <= line.cut <= line.uncommitted


@settings(max_examples=400, deadline=None)
@given(cases())
def test_shares_follow_the_basis(case: tuple[Pool, list[Contribution], list[Outturn]]) -> None:
    pool, contributions, outturns = case
    uncapped = replace(pool, risk_share=replace(pool.risk_share, caps={}, uncapped=True))
    s = settle(uncapped, contributions, outturns)
    weights = _weights(uncapped, s)
    total = sum(weights.values())
    charged = s.waterfall.to_partners
    if charged == 0 or total == 0:
        return
    for p in s.partners:
        exact = charged * weights[p.partner] / total
        assert abs(p.overspend_share - exact) < 1
    if pool.risk_share.basis is ShareBasis.PRO_RATA:
        # Default caps are the shared contributions, so capping keeps the order too.
        default = replace(pool, risk_share=replace(pool.risk_share, caps={}, uncapped=False))
        for s in (
            settle(uncapped, contributions, outturns),
            settle(default, contributions, outturns),
        ):
            for a in s.partners:
                for b in s.partners:
                    if a.shared > b.shared:
                        assert a.overspend_share >= b.overspend_share


@settings(max_examples=300, deadline=None)
@given(cases(), money)
def test_fixed_lines_belong_to_the_host(
    case: tuple[Pool, list[Contribution], list[Outturn]], fixed_spend: int
) -> None:
    pool, contributions, outturns = case
    without = [o for o in outturns if o.line != "fixed"]
    before = settle(pool, contributions, without)
    after = settle(pool, contributions, [*without, Outturn("fixed", fixed_spend)])
    for a, b in zip(before.partners, after.partners, strict=True):
        if a.partner != pool.host:
            assert a.net == b.net
    assert before.retained == after.retained
    assert before.unfunded == after.unfunded
    host_change = after.partner(pool.host).net - before.partner(pool.host).net
    assert host_change == fixed_spend
