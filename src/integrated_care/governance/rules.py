"""Decision rules as data, evaluated by pure functions: quorum, tally, outcome, explanation.

A rule set is chosen per body; the rule for a proposal is chosen by its classification
(decision type and flags). Data shape (JSON; ``parse_rule_set`` reads it, refusing unknown
fields and naming the faulty field path; ``rule_set_to_data`` writes it back)::

    {
      "name": str, "version": int >= 1,
      "quorum": {                            # required; {} means no quorum requirement
        "min_present": int,                  # present voting members, by head
        "at_least_fraction": "1/2" | "more_than_fraction": "1/2",  # of voting seats held
        "composition": [{"class": "councillor", "min": 1, "label": "councillor"},
                        {"seat_type": "chief executive", "min": 1}]
      },
      "recused_count_for_quorum": bool,      # default false
      "casting_vote": bool,                  # default false: the chair's casting vote on a tie
      "default_rule": RULE,                  # required
      "selectors": [{"when": {"decision_types": [...], "flags_any": [...]}, "rule": RULE}]
    }
    RULE = {"id": str, "kind": KIND, "name": str?, "purpose": "for proposals that ..."?, ...}
      "majority":  "base": "cast"|"present"|"eligible" (default cast), "weighted": bool
      "qualified": "threshold": "2/3" (a string; (0, 1]), "base", "weighted"
      "unanimity": "mode": "weak" (no vote against among those voting, at least one for)
                   | "strong" (every member of "base": "present" | "eligible" (default) for)
      "consensus": (consensus with objection: carried unless a member votes against)
      "veto":      "class": "local_authority", "base_rule": a majority or qualified RULE

Counting. Only voting seats count (a vote from a non-voting seat, or from a seat not held
on ``day`` when given, is refused; so are two ballots for one seat, and a ballot whose choice
contradicts its presence: present members vote for, against or abstain, absent ones are
absent, recused ones may be either). Majorities: ``cast`` = for + against, carried iff
for > half; ``present`` = present voting members entitled to vote; ``eligible`` = voting seats
held, minus recused ones (a member barred from an item is not eligible on it, so recusal never
acts as a vote against). Qualified: for >= threshold x base, and at least one for. Weighted
rules tally ``Seat.weight``; quorum is always counted by head. A tie (for = against, and
nobody else in the base) under a majority rule is decided by the chair's casting vote when the
rule set has one: the chair's own vote, for or against. The chair is ``chair_seat_id``, else
the seat of type chair. Quorum: present voting members (recused ones only if
``recused_count_for_quorum``) against the count, the fraction of voting seats held, and each
composition part.

The PSR guard: a unanimity, consensus or veto rule never decides a contract award (Provider
Selection Regime 2023: no organisation may be prevented from competing). A selector naming
"contract award" with such a rule is refused when parsed; a flag-based one that would match a
contract award is skipped at evaluation, with a note, and selection goes on (an ordinary
majority of votes cast if the default rule is blocking too).

The Nottingham rule set (``rulesets/nottingham_icb_board.json``). In April 2019 Nottingham
City Council rejoined its ICS "subject to an agreement for unanimous voting on proposals which
could lead to outsourcing or privatisation"; its own paper accepted that no one can be
prevented from tendering, so the rule binds policy, never an award. Encoded as: quorum more
than half of the voting members, including at least one NHS member and one local authority
member, recused members not counted; default a simple majority of votes cast with the chair's
casting vote; one selector, ``flags_any: [may_result_in_privatisation_or_outsourcing]`` with
no decision types, to weak unanimity: one vote against stops it, an abstention does not. The
selector deliberately names no decision types: the council's condition covers any proposal
that may lead to outsourcing (policy, strategy, plan approval, budget), and for a flagged
contract award the PSR guard, not the selector, keeps the rule out, so the record says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from integrated_care.errors import InvalidInput
from integrated_care.governance.model import Ballot, Classification, Outcome, SeatType
from integrated_care.governance.rule_counts import (
    Counts,
    QuorumCheck,
    check_quorum,
    quorum_check,
    tally,
)
from integrated_care.governance.rule_judge import Judge, counts_text, describe_rule
from integrated_care.governance.rule_set import (
    BLOCKING_KINDS,
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
)
from integrated_care.governance.rule_set_data import parse_rule_set, rule_set_to_data

__all__ = [
    "BLOCKING_KINDS",
    "ORDINARY_MAJORITY",
    "Base",
    "ClassQuorum",
    "Quorum",
    "QuorumCheck",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RuleSetError",
    "Selector",
    "Unanimity",
    "When",
    "check_quorum",
    "describe_rule",
    "evaluate",
    "parse_rule_set",
    "rule_set_to_data",
    "tally",
]


def evaluate(
    rule_set: RuleSet,
    classification: Classification,
    ballots: Sequence[Ballot],
    *,
    chair_seat_id: str | None = None,
    day: date | None = None,
    organisation_names: Mapping[str, str] | None = None,
) -> Outcome:
    """The outcome of a vote: quorum, the rule chosen, carried or not, and why.

    ``organisation_names`` (code -> name) lets the explanation name organisations
    ("Nottingham City Council (Cllr A) voted against"); without it seats are named by holder
    and title.
    """
    counts = Counts(ballots, day)
    rule, notes = rule_set.select(classification)
    quorum = quorum_check(rule_set, counts)
    result = counts.tally()
    if not quorum.quorate:
        return Outcome(
            False,
            False,
            rule_set.name,
            rule_set.version,
            rule.rule_id,
            result,
            quorum.explanation,
            notes,
        )
    chair = _chair(ballots, chair_seat_id)
    judge = Judge(counts, rule_set.casting_vote, chair, organisation_names or {})
    carried, reasons = judge.decide(rule)
    verdict = "Carried" if carried else "Not carried"
    head = f"{verdict}: {describe_rule(rule)}"
    if rule.purpose:
        head += f" is required {rule.purpose}"
    details = "".join(f"; {r}" for r in reasons)
    explanation = f"{head} ({counts_text(counts, rule)}){details}."
    return Outcome(
        carried,
        True,
        rule_set.name,
        rule_set.version,
        rule.rule_id,
        result,
        explanation,
        notes + tuple(judge.notes),
    )


def _chair(ballots: Sequence[Ballot], chair_seat_id: str | None) -> Ballot | None:
    if chair_seat_id is not None:
        for ballot in ballots:
            if ballot.seat.seat_id == chair_seat_id:
                return ballot
        raise InvalidInput(
            f"The chair's seat '{chair_seat_id}' has no ballot in this vote.",
            input_name="chair_seat_id",
            expected="the seat id of a ballot in the vote",
        )
    # Without an explicit chair, the lowest seat id of type chair (independent of order).
    chairs = [b for b in ballots if b.seat.seat_type is SeatType.CHAIR]
    return min(chairs, key=lambda b: b.seat.seat_id) if chairs else None
