"""Counting ballots and checking quorum (the first half of evaluating a vote).

One pass over the ballots validates them (one ballot per seat; votes only from voting seats
held on the day; a present member votes for, against or abstains, an absent one is absent;
a recused member may be either) and collects heads, weights and who chose what.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from integrated_care.errors import InvalidInput
from integrated_care.governance.model import Ballot, Choice, Seat, Tally
from integrated_care.governance.rule_set import ClassQuorum, RuleSet

VOTES = (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN)


class Counts:
    """One pass over the ballots: heads, weights and who chose what."""

    __slots__ = (
        "absent",
        "abstain",
        "against",
        "eligible_h",
        "eligible_w",
        "for_",
        "recused",
        "recused_present",
        "w_abstain",
        "w_against",
        "w_for",
        "w_recused",
    )

    def __init__(self, ballots: Sequence[Ballot], day: date | None) -> None:
        self.for_: list[Seat] = []
        self.against: list[Seat] = []
        self.abstain: list[Seat] = []
        self.absent: list[Seat] = []
        self.recused: list[Seat] = []
        self.recused_present: list[Seat] = []
        self.w_for = self.w_against = self.w_abstain = self.w_recused = 0
        self.eligible_h = self.eligible_w = 0
        seen: set[str] = set()
        for ballot in ballots:
            seat, choice = ballot.seat, ballot.choice
            if seat.seat_id in seen:
                raise InvalidInput(
                    f"Seat '{seat.seat_id}' has more than one ballot in this vote.",
                    input_name="ballots",
                    expected="one ballot per seat",
                )
            seen.add(seat.seat_id)
            votes = choice in VOTES
            if not seat.voting or (day is not None and not seat.held_on(day)):
                if votes:
                    why = "is non-voting" if not seat.voting else f"is not held on {day}"
                    raise InvalidInput(
                        f"Seat '{seat.seat_id}' {why}, so it cannot vote '{choice}'.",
                        input_name="ballots",
                        expected="votes from voting seats held on the day",
                    )
                continue  # not a member entitled to vote: left out of every count
            if votes != ballot.present and choice is not Choice.RECUSED:
                where = "present" if ballot.present else "absent"
                raise InvalidInput(
                    f"Seat '{seat.seat_id}' is marked {where} but its ballot says '{choice}'.",
                    input_name="ballots",
                    expected="for/against/abstain when present, absent when not",
                )
            self.eligible_h += 1
            self.eligible_w += seat.weight
            if choice is Choice.FOR:
                self.for_.append(seat)
                self.w_for += seat.weight
            elif choice is Choice.AGAINST:
                self.against.append(seat)
                self.w_against += seat.weight
            elif choice is Choice.ABSTAIN:
                self.abstain.append(seat)
                self.w_abstain += seat.weight
            elif choice is Choice.ABSENT:
                self.absent.append(seat)
            else:
                self.recused.append(seat)
                self.w_recused += seat.weight
                if ballot.present:
                    self.recused_present.append(seat)

    def tally(self) -> Tally:
        voting_present = len(self.for_) + len(self.against) + len(self.abstain)
        return Tally(
            for_heads=len(self.for_),
            against_heads=len(self.against),
            abstain_heads=len(self.abstain),
            absent_heads=len(self.absent),
            recused_heads=len(self.recused),
            for_weight=self.w_for,
            against_weight=self.w_against,
            abstain_weight=self.w_abstain,
            present_heads=voting_present + len(self.recused_present),
            eligible_heads=self.eligible_h,
            eligible_weight=self.eligible_w,
        )


@dataclass(frozen=True, slots=True)
class QuorumCheck:
    quorate: bool
    counted: int  # present voting members counted towards the quorum
    present: int  # present voting members, recused ones included
    recused_present: int
    eligible: int  # voting seats held on the day
    needed: int  # from the count and fraction parts (0 = no minimum)
    missing: tuple[str, ...]  # what is short, e.g. "no councillor present"
    explanation: str


def tally(ballots: Sequence[Ballot], *, day: date | None = None) -> Tally:
    """Heads and weights per choice over the voting seats (see the module docstring)."""
    return Counts(ballots, day).tally()


def check_quorum(
    rule_set: RuleSet, ballots: Sequence[Ballot], *, day: date | None = None
) -> QuorumCheck:
    """Whether the meeting is quorate for a vote; depends on presence (and recusal) only."""
    return quorum_check(rule_set, Counts(ballots, day))


def quorum_check(rule_set: RuleSet, c: Counts) -> QuorumCheck:
    quorum = rule_set.quorum
    counted_seats = c.for_ + c.against + c.abstain
    if rule_set.recused_count_for_quorum:
        counted_seats += c.recused_present
    counted, recused_present = len(counted_seats), len(c.recused_present)
    present = len(c.for_) + len(c.against) + len(c.abstain) + recused_present
    needed = quorum.needed(c.eligible_h)
    head = f"{present} of {c.eligible_h} voting members present"
    if recused_present and not rule_set.recused_count_for_quorum:
        head += f" ({recused_present} recused, not counted: {counted} count)"
    if needed:
        head += f", {needed} needed"
    short: list[str] = []
    satisfied: list[str] = []
    for part in quorum.composition:
        have = sum(1 for seat in counted_seats if _in(part, seat))
        label = part.describe
        if have >= part.minimum:
            satisfied.append(label)
        elif have == 0 and part.minimum == 1:
            short.append(f"no {label} present")
        else:
            short.append(f"{have} {label} present, {part.minimum} needed")
    if counted < needed:
        missing = (f"{needed - counted} more voting members needed", *short)
        text = "; ".join([head, *short])
    elif short:
        missing = tuple(short)
        text = f"{'; '.join(short)} ({head})"
    else:
        tail = f"; {and_list(satisfied)} present" if satisfied else ""
        return QuorumCheck(
            True,
            counted,
            present,
            recused_present,
            c.eligible_h,
            needed,
            (),
            f"Quorate: {head}{tail}.",
        )
    return QuorumCheck(
        False,
        counted,
        present,
        recused_present,
        c.eligible_h,
        needed,
        missing,
        f"Not quorate: {text}.",
    )


def _in(part: ClassQuorum, seat: Seat) -> bool:
    if part.seat_type is not None:
        return seat.seat_type is part.seat_type
    return part.member_class in seat.classes


def and_list(items: Sequence[str]) -> str:
    if len(items) > 6:
        items = [*items[:5], f"{len(items) - 5} others"]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
