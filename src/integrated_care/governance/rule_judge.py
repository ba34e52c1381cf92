"""Applying one rule to counted ballots, and saying in plain English why it went that way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from integrated_care.governance.model import Ballot, Choice, Seat
from integrated_care.governance.rule_counts import Counts, and_list
from integrated_care.governance.rule_set import CLASS_LABELS, Base, Rule, RuleKind, Unanimity

BASE_NOUNS = {
    Base.CAST: "votes cast",
    Base.PRESENT: "voting members present",
    Base.ELIGIBLE: "all voting members",
}
# How the size of the base reads in "10 voting members present, 6 needed".
NEED_NOUNS = {
    Base.CAST: "votes cast",
    Base.PRESENT: "voting members present",
    Base.ELIGIBLE: "voting members entitled to vote",
}
FRACTION_NAMES = {"2/3": "two-thirds", "3/4": "three-quarters"}


def describe_rule(rule: Rule) -> str:
    """The rule in plain English, e.g. 'unanimity (weak: no vote against)'."""
    noun = BASE_NOUNS[rule.base]
    weighted = " (weighted votes)" if rule.weighted else ""
    if rule.kind is RuleKind.MAJORITY:
        return f"simple majority of {noun}{weighted}"
    if rule.kind is RuleKind.QUALIFIED:
        share = str(rule.threshold)
        named = FRACTION_NAMES.get(share)
        lead = f"{named} majority" if named else f"qualified majority ({share})"
        return f"{lead} of {noun}{weighted}"
    if rule.kind is RuleKind.UNANIMITY:
        if rule.unanimity is Unanimity.WEAK:
            return "unanimity (weak: no vote against)"
        who = "every voting member present" if rule.base is Base.PRESENT else "every voting member"
        return f"unanimity (strong: {who} votes for)"
    if rule.kind is RuleKind.CONSENSUS:
        return "consensus with objection (carried unless a member votes against)"
    assert rule.base_rule is not None
    assert rule.veto_class is not None
    return f"{describe_rule(rule.base_rule)}, with a veto for any {_class_label(rule.veto_class)}"


def _class_label(member_class: str) -> str:
    return CLASS_LABELS.get(member_class, member_class.replace("_", " ") + " member")


def counts_text(c: Counts, rule: Rule) -> str:
    parts = [f"{len(c.for_)} for", f"{len(c.against)} against"]
    if c.abstain:
        parts.append(_plural(len(c.abstain), "abstention"))
    text = ", ".join(parts)
    if c.recused:
        text += f"; {len(c.recused)} recused"
    weighted = rule.weighted or (rule.base_rule is not None and rule.base_rule.weighted)
    if weighted:
        weights = f"{c.w_for} for, {c.w_against} against, {c.w_abstain} abstaining"
        text = f"weighted {weights}; by head {text}"
    return text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class Judge:
    """Applies one rule to the counts; collects reasons (explanation) and notes."""

    def __init__(
        self, c: Counts, casting_vote: bool, chair: Ballot | None, names: Mapping[str, str]
    ) -> None:
        self.c, self.casting_vote, self.chair, self.names = c, casting_vote, chair, names
        self.notes: list[str] = []

    def who(self, seat: Seat) -> str:
        org = self.names.get(seat.organisation_code) if seat.organisation_code else None
        if org:
            return f"{org} ({seat.holder})" if seat.holder else org
        return f"{seat.holder} ({seat.title})" if seat.holder else seat.title

    def people(self, seats: Sequence[Seat]) -> str:
        return and_list(sorted({self.who(s) for s in seats}))

    def decide(self, rule: Rule) -> tuple[bool, list[str]]:
        c = self.c
        if rule.kind in (RuleKind.MAJORITY, RuleKind.QUALIFIED):
            return self.majority(rule)
        if rule.kind is RuleKind.UNANIMITY:
            if rule.unanimity is Unanimity.WEAK:
                if c.against:
                    return False, [f"{self.people(c.against)} voted against"]
                return (True, []) if c.for_ else (False, ["nobody voted for"])
            short = [(c.against, "voted against"), (c.abstain, "abstained")]
            if rule.base is Base.ELIGIBLE:
                short.append((c.absent, "was absent" if len(c.absent) == 1 else "were absent"))
            reasons = [f"{self.people(seats)} {what}" for seats, what in short if seats]
            if not reasons and not c.for_:
                reasons = ["nobody voted for"]
            return not reasons, reasons
        if rule.kind is RuleKind.CONSENSUS:
            if c.against:
                return False, [f"{self.people(c.against)} objected (voted against)"]
            return True, []
        assert rule.base_rule is not None
        assert rule.veto_class is not None
        carried, reasons = self.majority(rule.base_rule)
        vetoes = [s for s in c.against if rule.veto_class in s.classes]
        if vetoes:
            label = _class_label(rule.veto_class)
            reasons.append(f"{self.people(vetoes)} voted against, and a {label} has a veto")
        return carried and not vetoes, reasons

    def majority(self, rule: Rule) -> tuple[bool, list[str]]:
        c = self.c
        if rule.weighted:
            f, a, ab = c.w_for, c.w_against, c.w_abstain
            eligible = c.eligible_w - c.w_recused
        else:
            f, a, ab = len(c.for_), len(c.against), len(c.abstain)
            eligible = c.eligible_h - len(c.recused)
        base = {Base.CAST: f + a, Base.PRESENT: f + a + ab, Base.ELIGIBLE: eligible}[rule.base]
        if rule.kind is RuleKind.MAJORITY:
            need = base // 2 + 1
        else:
            assert rule.threshold is not None
            t = rule.threshold
            need = max(1, -(-(t.numerator * base) // t.denominator))  # ceiling, at least one
        carried = f >= need
        reasons: list[str] = []
        if rule.kind is RuleKind.QUALIFIED or rule.base is not Base.CAST or rule.weighted:
            unit = "weight " if rule.weighted else ""
            reasons.append(f"{unit}{base} {NEED_NOUNS[rule.base]}, {need} needed")
        tie = rule.kind is RuleKind.MAJORITY and f == a and f + a == base and f > 0
        if tie:
            chair = self.chair
            if not self.casting_vote:
                reasons.append("equal votes, and this rule set gives the chair no casting vote")
            elif chair is None:
                reasons.append("equal votes, and no chair was identified to give a casting vote")
            elif chair.choice in (Choice.FOR, Choice.AGAINST):
                carried = chair.choice is Choice.FOR
                who = self.who(chair.seat)
                cast = f"the chair's casting vote {chair.choice}, given by {who}"
                reasons.append(f"equal votes, decided by {cast}")
                self.notes.append(
                    f"{cast[0].upper()}{cast[1:]}, decided an equality of votes "
                    f"({f} for, {a} against)."
                )
            else:
                reasons.append(
                    f"equal votes, and the chair ({self.who(chair.seat)}) did not vote for or "
                    "against, so there is no casting vote"
                )
        return carried, reasons
