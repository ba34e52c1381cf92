"""Decision rules: outcomes ignore ballot order, more support never loses, quorum is presence.

Every rule kind here is monotone: turning a vote against, or an abstention, into a vote for
never turns a carried proposal into a failed one (majority and qualified majorities, with or
without weights and a casting vote; weak and strong unanimity; consensus; a class veto).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from random import Random

from hypothesis import event, given, settings
from hypothesis import strategies as st

from integrated_care.governance.model import (
    COUNCILLOR,
    LOCAL_AUTHORITY,
    MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING,
    NHS,
    Ballot,
    Choice,
    Classification,
    DecisionType,
    Seat,
    SeatType,
)
from integrated_care.governance.rules import (
    Base,
    ClassQuorum,
    Quorum,
    Rule,
    RuleKind,
    RuleSet,
    Selector,
    Unanimity,
    When,
    check_quorum,
    evaluate,
    parse_rule_set,
    rule_set_to_data,
    tally,
)

SOME = settings(max_examples=100, deadline=None)
CLASSES = [NHS, LOCAL_AUTHORITY, COUNCILLOR]
PRESENT_CHOICES = [Choice.FOR, Choice.AGAINST, Choice.ABSTAIN, Choice.RECUSED]
ABSENT_CHOICES = [Choice.ABSENT, Choice.RECUSED]

fractions = st.builds(lambda d, n: Fraction(min(n, d), d), st.integers(1, 6), st.integers(1, 6))
bases = st.sampled_from(list(Base))


@st.composite
def majority_rules(draw: st.DrawFn, rule_id: str) -> Rule:
    if draw(st.booleans()):
        return Rule(rule_id, RuleKind.MAJORITY, draw(bases), weighted=draw(st.booleans()))
    return Rule(
        rule_id, RuleKind.QUALIFIED, draw(bases), draw(fractions), weighted=draw(st.booleans())
    )


@st.composite
def rules(draw: st.DrawFn, rule_id: str = "rule") -> Rule:
    kind = draw(st.sampled_from(list(RuleKind)))
    if kind in (RuleKind.MAJORITY, RuleKind.QUALIFIED):
        return draw(majority_rules(rule_id))
    if kind is RuleKind.UNANIMITY:
        if draw(st.booleans()):
            return Rule(rule_id, kind, unanimity=Unanimity.WEAK)
        base = draw(st.sampled_from([Base.PRESENT, Base.ELIGIBLE]))
        return Rule(rule_id, kind, base, unanimity=Unanimity.STRONG)
    if kind is RuleKind.CONSENSUS:
        return Rule(rule_id, kind)
    base_rule = draw(majority_rules(f"{rule_id}-base"))
    return Rule(rule_id, kind, veto_class=draw(st.sampled_from(CLASSES)), base_rule=base_rule)


@st.composite
def quorums(draw: st.DrawFn) -> Quorum:
    fraction = draw(st.none() | fractions)
    more_than = fraction is not None and fraction < 1 and draw(st.booleans())
    parts = draw(st.lists(st.sampled_from(CLASSES), max_size=2, unique=True))
    return Quorum(
        min_present=draw(st.integers(0, 8)),
        fraction=fraction,
        more_than=more_than,
        composition=tuple(ClassQuorum(draw(st.integers(1, 2)), c) for c in parts),
    )


@st.composite
def rule_sets(draw: st.DrawFn) -> RuleSet:
    selector_rule = draw(rules("selected"))
    when = When(
        frozenset(draw(st.lists(st.sampled_from([DecisionType.POLICY, DecisionType.BUDGET])))),
        frozenset({MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING}),
    )
    return RuleSet(
        "Property board",
        draw(st.integers(1, 9)),
        draw(quorums()),
        (Selector(when, selector_rule),),
        draw(rules("default")),
        casting_vote=draw(st.booleans()),
        recused_count_for_quorum=draw(st.booleans()),
    )


classifications = st.builds(
    Classification,
    st.sampled_from(list(DecisionType)),
    st.frozensets(st.just(MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING)),
)


@st.composite
def boards(draw: st.DrawFn, supportive: bool = False) -> list[Ballot]:
    """Up to 30 voting seats; ``supportive`` boards are mostly present and for (so that many
    proposals carry and the monotonicity test is not vacuous)."""
    size = draw(st.integers(1, 30))
    present_choices = PRESENT_CHOICES + [Choice.FOR] * 6 if supportive else PRESENT_CHOICES
    ballots = []
    for n in range(size):
        seat = Seat(
            f"s{n:02d}",
            "board",
            SeatType.CHAIR if n == 0 else SeatType.NON_EXECUTIVE,
            f"Member {n}",
            f"Person {n}",
            draw(st.sampled_from(["QT1", "RX1", "E06000018"])),
            frozenset(draw(st.lists(st.sampled_from(CLASSES), max_size=2))),
            weight=draw(st.integers(0, 4)),
        )
        here = draw(st.integers(0, 9)) > 0 if supportive else draw(st.booleans())
        choice = draw(st.sampled_from(present_choices if here else ABSENT_CHOICES))
        ballots.append(Ballot(seat, choice, here))
    return ballots


@SOME
@given(rule_sets(), classifications, boards(), st.randoms())
def test_outcomes_and_tallies_ignore_ballot_order(
    rule_set: RuleSet, classification: Classification, ballots: list[Ballot], rng: Random
) -> None:
    shuffled = list(ballots)
    rng.shuffle(shuffled)
    assert tally(shuffled) == tally(ballots)
    assert evaluate(rule_set, classification, shuffled) == evaluate(
        rule_set, classification, ballots
    )


@SOME
@given(rule_sets(), classifications, boards(supportive=True), st.data())
def test_more_support_never_loses(
    rule_set: RuleSet, classification: Classification, ballots: list[Ballot], data: st.DataObject
) -> None:
    # Quorum depends on presence only (next test), so it cannot change here; without it many
    # more drawn proposals carry.
    rule_set = replace(rule_set, quorum=Quorum())
    before = evaluate(rule_set, classification, ballots)
    movable = [i for i, b in enumerate(ballots) if b.choice in (Choice.AGAINST, Choice.ABSTAIN)]
    event("carried" if before.carried else "not carried")
    if not before.carried or not movable:
        return
    i = data.draw(st.sampled_from(movable))
    changed = list(ballots)
    changed[i] = replace(ballots[i], choice=Choice.FOR)
    after = evaluate(rule_set, classification, changed)
    assert after.carried, (before.explanation, after.explanation)


@SOME
@given(rule_sets(), boards(), st.data())
def test_quorum_depends_on_presence_not_on_choices(
    rule_set: RuleSet, ballots: list[Ballot], data: st.DataObject
) -> None:
    votes = [Choice.FOR, Choice.AGAINST, Choice.ABSTAIN]
    revoted = [
        replace(b, choice=data.draw(st.sampled_from(votes))) if b.choice in votes else b
        for b in ballots
    ]
    assert check_quorum(rule_set, revoted) == check_quorum(rule_set, ballots)


@SOME
@given(boards())
def test_every_eligible_seat_is_counted_once(ballots: list[Ballot]) -> None:
    t = tally(ballots)
    heads = t.for_heads + t.against_heads + t.abstain_heads + t.absent_heads + t.recused_heads
    assert heads == t.eligible_heads == len(ballots)
    assert t.eligible_weight == sum(b.seat.weight for b in ballots)


@SOME
@given(rule_sets())
def test_rule_sets_round_trip_through_data(rule_set: RuleSet) -> None:
    assert parse_rule_set(rule_set_to_data(rule_set)) == rule_set
