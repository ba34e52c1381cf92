"""Decision rules on a Nottingham and Nottinghamshire ICB board: one scenario per rule kind.

The board is realistic in shape (chair, chief executive, three executive directors, two
non-executives, partner members for trusts, primary medical services and both councils, and
a city place member who is the Director of Public Health); 12 voting seats and a non-voting
Healthwatch participant. Expected outcomes follow from the rule definitions in
``integrated_care.governance.rules``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Set as AbstractSet
from dataclasses import replace
from datetime import date
from fractions import Fraction
from importlib import resources
from typing import Any

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.governance.interests import Declaration, InterestKind, Regime, recusals
from integrated_care.governance.model import (
    COUNCILLOR,
    DIRECTOR_OF_PUBLIC_HEALTH,
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
    Unanimity,
    evaluate,
    parse_rule_set,
)
from integrated_care.governance.rulesets import load
from integrated_care.structure.dates import Period

DAY = date(2025, 6, 12)
ICB, TRUST, GP = "QT1", "RX1", "C84001"
CITY, COUNTY = "E06000018", "E10000024"
NAMES = {
    ICB: "NHS Nottingham and Nottinghamshire ICB",
    TRUST: "Nottingham University Hospitals NHS Trust",
    GP: "Primary care providers",
    CITY: "Nottingham City Council",
    COUNTY: "Nottinghamshire County Council",
}
OUTSOURCING = frozenset({MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING})
POLICY_FLAGGED = Classification(DecisionType.POLICY, OUTSOURCING)
AWARD_FLAGGED = Classification(DecisionType.CONTRACT_AWARD, OUTSOURCING)
BUDGET = Classification(DecisionType.BUDGET)


def _seat(seat_id: str, seat_type: SeatType, holder: str, org: str, *classes: str) -> Seat:
    voting = seat_type is not SeatType.PARTICIPANT
    return Seat(
        seat_id,
        "QT1-board",
        seat_type,
        seat_id,
        holder,
        org,
        frozenset(classes),
        voting=voting,
        term=Period(date(2022, 7, 1)),
    )


BOARD = [
    _seat("chair", SeatType.CHAIR, "Chair A", ICB, NHS),
    _seat("ceo", SeatType.CHIEF_EXECUTIVE, "Chief B", ICB, NHS),
    _seat("finance", SeatType.EXECUTIVE_DIRECTOR, "Finance C", ICB, NHS),
    _seat("medical", SeatType.EXECUTIVE_DIRECTOR, "Medical D", ICB, NHS),
    _seat("nursing", SeatType.EXECUTIVE_DIRECTOR, "Nursing E", ICB, NHS),
    _seat("nem-1", SeatType.NON_EXECUTIVE, "NEM F", ICB, NHS),
    _seat("nem-2", SeatType.NON_EXECUTIVE, "NEM G", ICB, NHS),
    _seat("trusts", SeatType.PARTNER_NHS_TRUST, "Trust H", TRUST, NHS),
    _seat("primary", SeatType.PARTNER_PRIMARY_MEDICAL, "GP I", GP, NHS),
    _seat("city", SeatType.PARTNER_LOCAL_AUTHORITY, "Cllr J", CITY, LOCAL_AUTHORITY, COUNCILLOR),
    _seat("county", SeatType.PARTNER_LOCAL_AUTHORITY, "Director K", COUNTY, LOCAL_AUTHORITY),
    _seat(
        "place", SeatType.PLACE_MEMBER, "DPH L", CITY, LOCAL_AUTHORITY, DIRECTOR_OF_PUBLIC_HEALTH
    ),
    _seat("healthwatch", SeatType.PARTICIPANT, "Healthwatch M", "HWNOTT"),
]
SEATS = {s.seat_id: s for s in BOARD}


def vote(
    *,
    against: AbstractSet[str] = frozenset(),
    abstain: AbstractSet[str] = frozenset(),
    absent: AbstractSet[str] = frozenset(),
    recused: AbstractSet[str] = frozenset(),
    recused_absent: AbstractSet[str] = frozenset(),
    seats: list[Seat] = BOARD,
) -> list[Ballot]:
    """Everyone present and for, except as listed. Non-voting seats are absent."""
    ballots = []
    for seat in seats:
        sid = seat.seat_id
        if not seat.voting or sid in absent:
            ballots.append(Ballot(seat, Choice.ABSENT, False))
        elif sid in recused or sid in recused_absent:
            ballots.append(Ballot(seat, Choice.RECUSED, sid in recused))
        elif sid in against:
            ballots.append(Ballot(seat, Choice.AGAINST, True))
        elif sid in abstain:
            ballots.append(Ballot(seat, Choice.ABSTAIN, True))
        else:
            ballots.append(Ballot(seat, Choice.FOR, True))
    return ballots


def with_rule(rule: Rule, **changes: Any) -> RuleSet:
    """The Nottingham rule set with ``rule`` as its default rule and no selectors."""
    return replace(load("nottingham_icb_board"), selectors=(), default_rule=rule, **changes)


NOTTINGHAM = load("nottingham_icb_board")


# The Nottingham rule ------------------------------------------------------------------------


def test_nottingham_rule_stops_an_outsourcing_policy_on_one_council_vote_against() -> None:
    outcome = evaluate(NOTTINGHAM, POLICY_FLAGGED, vote(against={"city"}), organisation_names=NAMES)
    assert outcome.quorate
    assert not outcome.carried
    assert outcome.rule_set == "NHS Nottingham and Nottinghamshire ICB board"
    assert outcome.rule_version == 1
    assert outcome.rule_id == "unanimity-for-outsourcing"
    assert outcome.explanation == (
        "Not carried: unanimity (weak: no vote against) is required for proposals that may "
        "result in privatisation or outsourcing (11 for, 1 against); Nottingham City Council "
        "(Cllr J) voted against."
    )
    assert outcome.notes == ()
    assert (outcome.tally.for_heads, outcome.tally.against_heads) == (11, 1)


def test_an_abstention_does_not_stop_it() -> None:
    outcome = evaluate(NOTTINGHAM, POLICY_FLAGGED, vote(abstain={"city"}), organisation_names=NAMES)
    assert outcome.carried
    assert outcome.explanation == (
        "Carried: unanimity (weak: no vote against) is required for proposals that may result "
        "in privatisation or outsourcing (11 for, 0 against, 1 abstention)."
    )


def test_nottingham_rule_is_refused_for_a_contract_award_and_a_majority_carries_it() -> None:
    outcome = evaluate(NOTTINGHAM, AWARD_FLAGGED, vote(against={"city"}), organisation_names=NAMES)
    assert outcome.carried
    assert outcome.rule_id == "simple-majority"
    assert outcome.explanation == "Carried: simple majority of votes cast (11 for, 1 against)."
    assert outcome.notes == (
        "The rule 'unanimity for outsourcing' was not applied: it is a veto/unanimity rule and "
        "this is a contract award under the Provider Selection Regime 2023; ordinary majority "
        "applies.",
    )


def test_unflagged_proposals_are_decided_by_simple_majority() -> None:
    outcome = evaluate(
        NOTTINGHAM, BUDGET, vote(against={"city", "county"}, abstain={"nem-1", "nem-2"})
    )
    assert outcome.carried
    assert outcome.rule_id == "simple-majority"
    assert outcome.explanation == (
        "Carried: simple majority of votes cast (8 for, 2 against, 2 abstentions)."
    )


# Majority bases ----------------------------------------------------------------------------


def test_simple_majority_differs_by_base() -> None:
    # 6 for, 2 against, 2 abstentions, 2 absent (of 12 voting seats).
    ballots = vote(
        against={"city", "county"}, abstain={"nem-1", "nem-2"}, absent={"trusts", "primary"}
    )
    cast = evaluate(with_rule(Rule("m", RuleKind.MAJORITY, Base.CAST)), BUDGET, ballots)
    present = evaluate(with_rule(Rule("m", RuleKind.MAJORITY, Base.PRESENT)), BUDGET, ballots)
    eligible = evaluate(with_rule(Rule("m", RuleKind.MAJORITY, Base.ELIGIBLE)), BUDGET, ballots)
    assert (cast.carried, present.carried, eligible.carried) == (True, True, False)
    assert present.explanation == (
        "Carried: simple majority of voting members present (6 for, 2 against, 2 abstentions); "
        "10 voting members present, 6 needed."
    )
    assert eligible.explanation == (
        "Not carried: simple majority of all voting members (6 for, 2 against, 2 abstentions); "
        "12 voting members entitled to vote, 7 needed."
    )


def test_qualified_majority_is_exact_at_the_threshold() -> None:
    two_thirds = with_rule(Rule("q", RuleKind.QUALIFIED, threshold=Fraction(2, 3)))
    # 8 of 12 cast = exactly 2/3: carried.
    assert evaluate(two_thirds, BUDGET, vote(against={"city", "county", "place", "trusts"})).carried
    # 7 of 11 cast < 2/3 (7.33 needed, so 8): not carried.
    outcome = evaluate(
        two_thirds, BUDGET, vote(against={"city", "county", "place", "trusts"}, abstain={"ceo"})
    )
    assert not outcome.carried
    assert outcome.explanation == (
        "Not carried: two-thirds majority of votes cast (7 for, 4 against, 1 abstention); "
        "11 votes cast, 8 needed."
    )
    three_quarters = with_rule(Rule("q", RuleKind.QUALIFIED, Base.ELIGIBLE, Fraction(3, 4)))
    nine = vote(absent={"trusts", "primary", "nem-1"})
    assert evaluate(three_quarters, BUDGET, nine).carried  # 9 of 12 = 3/4
    eight = vote(absent={"trusts", "primary", "nem-1", "nem-2"})
    assert not evaluate(three_quarters, BUDGET, eight).carried


# Unanimity, consensus, veto --------------------------------------------------------------------

STRONG_ELIGIBLE = Rule("s", RuleKind.UNANIMITY, Base.ELIGIBLE, unanimity=Unanimity.STRONG)
STRONG_PRESENT = Rule("s", RuleKind.UNANIMITY, Base.PRESENT, unanimity=Unanimity.STRONG)
WEAK = Rule("w", RuleKind.UNANIMITY, unanimity=Unanimity.WEAK)


def test_strong_and_weak_unanimity_differ_on_an_abstention() -> None:
    ballots = vote(abstain={"county"})
    assert evaluate(with_rule(WEAK), BUDGET, ballots).carried
    strong = evaluate(with_rule(STRONG_ELIGIBLE), BUDGET, ballots, organisation_names=NAMES)
    assert not strong.carried
    assert strong.explanation == (
        "Not carried: unanimity (strong: every voting member votes for) (11 for, 0 against, "
        "1 abstention); Nottinghamshire County Council (Director K) abstained."
    )


def test_strong_unanimity_of_those_present_ignores_absences_but_not_of_all() -> None:
    ballots = vote(absent={"primary"})
    assert evaluate(with_rule(STRONG_PRESENT), BUDGET, ballots).carried
    outcome = evaluate(with_rule(STRONG_ELIGIBLE), BUDGET, ballots, organisation_names=NAMES)
    assert not outcome.carried
    assert outcome.explanation.endswith("; Primary care providers (GP I) was absent.")


def test_consensus_with_objection() -> None:
    consensus = with_rule(Rule("c", RuleKind.CONSENSUS))
    assert evaluate(consensus, BUDGET, vote(abstain={"city", "county", "ceo"})).carried
    outcome = evaluate(consensus, BUDGET, vote(against={"nursing"}), organisation_names=NAMES)
    assert not outcome.carried
    assert outcome.explanation == (
        "Not carried: consensus with objection (carried unless a member votes against) "
        "(11 for, 1 against); NHS Nottingham and Nottinghamshire ICB (Nursing E) objected "
        "(voted against)."
    )


LA_VETO = Rule(
    "la-veto",
    RuleKind.VETO,
    veto_class=LOCAL_AUTHORITY,
    base_rule=Rule("la-veto-majority", RuleKind.MAJORITY),
)


def test_veto_by_a_class_of_member() -> None:
    veto = with_rule(LA_VETO)
    # Two NHS members against: the majority carries it and no local authority member objects.
    assert evaluate(veto, BUDGET, vote(against={"trusts", "primary"})).carried
    outcome = evaluate(veto, BUDGET, vote(against={"county"}), organisation_names=NAMES)
    assert not outcome.carried
    assert outcome.rule_id == "la-veto"
    assert outcome.explanation == (
        "Not carried: simple majority of votes cast, with a veto for any local authority member "
        "(11 for, 1 against); Nottinghamshire County Council (Director K) voted against, and a "
        "local authority member has a veto."
    )


@pytest.mark.parametrize("rule", [WEAK, STRONG_ELIGIBLE, Rule("c", RuleKind.CONSENSUS), LA_VETO])
def test_no_blocking_rule_decides_a_contract_award(rule: Rule) -> None:
    outcome = evaluate(with_rule(rule), AWARD_FLAGGED, vote(against={"city"}))
    assert outcome.carried
    assert outcome.rule_id == "psr-ordinary-majority"
    assert "Provider Selection Regime 2023" in outcome.notes[0]


# Casting vote --------------------------------------------------------------------------------

TIE = {"city", "county", "place", "trusts", "primary", "nem-2"}  # against: 6 for, 6 against


def test_casting_vote_on_a_tie_follows_the_chair() -> None:
    outcome = evaluate(NOTTINGHAM, BUDGET, vote(against=TIE), organisation_names=NAMES)
    assert outcome.carried
    assert outcome.explanation == (
        "Carried: simple majority of votes cast (6 for, 6 against); equal votes, decided by the "
        "chair's casting vote for, given by NHS Nottingham and Nottinghamshire ICB (Chair A)."
    )
    assert outcome.notes == (
        "The chair's casting vote for, given by NHS Nottingham and Nottinghamshire ICB (Chair A), "
        "decided an equality of votes (6 for, 6 against).",
    )
    chair_against = vote(against={"chair", "city", "county", "place", "trusts", "primary"})
    assert not evaluate(NOTTINGHAM, BUDGET, chair_against).carried


def test_without_a_casting_vote_a_tie_is_not_carried() -> None:
    no_casting = replace(NOTTINGHAM, casting_vote=False)
    outcome = evaluate(no_casting, BUDGET, vote(against=TIE))
    assert not outcome.carried
    assert outcome.explanation == (
        "Not carried: simple majority of votes cast (6 for, 6 against); equal votes, and this "
        "rule set gives the chair no casting vote."
    )


def test_the_presiding_member_can_be_named_and_must_vote_to_cast() -> None:
    # The chair is away; NEM F presides and voted against: the tie is lost.
    ballots = vote(
        against={"city", "county", "place", "trusts", "nem-1"},
        absent={"chair"},
        abstain={"medical"},
    )
    outcome = evaluate(NOTTINGHAM, BUDGET, ballots, chair_seat_id="nem-1")
    assert (outcome.tally.for_heads, outcome.tally.against_heads) == (5, 5)
    assert not outcome.carried
    # A presiding member who abstained has no casting vote to give.
    abstaining = vote(
        against={"city", "county", "place", "trusts", "primary"},
        abstain={"nem-1"},
        absent={"chair"},
    )
    outcome = evaluate(NOTTINGHAM, BUDGET, abstaining, chair_seat_id="nem-1")
    assert not outcome.carried
    assert "did not vote for or against, so there is no casting vote" in outcome.explanation
    with pytest.raises(InvalidInput):
        evaluate(NOTTINGHAM, BUDGET, vote(), chair_seat_id="nobody")


# Weighted votes, quorum by head ------------------------------------------------------------


def test_weighted_votes_are_tallied_by_weight_while_quorum_counts_heads() -> None:
    weights = {"trusts": 5, "primary": 1, "city": 1, "county": 1, "chair": 10}
    seats = [replace(SEATS[sid], weight=w) for sid, w in weights.items()]
    rs = RuleSet(
        "Provider collaborative",
        2,
        Quorum(min_present=4),
        (),
        Rule("weighted", RuleKind.MAJORITY, weighted=True),
    )
    # The trust (weight 5) for; three weight-1 members against; the chair (weight 10) absent.
    ballots = vote(against={"primary", "city", "county"}, absent={"chair"}, seats=seats)
    outcome = evaluate(rs, BUDGET, ballots)
    assert outcome.quorate  # 4 heads present, whatever the absent weight
    assert outcome.carried  # 5 > 3 by weight, though 1 < 3 by head
    assert outcome.explanation == (
        "Carried: simple majority of votes cast (weighted votes) (weighted 5 for, 3 against, "
        "0 abstaining; by head 1 for, 3 against); weight 8 votes cast, 5 needed."
    )
    few = vote(absent={"chair", "city", "county"}, seats=seats)  # weight 6 present, 2 heads
    assert not evaluate(rs, BUDGET, few).quorate


# Quorum by composition, recusal --------------------------------------------------------------


def test_quorum_by_composition_without_a_councillor() -> None:
    hwb_rules = RuleSet(
        "Health and Wellbeing Board",
        1,
        Quorum(
            min_present=7,
            composition=(
                ClassQuorum(1, COUNCILLOR),
                ClassQuorum(1, NHS, label="NHS member"),
                ClassQuorum(1, DIRECTOR_OF_PUBLIC_HEALTH, label="Director of Public Health"),
            ),
        ),
        (),
        Rule("m", RuleKind.MAJORITY),
    )
    outcome = evaluate(hwb_rules, BUDGET, vote(absent={"city"}))
    assert not outcome.quorate
    assert not outcome.carried
    assert outcome.explanation == (
        "Not quorate: no councillor present (11 of 12 voting members present, 7 needed)."
    )
    assert evaluate(hwb_rules, BUDGET, vote(absent={"county"})).quorate


def test_nottingham_quorum_needs_a_majority_and_both_sectors() -> None:
    outcome = evaluate(
        NOTTINGHAM, BUDGET, vote(absent={"city", "county", "place", "ceo", "nem-1", "nem-2"})
    )
    assert outcome.explanation == (
        "Not quorate: 6 of 12 voting members present, 7 needed; no local authority member present."
    )
    assert outcome.rule_id == "simple-majority"


def test_a_recused_member_cannot_vote_and_may_make_the_meeting_inquorate() -> None:
    # The trust partner declared a financial interest in the trust the item concerns.
    declaration = Declaration(
        seat_id="trusts",
        person=None,
        regime=Regime.NHS_CONFLICTS,
        kind=InterestKind.FINANCIAL,
        description="Chief executive of the trust",
        related_organisations=frozenset({TRUST}),
    )
    recused = recusals(BOARD, [declaration], item_organisations=[TRUST], item_topics=[], day=DAY)
    assert list(recused) == ["trusts"]
    ballots = vote(recused=set(recused), against={"city"})
    outcome = evaluate(with_rule(STRONG_ELIGIBLE), BUDGET, ballots)
    assert outcome.tally.recused_heads == 1
    assert outcome.tally.for_heads == 10  # the recused member's position is not a vote
    # Seven present of twelve is a majority, but one of them is recused and does not count.
    thin = vote(recused=set(recused), absent={"ceo", "finance", "medical", "nursing", "nem-2"})
    outcome = evaluate(NOTTINGHAM, BUDGET, thin, day=DAY)
    assert not outcome.quorate
    assert outcome.explanation == (
        "Not quorate: 7 of 12 voting members present (1 recused, not counted: 6 count), 7 needed."
    )
    assert evaluate(replace(NOTTINGHAM, recused_count_for_quorum=True), BUDGET, thin).quorate


def test_a_recused_member_is_not_counted_in_the_eligible_base() -> None:
    # Strong unanimity of all eligible members: the recused member is not eligible on the item.
    outcome = evaluate(with_rule(STRONG_ELIGIBLE), BUDGET, vote(recused={"trusts"}))
    assert outcome.carried
    assert outcome.explanation == (
        "Carried: unanimity (strong: every voting member votes for) (11 for, 0 against; 1 recused)."
    )


# Malformed rule sets -----------------------------------------------------------------------


def nottingham_data() -> dict[str, Any]:
    text = resources.files("integrated_care.governance.rulesets").joinpath(
        "nottingham_icb_board.json"
    )
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def test_the_nottingham_rule_cannot_be_written_for_contract_awards() -> None:
    data = nottingham_data()
    data["selectors"][0]["when"]["decision_types"] = ["policy", "contract award"]
    with pytest.raises(InvalidInput) as caught:
        parse_rule_set(data)
    assert caught.value.message == (
        "Rule set field 'selectors[0].rule.kind': a unanimity rule cannot be selected for "
        "decision type 'contract award': it is a veto/unanimity rule and a contract award "
        "follows the Provider Selection Regime 2023, under which no organisation may be "
        "prevented from competing; expected a majority or qualified rule, or a selector without "
        "'contract award'."
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["selectors"][0]["rule"].update(
                kind="qualified", threshold="3/2", mode=None
            ),
            "Rule set field 'selectors[0].rule.mode': does not apply to a qualified rule; "
            "expected only: id, kind, name, purpose, base, threshold, weighted.",
        ),
        (
            lambda d: (
                d["selectors"][0]["rule"].update(kind="qualified", threshold="3/2")
                or d["selectors"][0]["rule"].pop("mode")
            ),
            "Rule set field 'selectors[0].rule.threshold': '3/2' is outside (0, 1]; expected a "
            "fraction greater than 0 and at most 1.",
        ),
        (
            lambda d: d["default_rule"].update(base="members"),
            "Rule set field 'default_rule.base': 'members' is not a known base; expected one of: "
            "cast, present, eligible.",
        ),
        (
            lambda d: d["selectors"][0]["rule"].update(kind="majority vote"),
            "Rule set field 'selectors[0].rule.kind': 'majority vote' is not a known rule kind "
            "(did you mean 'majority'?); expected one of: majority, qualified, unanimity, "
            "consensus, veto.",
        ),
        (
            lambda d: d.pop("default_rule"),
            "Rule set field 'default_rule': is missing; expected a value (it is required).",
        ),
    ],
)
def test_malformed_nottingham_variants(edit: Any, message: str) -> None:
    data = nottingham_data()
    edit(data)
    with pytest.raises(InvalidInput) as caught:
        parse_rule_set(data)
    assert caught.value.message == message
