"""Decision rules and rule sets as frozen values (the types; evaluation is in ``rules.py``).

A value that breaks a rule of its own kind (a qualified majority without a threshold, a
veto without a class, a unanimity rule selected for contract awards, ...) raises
``RuleSetError`` naming the offending field relative to the value, so ``parse_rule_set`` can
turn it into an ``InvalidInput`` with the full field path and code that builds these values
directly gets the same checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from integrated_care.governance.model import Classification, DecisionType, SeatType


class RuleSetError(ValueError):
    """A rule-set value breaks a rule; ``field`` is the path relative to the value."""

    def __init__(self, field: str, problem: str, expected: str) -> None:
        super().__init__(f"{field}: {problem}; expected {expected}")
        self.field = field
        self.problem = problem
        self.expected = expected


class Base(StrEnum):
    """What a majority is counted out of."""

    CAST = "cast"  # votes for + votes against ("present and voting"); abstentions excluded
    PRESENT = "present"  # voting members present and entitled to vote on the item
    ELIGIBLE = "eligible"  # every voting seat held on the day and entitled to vote on the item


class RuleKind(StrEnum):
    MAJORITY = "majority"  # carried iff for > half the base
    QUALIFIED = "qualified"  # carried iff for >= threshold x base
    UNANIMITY = "unanimity"  # weak (no vote against) or strong (every member of a base for)
    CONSENSUS = "consensus"  # consensus with objection: carried unless a member votes against
    VETO = "veto"  # a base rule, and no member of a class voted against


class Unanimity(StrEnum):
    WEAK = "weak"  # nobody voting votes against, and at least one votes for
    STRONG = "strong"  # every member of the base (present or eligible) votes for


# Rules that let one member (or one class of member) stop a decision. The Provider Selection
# Regime 2023 forbids preventing any organisation from competing, so these never decide a
# contract award (see ``RuleSet.select``).
BLOCKING_KINDS = frozenset({RuleKind.UNANIMITY, RuleKind.CONSENSUS, RuleKind.VETO})

PSR_REASON = (
    "it is a veto/unanimity rule and a contract award follows the Provider Selection Regime "
    "2023, under which no organisation may be prevented from competing"
)


@dataclass(frozen=True, slots=True)
class Rule:
    rule_id: str
    kind: RuleKind
    base: Base = Base.CAST
    threshold: Fraction | None = None  # qualified majorities only, in (0, 1]
    unanimity: Unanimity | None = None  # unanimity rules only
    veto_class: str | None = None  # veto rules only: the member class holding the veto
    base_rule: Rule | None = None  # veto rules only: the majority that must also be met
    weighted: bool = False  # majority and qualified rules: tally Seat.weight, not heads
    name: str = ""  # how people refer to the rule, e.g. "unanimity for outsourcing"
    purpose: str = ""  # e.g. "for proposals that may result in privatisation or outsourcing"

    def __post_init__(self) -> None:
        if not self.rule_id.strip():
            raise RuleSetError("id", "is empty", "a non-empty rule id")
        kind = self.kind
        if kind is not RuleKind.QUALIFIED and self.threshold is not None:
            raise RuleSetError("threshold", f"does not apply to a {kind} rule", "no threshold")
        if kind is not RuleKind.UNANIMITY and self.unanimity is not None:
            raise RuleSetError("mode", f"does not apply to a {kind} rule", "no mode")
        if kind is not RuleKind.VETO and (self.veto_class or self.base_rule):
            field_name = "class" if self.veto_class else "base_rule"
            raise RuleSetError(field_name, f"does not apply to a {kind} rule", f"no {field_name}")
        if kind not in (RuleKind.MAJORITY, RuleKind.QUALIFIED) and self.weighted:
            # One vote against decides unanimity, consensus and a veto whatever its weight.
            raise RuleSetError(
                "weighted", f"does not apply to a {kind} rule", "weights on majority rules only"
            )
        if kind is RuleKind.QUALIFIED:
            if self.threshold is None:
                raise RuleSetError("threshold", "is missing", 'a fraction such as "2/3"')
            if not 0 < self.threshold <= 1:
                raise RuleSetError(
                    "threshold",
                    f"{self.threshold} is outside (0, 1]",
                    'a fraction greater than 0 and at most 1, such as "2/3"',
                )
        elif kind is RuleKind.UNANIMITY:
            if self.unanimity is None:
                raise RuleSetError("mode", "is missing", '"weak" or "strong"')
            if self.unanimity is Unanimity.WEAK and self.base is not Base.CAST:
                raise RuleSetError(
                    "base",
                    "weak unanimity is always counted among the votes cast",
                    'no base (or "cast") for weak unanimity',
                )
            if self.unanimity is Unanimity.STRONG and self.base is Base.CAST:
                raise RuleSetError(
                    "base",
                    '"cast" would make strong unanimity the same as weak',
                    '"present" or "eligible" for strong unanimity',
                )
        elif kind in (RuleKind.CONSENSUS, RuleKind.VETO) and self.base is not Base.CAST:
            raise RuleSetError("base", f"does not apply to a {kind} rule", "no base")
        if kind is RuleKind.VETO:
            if not self.veto_class:
                raise RuleSetError(
                    "class", "is missing", 'a member class such as "local_authority"'
                )
            if self.base_rule is None:
                raise RuleSetError("base_rule", "is missing", "a majority or qualified rule")
            if self.base_rule.kind not in (RuleKind.MAJORITY, RuleKind.QUALIFIED):
                raise RuleSetError(
                    "base_rule.kind",
                    f"'{self.base_rule.kind}' cannot be the base of a veto",
                    '"majority" or "qualified"',
                )

    @property
    def label(self) -> str:
        return self.name or self.rule_id

    @property
    def blocking(self) -> bool:
        return self.kind in BLOCKING_KINDS


@dataclass(frozen=True, slots=True)
class When:
    """A selector's condition: every part given must match (types: any of; flags: any of)."""

    decision_types: frozenset[DecisionType] = frozenset()
    flags_any: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.decision_types and not self.flags_any:
            # Field "" = the condition itself.
            raise RuleSetError(
                "", "matches nothing in particular", "decision_types and/or flags_any"
            )

    def matches(self, classification: Classification) -> bool:
        if self.decision_types and classification.decision_type not in self.decision_types:
            return False
        return not self.flags_any or not self.flags_any.isdisjoint(classification.flags)


