"""Decision-rule evaluation on a 30-member board (target: at most 1 ms per evaluation).

``integrated_care.governance.rules.evaluate`` — quorum, rule selection, tally, outcome and the
plain-English explanation — on a realistic 30-seat board (27 voting seats, 3 non-voting
participants): the Nottingham rule set on an unflagged budget (simple majority, with the
organisation-name map), on a flagged policy with one council against (weak unanimity), on a
flagged contract award (the PSR guard refuses the unanimity rule) and on a tie decided by the
chair's casting vote; and a heavier rule set (weighted qualified majority with a class veto and
a composition quorum). Each timed sample is the mean of a batch of evaluations, so timer
resolution does not matter; best and median are per evaluation. Also ``parse_rule_set`` of the
Nottingham data.

Run alone: ``python -m benchmarks.governance_rules [--quick]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from fractions import Fraction

from benchmarks.common import Config, Result, say, summarised
from integrated_care.governance.model import (
    COUNCILLOR,
    LOCAL_AUTHORITY,
    MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING,
    NHS,
    Ballot,
    Choice,
    Classification,
    DecisionType,
    Outcome,
    Seat,
    SeatType,
)
from integrated_care.governance.rules import (
    ClassQuorum,
    Quorum,
    Rule,
    RuleKind,
    RuleSet,
    evaluate,
    parse_rule_set,
    rule_set_to_data,
)
from integrated_care.governance.rulesets import load

AREA = "governance_rules"
MEMBERS = 30
TARGET_S = 1e-3
FLAGS = frozenset({MAY_RESULT_IN_PRIVATISATION_OR_OUTSOURCING})
CITY = "E06000018"
NAMES = {"QT1": "NHS Nottingham and Nottinghamshire ICB", CITY: "Nottingham City Council"}


def board() -> list[Seat]:
    """30 seats: 27 voting (the chair and 20 other NHS members, 6 local authority councillors;
    weights 1-3 for the weighted rule) and 3 non-voting participants."""
    seats = [Seat("s00", "board", SeatType.CHAIR, "Chair", "Chair", "QT1", frozenset({NHS}))]
    for n in range(1, MEMBERS):
        if n >= MEMBERS - 3:
            seat_type, classes, org, voting = SeatType.PARTICIPANT, frozenset[str](), "HW", False
        elif n % 2 and n > 14:
            seat_type, classes, org, voting = (
                SeatType.PARTNER_LOCAL_AUTHORITY,
                frozenset({LOCAL_AUTHORITY, COUNCILLOR}),
                CITY,
                True,
            )
        else:
            seat_type, classes, org, voting = SeatType.NON_EXECUTIVE, frozenset({NHS}), "QT1", True
        seats.append(
            Seat(
                f"s{n:02d}",
                "board",
                seat_type,
                f"Seat {n}",
                f"Person {n}",
                org,
                classes,
                voting=voting,
                weight=1 + n % 3,
            )
        )
    return seats


def ballots(seats: list[Seat], against: int, absent: int = 2) -> list[Ballot]:
    out = []
    for i, seat in enumerate(seats):
        if not seat.voting or i >= len(seats) - 3 - absent:
            out.append(Ballot(seat, Choice.ABSENT, False))
        elif 0 < i <= against:
            out.append(Ballot(seat, Choice.AGAINST, True))
        elif i == against + 1:
            out.append(Ballot(seat, Choice.ABSTAIN, True))
        else:
            out.append(Ballot(seat, Choice.FOR, True))
    return out


HEAVY = RuleSet(
    "Heavy",
    1,
    Quorum(
        min_present=10,
        fraction=Fraction(2, 3),
        composition=(
            ClassQuorum(1, COUNCILLOR),
            ClassQuorum(2, NHS),
            ClassQuorum(1, LOCAL_AUTHORITY),
        ),
    ),
    (),
    Rule(
        "veto",
        RuleKind.VETO,
        veto_class=LOCAL_AUTHORITY,
        base_rule=Rule("base", RuleKind.QUALIFIED, threshold=Fraction(3, 4), weighted=True),
    ),
    casting_vote=True,
)


def _per_call(fn: Callable[[], object], batch: int, samples: int) -> list[float]:
    for _ in range(batch):  # warm-up
        fn()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - start) / batch)
    return times


def _cases(seats: list[Seat]) -> list[tuple[str, str, Callable[[], Outcome], str]]:
    """(name, what it measures, the call, what its outcome must be) for each benchmark."""
    nottingham = load("nottingham_icb_board")
    voting = sum(1 for s in seats if s.voting)
    one_council_against = [
        Ballot(b.seat, Choice.AGAINST, True) if b.seat.seat_id == "s15" else b
        for b in ballots(seats, 0)
    ]
    majority = ballots(seats, 5)
    award = ballots(seats, 3)
    tie = _tie(seats, (voting - 2) // 2)
    heavy = ballots(seats, 4)
    budget = Classification(DecisionType.BUDGET)
    policy = Classification(DecisionType.POLICY, FLAGS)
    contract = Classification(DecisionType.CONTRACT_AWARD, FLAGS)
    governance = Classification(DecisionType.GOVERNANCE)
    return [
        (
            "evaluate.majority",
            "Nottingham rule set, unflagged budget: simple majority of votes cast",
            lambda: evaluate(nottingham, budget, majority, organisation_names=NAMES),
            "Carried: simple majority",
        ),
        (
            "evaluate.unanimity_fails",
            "Nottingham rule set, flagged policy, one council against: weak unanimity",
            lambda: evaluate(nottingham, policy, one_council_against, organisation_names=NAMES),
            "Not carried: unanimity (weak",
        ),
        (
            "evaluate.psr_guard",
            "Nottingham rule set, flagged contract award: unanimity refused, majority applies",
            lambda: evaluate(nottingham, contract, award, organisation_names=NAMES),
            "Carried: simple majority",
        ),
        (
            "evaluate.casting_vote",
            "Nottingham rule set, budget tied: the chair's casting vote decides",
            lambda: evaluate(nottingham, budget, tie, organisation_names=NAMES),
            "Carried: simple majority of votes cast",
        ),
        (
            "evaluate.weighted_veto",
            "weighted 3/4 majority with a local-authority veto and a composition quorum",
            lambda: evaluate(HEAVY, governance, heavy),
            "Carried: three-quarters majority",
        ),
    ]


def run(config: Config | None = None) -> list[Result]:
    quick = config.quick if config else False
    batch, samples = (200, 10) if quick else (1000, 50)
    seats = board()
    voting = sum(1 for s in seats if s.voting)
    results = []
    for name, measures, fn, expected in _cases(seats):
        explanation = fn().explanation  # untimed: the case does what it says
        if not explanation.startswith(expected):
            raise AssertionError(f"{name}: unexpected outcome: {explanation}")
        times = _per_call(fn, batch, samples)
        median = statistics.median(times)
        result = summarised(
            f"{AREA}.{name}",
            AREA,
            f"{measures}; {MEMBERS} seats ({voting} voting)",
            times,
            items=1,
            unit="evaluations/s",
            note=f"each sample is the mean of {batch} evaluations; ballots built beforehand",
            extra={
                "members": MEMBERS,
                "voting": voting,
                "target_s": TARGET_S,
                "meets_target": median <= TARGET_S,
                "explanation": explanation,
            },
        )
        results.append(result)
        say(f"  {name}: best {min(times) * 1e6:.1f} µs, median {median * 1e6:.1f} µs")
    data = rule_set_to_data(load("nottingham_icb_board"))
    times = _per_call(lambda: parse_rule_set(data), batch, samples)
    results.append(
        summarised(
            f"{AREA}.parse_rule_set",
            AREA,
            "parse_rule_set of the Nottingham rule set's data",
            times,
            items=1,
            unit="parses/s",
            note=f"each sample is the mean of {batch} parses",
        )
    )
    return results


def _tie(seats: list[Seat], against: int) -> list[Ballot]:
    """Chair and the first voting seats for, the next ``against`` against, two absent."""
    voting = [s for s in seats if s.voting]
    out = []
    for i, seat in enumerate(voting):
        if i >= len(voting) - 2:
            out.append(Ballot(seat, Choice.ABSENT, False))
        elif i >= len(voting) - 2 - against:
            out.append(Ballot(seat, Choice.AGAINST, True))
        else:
            out.append(Ballot(seat, Choice.FOR, True))
    return out + [Ballot(s, Choice.ABSENT, False) for s in seats if not s.voting]


def main(argv: list[str]) -> int:
    for result in run(Config(quick="--quick" in argv)):
        best = (result.best_s or 0) * 1e6
        median = (result.median_s or 0) * 1e6
        print(f"{result.name}: best {best:.1f} µs, median {median:.1f} µs per call (n={result.n})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
