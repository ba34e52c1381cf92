"""Composition rules as values and as data: one rule = "at least N (at most M) seats like this".

The national rules (statute and NHS England policy) are in ``composition.py``; local rules
(a body's own additions, e.g. "a councillor sits on the board") are read from data here with
``parse_local_rule(s)``, which name the faulty field, and written back with
``local_rule_to_data``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from integrated_care.errors import InvalidInput
from integrated_care.governance.model import Seat, SeatType


class Source(StrEnum):
    STATUTE = "statute"
    POLICY = "policy"  # NHS England policy
    LOCAL = "local"  # the body's own constitution or agreement


ATTENDEES = frozenset({SeatType.PARTICIPANT, SeatType.OBSERVER})
PARTNERS = frozenset(
    {
        SeatType.PARTNER_NHS_TRUST,
        SeatType.PARTNER_PRIMARY_MEDICAL,
        SeatType.PARTNER_LOCAL_AUTHORITY,
    }
)


@dataclass(frozen=True, slots=True)
class CompositionRule:
    """At least ``minimum`` (and at most ``maximum``) seats matching every filter given."""

    rule_id: str
    source: Source
    citation: str
    noun: str  # one matching seat, e.g. "non-executive member"
    minimum: int = 1
    maximum: int | None = None
    seat_types: frozenset[SeatType] = frozenset()  # any of these (empty: any type)
    classes_any: frozenset[str] = frozenset()  # holding any of these classes (empty: any)
    exclude_seat_types: frozenset[SeatType] = frozenset()
    organisation: str | None = None  # sitting for, or nominated by, this organisation code
    appointed_by: str | None = None  # nominated by this code (else the holder's organisation)
    voting_only: bool = False
    include_attendees: bool = False  # let participants and observers count
    plural: str = ""  # defaults to noun + "s"

    def __post_init__(self) -> None:
        if self.minimum < 0 or (self.maximum is not None and self.maximum < self.minimum):
            raise InvalidInput(
                f"Composition rule '{self.rule_id}': minimum {self.minimum} and maximum "
                f"{self.maximum} do not make a range.",
                input_name="min",
                expected="0 <= min <= max",
            )

    def matches(self, seat: Seat) -> bool:
        if seat.seat_type in ATTENDEES and not self.include_attendees:
            return False
        if self.voting_only and not seat.voting:
            return False
        if self.seat_types and seat.seat_type not in self.seat_types:
            return False
        if seat.seat_type in self.exclude_seat_types:
            return False
        if self.classes_any and self.classes_any.isdisjoint(seat.classes):
            return False
        if self.appointed_by is not None and self.appointed_by != (
            seat.nominated_by or seat.organisation_code
        ):
            return False
        return self.organisation is None or self.organisation in (
            seat.nominated_by,
            seat.organisation_code,
        )

    def requirement(self) -> str:
        """e.g. 'at least 2 non-executive members', 'exactly one chair'."""
        many = self.plural or f"{self.noun}s"
        if self.maximum == self.minimum == 1:
            return f"exactly one {self.noun}"
        if self.maximum is not None:
            return f"between {self.minimum} and {self.maximum} {many}"
        return (
            f"at least one {self.noun}" if self.minimum == 1 else f"at least {self.minimum} {many}"
        )


@dataclass(frozen=True, slots=True)
class Unmet:
    rule_id: str
    source: Source
    citation: str
    found: int
    message: str  # e.g. "ICB board needs at least 2 non-executive members; it has 1 on ..."


LOCAL_RULE_FIELDS = (
    "id",
    "noun",
    "plural",
    "citation",
    "min",
    "max",
    "seat_types",
    "classes_any",
    "exclude_seat_types",
    "organisation",
    "appointed_by",
    "voting_only",
    "include_participants_and_observers",
)


def parse_local_rule(data: Mapping[str, Any], path: str = "local_rule") -> CompositionRule:
    """A local rule from data, e.g. ``{"id": "councillor-on-board", "noun": "councillor",
    "classes_any": ["councillor"], "min": 1, "citation": "ICS agreement, April 2019"}``."""

    def fail(name: str, problem: str, expected: str) -> InvalidInput:
        at = f"{path}.{name}" if name else path
        return InvalidInput(
            f"Composition rule field '{at}': {problem}; expected {expected}.",
            input_name=at,
            expected=expected,
        )

    if not isinstance(data, Mapping):
        raise fail("", "is not an object", "an object with 'id', 'noun' and 'min'")
    for key in data:
        if key not in LOCAL_RULE_FIELDS:
            raise fail(str(key), "is not a known field", "one of: " + ", ".join(LOCAL_RULE_FIELDS))
    for key in ("id", "noun", "min"):
        if key not in data:
            raise fail(key, "is missing", "a value (it is required)")

    def text(key: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or (key in data and not value.strip()):
            raise fail(key, f"{value!r} is not a non-empty string", "a non-empty string")
        return value

    def number(key: str) -> int | None:
        value = data.get(key)
        if value is None and key == "max":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail(key, f"{value!r} is not a whole number", "an integer >= 0")
        return value

    def flag(key: str) -> bool:
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise fail(key, f"{value!r} is not true or false", "true or false")
        return value

    def strings(key: str) -> frozenset[str]:
        value = data.get(key, [])
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise fail(key, f"{value!r} is not a list", "a list of strings")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item:
                raise fail(f"{key}[{i}]", f"{item!r} is not a non-empty string", "a string")
        return frozenset(value)

    def types(key: str) -> frozenset[SeatType]:
        known = [str(t) for t in SeatType]
        items = strings(key)
        for item in sorted(items):
            if item not in known:
                raise fail(key, f"'{item}' is not a seat type", "one of: " + ", ".join(known))
        return frozenset(SeatType(item) for item in items)

    minimum, maximum = number("min"), number("max")
    assert minimum is not None
    if maximum is not None and maximum < minimum:
        raise fail("max", f"{maximum} is below min {minimum}", "max >= min")
    return CompositionRule(
        rule_id=text("id"),
        source=Source.LOCAL,
        citation=text("citation", "local rule"),
        noun=text("noun"),
        minimum=minimum,
        maximum=maximum,
        seat_types=types("seat_types"),
        classes_any=strings("classes_any"),
        exclude_seat_types=types("exclude_seat_types"),
        organisation=text("organisation") if "organisation" in data else None,
        appointed_by=text("appointed_by") if "appointed_by" in data else None,
        voting_only=flag("voting_only"),
        include_attendees=flag("include_participants_and_observers"),
        plural=text("plural") if "plural" in data else "",
    )


def parse_local_rules(data: Sequence[Mapping[str, Any]]) -> tuple[CompositionRule, ...]:
    """Several local rules (field paths ``local_rules[i]...``); rule ids must be unique."""
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise InvalidInput(
            "Composition field 'local_rules' is not a list; expected a list of rule objects.",
            input_name="local_rules",
            expected="a list of rule objects",
        )
    rules = tuple(parse_local_rule(item, f"local_rules[{i}]") for i, item in enumerate(data))
    ids = [r.rule_id for r in rules]
    for i, rule_id in enumerate(ids):
        if rule_id in ids[:i]:
            raise InvalidInput(
                f"Composition rule field 'local_rules[{i}].id': '{rule_id}' is used twice; "
                "expected unique rule ids.",
                input_name=f"local_rules[{i}].id",
                expected="unique rule ids",
            )
    return rules


def local_rule_to_data(rule: CompositionRule) -> dict[str, Any]:
    """The data shape of a rule; ``parse_local_rule`` of the result gives it back equal."""
    data: dict[str, Any] = {"id": rule.rule_id, "noun": rule.noun, "min": rule.minimum}
    optional: dict[str, Any] = {
        "plural": rule.plural,
        "citation": rule.citation if rule.citation != "local rule" else "",
        "max": rule.maximum,
        "seat_types": sorted(str(t) for t in rule.seat_types),
        "classes_any": sorted(rule.classes_any),
        "exclude_seat_types": sorted(str(t) for t in rule.exclude_seat_types),
        "organisation": rule.organisation,
        "appointed_by": rule.appointed_by,
        "voting_only": rule.voting_only,
        "include_participants_and_observers": rule.include_attendees,
    }
    data.update(
        {key: value for key, value in optional.items() if value not in ("", None, [], False)}
    )
    return data