@dataclass(frozen=True, slots=True)
class Selector:
    when: When
    rule: Rule

    def __post_init__(self) -> None:
        # PSR guard, first place: a selector that names contract awards cannot carry a
        # blocking rule at all. (Flag-only selectors are guarded at evaluation.)
        if DecisionType.CONTRACT_AWARD in self.when.decision_types and self.rule.blocking:
            raise RuleSetError(
                "rule.kind",
                f"a {self.rule.kind} rule cannot be selected for decision type "
                f"'{DecisionType.CONTRACT_AWARD}': {PSR_REASON}",
                "a majority or qualified rule, or a selector without 'contract award'",
            )


@dataclass(frozen=True, slots=True)
class ClassQuorum:
    """At least ``minimum`` present members of a class (or of a seat type)."""

    minimum: int
    member_class: str | None = None
    seat_type: SeatType | None = None
    label: str = ""  # e.g. "councillor"; defaults to a readable form of the class

    def __post_init__(self) -> None:
        if (self.member_class is None) == (self.seat_type is None):
            raise RuleSetError("class", "names neither or both", "exactly one of class, seat_type")
        if self.minimum < 1:
            raise RuleSetError("min", f"{self.minimum} is below 1", "a whole number of at least 1")

    @property
    def describe(self) -> str:
        if self.label:
            return self.label
        if self.seat_type is not None:
            return str(self.seat_type)
        assert self.member_class is not None
        return CLASS_LABELS.get(self.member_class, self.member_class.replace("_", " "))


CLASS_LABELS = {
    "nhs": "NHS member",
    "local_authority": "local authority member",
    "director_of_public_health": "Director of Public Health",
    "director_of_adult_social_services": "Director of Adult Social Services",
    "director_of_childrens_services": "Director of Children's Services",
    "healthwatch": "Local Healthwatch representative",
}


