"""Rule sets as data (parsing, round trip, every malformed input), tallies, quorum, selection."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from integrated_care.errors import InvalidInput
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
    ORDINARY_MAJORITY,
    Base,
    ClassQuorum,
    Quorum,
    Rule,
    RuleKind,
    RuleSet,
    RuleSetError,
    Selector,
    Unanimity,
    When,
    check_quorum,
    describe_rule,
    parse_rule_set,
    rule_set_to_data,
    tally,
)
from integrated_care.governance.rulesets import load, names
from integrated_care.structure.dates import Period

OUTSOURCING = MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING


def rich() -> dict[str, Any]:
    """A rule set using every kind, base and quorum part."""
    return {
        "name": "Everything",
        "version": 3,
        "quorum": {
            "min_present": 4,
            "at_least_fraction": "1/2",
            "composition": [
                {"class": "councillor", "min": 1},
                {"seat_type": "chief executive", "min": 1, "label": "chief executive"},
            ],
        },
        "recused_count_for_quorum": True,
        "casting_vote": True,
        "default_rule": {"id": "majority", "kind": "majority", "base": "present"},
        "selectors": [
            {
                "when": {"decision_types": ["budget"]},
                "rule": {"id": "budget", "kind": "qualified", "threshold": "2/3", "weighted": True},
            },
            {
                "when": {"flags_any": [OUTSOURCING], "decision_types": ["policy", "strategy"]},
                "rule": {"id": "unanimous", "kind": "unanimity", "mode": "strong"},
            },
            {
                "when": {"decision_types": ["governance"]},
                "rule": {
                    "id": "la-veto",
                    "kind": "veto",
                    "class": "local_authority",
                    "base_rule": {"id": "la-veto-base", "kind": "majority", "base": "eligible"},
                },
            },
            {
                "when": {"decision_types": ["plan approval"]},
                "rule": {"id": "consent", "kind": "consensus", "purpose": "for plans"},
            },
            {
                "when": {"decision_types": ["other"]},
                "rule": {"id": "weak", "kind": "unanimity", "mode": "weak", "name": "weak one"},
            },
        ],
    }


def test_packaged_rule_sets_parse_and_round_trip() -> None:
    assert names() == ["nottingham_icb_board", "standard_majority"]
    for name in names():
        rule_set = load(name)
        assert parse_rule_set(rule_set_to_data(rule_set)) == rule_set


def test_nottingham_rule_set_is_as_documented() -> None:
    rs = load("nottingham_icb_board")
    assert rs.version == 1
    assert rs.casting_vote is True
    assert rs.recused_count_for_quorum is False
    assert rs.quorum == Quorum(
        fraction=Fraction(1, 2),
        more_than=True,
        composition=(
            ClassQuorum(1, NHS, label="NHS member"),
            ClassQuorum(1, LOCAL_AUTHORITY, label="local authority member"),
        ),
    )
    assert rs.default_rule.kind is RuleKind.MAJORITY
    assert rs.default_rule.base is Base.CAST
    (selector,) = rs.selectors
    assert selector.when == When(flags_any=frozenset({OUTSOURCING}))
    assert selector.rule.kind is RuleKind.UNANIMITY
    assert selector.rule.unanimity is Unanimity.WEAK


def test_rich_rule_set_parses_as_written_and_round_trips() -> None:
    rs = parse_rule_set(rich())
    assert rs.quorum.min_present == 4
    assert rs.quorum.fraction == Fraction(1, 2)
    assert rs.quorum.more_than is False
    assert rs.quorum.composition[1].seat_type is SeatType.CHIEF_EXECUTIVE
    budget, unanimous, veto, consent, weak = (s.rule for s in rs.selectors)
    assert budget.threshold == Fraction(2, 3)
    assert budget.weighted
    assert budget.base is Base.CAST
    assert unanimous.base is Base.ELIGIBLE  # strong unanimity defaults to every eligible member
    assert veto.base_rule is not None
    assert veto.base_rule.base is Base.ELIGIBLE
    assert consent.purpose == "for plans"
    assert weak.label == "weak one"
    assert parse_rule_set(rule_set_to_data(rs)) == rs


def mutate(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(rich())
    change(data)
    return data


def _set(path: list[Any], value: object) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _del(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


RULE0 = ["selectors", 0, "rule"]
RULE1 = ["selectors", 1, "rule"]

MALFORMED = [
    # (change, field path named in the message, words the message must contain)
    (_set([*RULE1, "kind"], "supermajority"), "selectors[1].rule.kind", "not a known rule kind"),
    (_set([*RULE0, "threshold"], "two thirds"), "selectors[0].rule.threshold", "not a fraction"),
    (_set([*RULE0, "threshold"], "3/2"), "selectors[0].rule.threshold", "outside (0, 1]"),
    (_set([*RULE0, "threshold"], "0"), "selectors[0].rule.threshold", "outside (0, 1]"),
    (_set([*RULE0, "threshold"], "1/0"), "selectors[0].rule.threshold", "not a fraction"),
    (_set([*RULE0, "threshold"], 0.66), "selectors[0].rule.threshold", "decimal number"),
    (_del([*RULE0, "threshold"]), "selectors[0].rule.threshold", "is missing"),
    (_set([*RULE0, "base"], "voters"), "selectors[0].rule.base", "not a known base"),
    (
        _set(["selectors", 1, "when", "decision_types"], ["policy", "procurement"]),
        "selectors[1].when.decision_types[1]",
        "not a known decision type",
    ),
    (_del(["default_rule"]), "default_rule", "is missing"),
    (_del(["version"]), "version", "is missing"),
    (_set(["version"], 0), "version", "at least 1"),
    (_set(["version"], "1"), "version", "at least 1"),
    (_set(["name"], ""), "name", "non-empty string"),
    (_set([*RULE0, "treshold"], "2/3"), "selectors[0].rule.treshold", "did you mean 'threshold'"),
    (_set(["default_rule", "threshold"], "2/3"), "default_rule.threshold", "majority rule"),
    (_del([*RULE1, "mode"]), "selectors[1].rule.mode", "is missing"),
    (_set([*RULE1, "mode"], "total"), "selectors[1].rule.mode", "not a known unanimity mode"),
    (_set([*RULE1, "base"], "cast"), "selectors[1].rule.base", "same as weak"),
    (_set(["selectors", 4, "rule", "base"], "present"), "selectors[4].rule.base", "weak"),
    (_set([*RULE1, "weighted"], True), "selectors[1].rule.weighted", "unanimity rule"),
    (_del(["selectors", 2, "rule", "class"]), "selectors[2].rule.class", "is missing"),
    (_del(["selectors", 2, "rule", "base_rule"]), "selectors[2].rule.base_rule", "is missing"),
    (
        _set(["selectors", 2, "rule", "base_rule"], {"id": "x", "kind": "consensus"}),
        "selectors[2].rule.base_rule.kind",
        "cannot be the base of a veto",
    ),
    (_set(["selectors", 3, "rule", "base"], "cast"), "selectors[3].rule.base", "consensus"),
    (_set(["selectors", 0, "rule", "id"], "majority"), "selectors[0].rule.id", "already used"),
    (_set(["selectors", 0, "when"], {}), "selectors[0].when", "decision_types and/or flags_any"),
    (_del(["selectors", 0, "rule"]), "selectors[0].rule", "is missing"),
    (_set(["selectors"], {"when": {}}), "selectors", "not a list"),
    (_set(["casting_vote"], "yes"), "casting_vote", "true or false"),
    (_set(["quorum", "more_than_fraction"], "1/2"), "quorum.more_than_fraction", "at most one"),
    (_set(["quorum", "min_present"], -1), "quorum.min_present", "at least 0"),
    (_set(["quorum", "at_least_fraction"], "5/4"), "quorum.at_least_fraction", "outside (0, 1]"),
    (_set(["quorum", "composition", 0, "min"], 0), "quorum.composition[0].min", "at least 1"),
    (_del(["quorum", "composition", 0, "class"]), "quorum.composition[0].class", "neither"),
    (
        _set(["quorum", "composition", 1, "seat_type"], "ceo"),
        "quorum.composition[1].seat_type",
        "not a known seat type",
    ),
    (_del(["quorum"]), "quorum", "is missing"),
    (_set(["quorum"], [1]), "quorum", "not an object"),
]


@pytest.mark.parametrize(("change", "path", "words"), MALFORMED)
def test_malformed_rule_sets_name_the_field(
    change: Callable[[dict[str, Any]], None], path: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rule_set(mutate(change))
    assert caught.value.input_name == path
    assert caught.value.message.startswith(f"Rule set field '{path}': ")
    assert words in caught.value.message
    assert "expected" in caught.value.message


def test_not_an_object_at_all() -> None:
    with pytest.raises(InvalidInput, match="not an object"):
        parse_rule_set([])  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["unanimity", "consensus", "veto"])
def test_psr_guard_refuses_blocking_rule_selected_for_contract_awards(kind: str) -> None:
    rule: dict[str, Any] = {"id": "block", "kind": kind}
    if kind == "unanimity":
        rule["mode"] = "weak"
    if kind == "veto":
        rule |= {"class": "local_authority", "base_rule": {"id": "b", "kind": "majority"}}
    data = mutate(
        _set(["selectors", 1], {"when": {"decision_types": ["contract award"]}, "rule": rule})
    )
    with pytest.raises(InvalidInput) as caught:
        parse_rule_set(data)
    assert caught.value.input_name == "selectors[1].rule.kind"
    assert "Provider Selection Regime 2023" in caught.value.message
    assert "no organisation may be prevented from competing" in caught.value.message


def test_psr_guard_allows_a_majority_rule_for_contract_awards() -> None:
    rule = {"id": "awards", "kind": "qualified", "threshold": "3/4"}
    data = mutate(
        _set(["selectors", 1], {"when": {"decision_types": ["contract award"]}, "rule": rule})
    )
    assert parse_rule_set(data).selectors[1].rule.threshold == Fraction(3, 4)


def test_value_checks_also_apply_when_built_directly() -> None:
    with pytest.raises(RuleSetError) as caught:
        Rule("q", RuleKind.QUALIFIED, threshold=Fraction(5, 4))
    assert caught.value.field == "threshold"
    with pytest.raises(RuleSetError):
        Selector(
            When(decision_types=frozenset({DecisionType.CONTRACT_AWARD})),
            Rule("u", RuleKind.UNANIMITY, unanimity=Unanimity.WEAK),
        )


# Selection ---------------------------------------------------------------------------------

MAJ = Rule("maj", RuleKind.MAJORITY)
TWO_THIRDS = Rule("two-thirds", RuleKind.QUALIFIED, threshold=Fraction(2, 3))
WEAK = Rule("weak", RuleKind.UNANIMITY, unanimity=Unanimity.WEAK, name="unanimity for outsourcing")


def rule_set(*selectors: Selector, default: Rule = MAJ) -> RuleSet:
    return RuleSet("Test", 1, Quorum(), selectors, default)


def test_first_matching_selector_wins_and_both_parts_must_match() -> None:
    rs = rule_set(
        Selector(When(frozenset({DecisionType.POLICY}), frozenset({OUTSOURCING})), WEAK),
        Selector(When(frozenset({DecisionType.POLICY})), TWO_THIRDS),
    )
    flagged = Classification(DecisionType.POLICY, frozenset({OUTSOURCING}))
    assert rs.select(flagged) == (WEAK, ())
    assert rs.select(Classification(DecisionType.POLICY)) == (TWO_THIRDS, ())
    assert rs.select(Classification(DecisionType.BUDGET, frozenset({OUTSOURCING}))) == (MAJ, ())


def test_psr_guard_at_selection_skips_to_the_next_rule_with_a_note() -> None:
    rs = rule_set(
        Selector(When(flags_any=frozenset({OUTSOURCING})), WEAK),
        Selector(When(frozenset({DecisionType.CONTRACT_AWARD})), TWO_THIRDS),
    )
    rule, notes = rs.select(Classification(DecisionType.CONTRACT_AWARD, frozenset({OUTSOURCING})))
    assert rule == TWO_THIRDS
    assert notes == (
        "The rule 'unanimity for outsourcing' was not applied: it is a veto/unanimity rule and "
        "this is a contract award under the Provider Selection Regime 2023; the rule "
        "'two-thirds' applies.",
    )


def test_a_blocking_default_rule_gives_way_to_an_ordinary_majority_for_awards() -> None:
    consensus = Rule("consensus", RuleKind.CONSENSUS)
    rs = rule_set(default=consensus)
    assert rs.select(Classification(DecisionType.POLICY)) == (consensus, ())
    rule, notes = rs.select(Classification(DecisionType.CONTRACT_AWARD))
    assert rule == ORDINARY_MAJORITY
    assert notes[0].endswith("ordinary majority applies.")


def test_describe_rule() -> None:
    assert describe_rule(MAJ) == "simple majority of votes cast"
    assert describe_rule(TWO_THIRDS) == "two-thirds majority of votes cast"
    assert (
        describe_rule(Rule("q", RuleKind.QUALIFIED, Base.ELIGIBLE, Fraction(3, 5), weighted=True))
        == "qualified majority (3/5) of all voting members (weighted votes)"
    )
    assert describe_rule(WEAK) == "unanimity (weak: no vote against)"
    strong = Rule("s", RuleKind.UNANIMITY, Base.PRESENT, unanimity=Unanimity.STRONG)
    assert describe_rule(strong) == "unanimity (strong: every voting member present votes for)"
    veto = Rule("v", RuleKind.VETO, veto_class=LOCAL_AUTHORITY, base_rule=MAJ)
    assert describe_rule(veto) == (
        "simple majority of votes cast, with a veto for any local authority member"
    )


# Tally and quorum --------------------------------------------------------------------------


def seat(
    n: int,
    seat_type: SeatType = SeatType.NON_EXECUTIVE,
    *,
    classes: frozenset[str] = frozenset({NHS}),
    weight: int = 1,
    voting: bool = True,
    term: Period | None = None,
) -> Seat:
    return Seat(
        f"s{n:02d}",
        "board",
        seat_type,
        f"Member {n}",
        f"Person {n}",
        "QT1",
        classes,
        voting=voting,
        weight=weight,
        term=term or Period(date(2022, 7, 1)),
    )


def test_tally_counts_heads_and_weights_and_leaves_out_non_voting_seats() -> None:
    ballots = [
        Ballot(seat(1, weight=3), Choice.FOR, True),
        Ballot(seat(2, weight=2), Choice.FOR, True),
        Ballot(seat(3), Choice.AGAINST, True),
        Ballot(seat(4, weight=5), Choice.ABSTAIN, True),
        Ballot(seat(5), Choice.ABSENT, False),
        Ballot(seat(6, weight=4), Choice.RECUSED, True),
        Ballot(seat(7), Choice.RECUSED, False),
        Ballot(seat(8, SeatType.OBSERVER, voting=False), Choice.ABSENT, True),
    ]
    t = tally(ballots)
    assert (t.for_heads, t.against_heads, t.abstain_heads) == (2, 1, 1)
    assert (t.absent_heads, t.recused_heads) == (1, 2)
    assert (t.for_weight, t.against_weight, t.abstain_weight) == (5, 1, 5)
    assert t.present_heads == 5  # 4 who voted or abstained + the recused member present
    assert t.eligible_heads == 7
    assert t.eligible_weight == 3 + 2 + 1 + 5 + 1 + 4 + 1


BAD_BALLOTS = [
    ([Ballot(seat(1), Choice.FOR, True), Ballot(seat(1), Choice.AGAINST, True)], "more than one"),
    ([Ballot(seat(1, voting=False), Choice.FOR, True)], "is non-voting"),
    ([Ballot(seat(1), Choice.FOR, False)], "marked absent"),
    ([Ballot(seat(1), Choice.ABSENT, True)], "marked present"),
    (
        [Ballot(seat(1, term=Period(date(2020, 1, 1), date(2021, 1, 1))), Choice.FOR, True)],
        "not held on 2024-05-01",
    ),
]


@pytest.mark.parametrize(("ballots", "words"), BAD_BALLOTS)
def test_bad_ballots_are_refused(ballots: list[Ballot], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        tally(ballots, day=date(2024, 5, 1))


def test_a_seat_not_held_on_the_day_that_did_not_vote_is_left_out() -> None:
    former = seat(9, term=Period(date(2020, 1, 1), date(2021, 1, 1)))
    t = tally(
        [Ballot(seat(1), Choice.FOR, True), Ballot(former, Choice.ABSENT, False)],
        day=date(2024, 5, 1),
    )
    assert t.eligible_heads == 1


def present(n: int, **kw: Any) -> Ballot:
    return Ballot(seat(n, **kw), Choice.FOR, True)


def absent(n: int, **kw: Any) -> Ballot:
    return Ballot(seat(n, **kw), Choice.ABSENT, False)


def quorum_set(quorum: Quorum, *, recused_count: bool = False) -> RuleSet:
    return RuleSet("Q", 1, quorum, (), MAJ, recused_count_for_quorum=recused_count)


def test_quorum_by_count_and_fraction_takes_the_larger_need() -> None:
    ballots = [present(n) for n in range(5)] + [absent(n) for n in range(5, 12)]
    check = check_quorum(quorum_set(Quorum(min_present=4, fraction=Fraction(1, 2))), ballots)
    assert (check.quorate, check.needed) == (False, 6)  # at least half of 12 = 6 > 4
    assert check.explanation == "Not quorate: 5 of 12 voting members present, 6 needed."
    majority = quorum_set(Quorum(fraction=Fraction(1, 2), more_than=True))
    assert check_quorum(majority, ballots).needed == 7  # more than half of 12
    thirds = quorum_set(Quorum(fraction=Fraction(2, 3)))
    assert check_quorum(thirds, ballots[:10]).needed == 7  # at least 2/3 of 10 = 6.67 -> 7
    ok = check_quorum(quorum_set(Quorum(min_present=5)), ballots)
    assert ok.quorate
    assert ok.explanation == "Quorate: 5 of 12 voting members present, 5 needed."


def test_quorum_by_composition_names_what_is_missing() -> None:
    quorum = Quorum(
        min_present=3,
        composition=(
            ClassQuorum(1, COUNCILLOR),
            ClassQuorum(2, NHS, label="NHS member"),
            ClassQuorum(1, seat_type=SeatType.CHAIR),
        ),
    )
    ballots = [present(1), present(2, classes=frozenset()), present(3, classes=frozenset())]
    check = check_quorum(quorum_set(quorum), ballots)
    assert not check.quorate
    assert check.missing == (
        "no councillor present",
        "1 NHS member present, 2 needed",
        "no chair present",
    )
    assert check.explanation == (
        "Not quorate: no councillor present; 1 NHS member present, 2 needed; no chair present "
        "(3 of 3 voting members present, 3 needed)."
    )


def test_recused_members_count_for_quorum_only_if_the_rule_set_says_so() -> None:
    ballots = [present(1), present(2), Ballot(seat(3), Choice.RECUSED, True), absent(4)]
    quorum = Quorum(min_present=3)
    counted = check_quorum(quorum_set(quorum, recused_count=True), ballots)
    assert counted.quorate
    not_counted = check_quorum(quorum_set(quorum), ballots)
    assert not not_counted.quorate
    assert not_counted.explanation == (
        "Not quorate: 3 of 4 voting members present (1 recused, not counted: 2 count), 3 needed."
    )


def test_no_quorum_requirement_is_always_met() -> None:
    assert check_quorum(quorum_set(Quorum()), [absent(1)]).quorate