@dataclass(frozen=True, slots=True)
class Quorum:
    """Counted by head among present voting members; every part given must be met."""

    min_present: int = 0
    fraction: Fraction | None = None  # of the voting seats held on the day
    more_than: bool = False  # "more than" the fraction (a majority) rather than "at least"
    composition: tuple[ClassQuorum, ...] = ()

    def __post_init__(self) -> None:
        if self.min_present < 0:
            raise RuleSetError("min_present", "is negative", "a whole number of at least 0")
        if self.fraction is not None and not 0 < self.fraction <= 1:
            name = "more_than_fraction" if self.more_than else "at_least_fraction"
            raise RuleSetError(
                name, f"{self.fraction} is outside (0, 1]", 'a fraction such as "1/2"'
            )
        if self.more_than and self.fraction == 1:
            raise RuleSetError(
                "more_than_fraction", "more than all members can never be present", "below 1"
            )

    def needed(self, eligible: int) -> int:
        """How many present members the count and fraction parts need (0 = no minimum)."""
        needed = self.min_present
        if self.fraction is not None:
            scaled = self.fraction * eligible
            # "more than 1/2 of 12" = 7; "at least 1/2 of 12" = 6; "at least 2/3 of 10" = 7.
            if self.more_than:
                by_fraction = scaled.numerator // scaled.denominator + 1
            else:
                by_fraction = -(-scaled.numerator // scaled.denominator)  # ceiling
            needed = max(needed, by_fraction)
        return needed


@dataclass(frozen=True, slots=True)
class RuleSet:
    name: str
    version: int
    quorum: Quorum
    selectors: tuple[Selector, ...]
    default_rule: Rule
    casting_vote: bool = False
    recused_count_for_quorum: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise RuleSetError("name", "is empty", "a non-empty name")
        if isinstance(self.version, bool) or self.version < 1:
            raise RuleSetError("version", f"{self.version!r} is not valid", "an integer >= 1")
        seen: dict[str, str] = {}
        for path, rule in self.rules_with_paths():
            if rule.rule_id in seen:
                raise RuleSetError(
                    f"{path}.id",
                    f"'{rule.rule_id}' is already used by {seen[rule.rule_id]}",
                    "rule ids unique within the rule set",
                )
            seen[rule.rule_id] = path

    def rules_with_paths(self) -> Iterator[tuple[str, Rule]]:
        yield "default_rule", self.default_rule
        if self.default_rule.base_rule is not None:
            yield "default_rule.base_rule", self.default_rule.base_rule
        for i, selector in enumerate(self.selectors):
            yield f"selectors[{i}].rule", selector.rule
            if selector.rule.base_rule is not None:
                yield f"selectors[{i}].rule.base_rule", selector.rule.base_rule

    def select(self, classification: Classification) -> tuple[Rule, tuple[str, ...]]:
        """The rule for a proposal and any notes (the PSR guard refusing a rule).

        First matching selector wins, else the default rule. A blocking rule that would
        match a contract award is skipped (PSR guard, second place) and selection goes on;
        if the default rule is itself blocking, an ordinary majority of votes cast applies.
        """
        award = classification.decision_type is DecisionType.CONTRACT_AWARD
        refused: list[Rule] = []
        chosen: Rule | None = None
        for selector in self.selectors:
            if selector.when.matches(classification):
                if award and selector.rule.blocking:
                    refused.append(selector.rule)
                    continue
                chosen = selector.rule
                break
        if chosen is None:
            chosen = self.default_rule
            if award and chosen.blocking:
                refused.append(chosen)
                chosen = ORDINARY_MAJORITY
        notes = tuple(
            f"The rule '{rule.label}' was not applied: it is a veto/unanimity rule and this is "
            "a contract award under the Provider Selection Regime 2023; "
            + (
                "ordinary majority applies."
                if chosen.kind is RuleKind.MAJORITY and chosen.base is Base.CAST
                else f"the rule '{chosen.label}' applies."
            )
            for rule in refused
        )
        return chosen, notes


# What a contract award falls back to when the rule set's default is itself blocking.
ORDINARY_MAJORITY = Rule(
    "psr-ordinary-majority",
    RuleKind.MAJORITY,
    name="ordinary majority (Provider Selection Regime 2023)",
)


__all__ = [
    "BLOCKING_KINDS",
    "CLASS_LABELS",
    "ORDINARY_MAJORITY",
    "Base",
    "ClassQuorum",
    "Quorum",
    "Rule",
    "RuleKind",
    "RuleSet",
    "RuleSetError",
    "Selector",
    "Unanimity",
    "When",
]
