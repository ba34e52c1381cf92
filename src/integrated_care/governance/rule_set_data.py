"""Reading and writing rule sets as plain data (the JSON shape documented in ``rules.py``).

Every malformed input raises ``InvalidInput`` with one message that names the field path
(``selectors[1].rule.threshold``) and what was expected. Unknown fields are refused too, so
a misspelt ``treshold`` is an error rather than a silently ignored setting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from fractions import Fraction
from functools import partial
from typing import Any, NoReturn, TypeVar

from integrated_care.errors import InvalidInput, suggest
from integrated_care.governance.model import DecisionType, SeatType
from integrated_care.governance.rule_set import (
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

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

RULE_SET_FIELDS = (
    "name",
    "version",
    "quorum",
    "recused_count_for_quorum",
    "casting_vote",
    "default_rule",
    "selectors",
)
QUORUM_FIELDS = ("min_present", "at_least_fraction", "more_than_fraction", "composition")
CLASS_QUORUM_FIELDS = ("class", "seat_type", "min", "label")
SELECTOR_FIELDS = ("when", "rule")
WHEN_FIELDS = ("decision_types", "flags_any")
COMMON_RULE_FIELDS = ("id", "kind", "name", "purpose")
# Which fields each kind takes beyond the common ones.
KIND_FIELDS: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.MAJORITY: ("base", "weighted"),
    RuleKind.QUALIFIED: ("base", "threshold", "weighted"),
    RuleKind.UNANIMITY: ("mode", "base"),
    RuleKind.CONSENSUS: (),
    RuleKind.VETO: ("class", "base_rule"),
}
ALL_RULE_FIELDS = tuple(
    dict.fromkeys(COMMON_RULE_FIELDS + tuple(f for fs in KIND_FIELDS.values() for f in fs))
)


def _fail(path: str, problem: str, expected: str) -> NoReturn:
    raise InvalidInput(
        f"Rule set field '{path}': {problem}; expected {expected}.",
        input_name=path,
        expected=expected,
    )


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path and name else path or name


def _built(path: str, make: Callable[[], T]) -> T:
    """Construct a value, turning its own checks into an InvalidInput at ``path``."""
    try:
        return make()
    except RuleSetError as error:
        _fail(_at(path, error.field), error.problem, error.expected)


def _mapping(value: object, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _fail(path or "(top level)", f"is {type(value).__name__}, not an object", what)
    return value


def _check_fields(
    data: Mapping[str, Any], path: str, allowed: Sequence[str], required: Sequence[str] = ()
) -> None:
    for key in data:
        if key not in allowed:
            hints = suggest(str(key), allowed)
            hint = f" (did you mean '{hints[0]}'?)" if hints else ""
            _fail(
                _at(path, str(key)), f"is not a known field{hint}", "one of: " + ", ".join(allowed)
            )
    for key in required:
        if key not in data:
            _fail(_at(path, key), "is missing", "a value (it is required)")


def _str(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(path, f"{value!r} is not a non-empty string", "a non-empty string")
    return value


def _int(value: object, path: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        _fail(
            path,
            f"{value!r} is not a whole number of at least {minimum}",
            f"an integer >= {minimum}",
        )
    return value


def _bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        _fail(path, f"{value!r} is not true or false", "true or false")
    return value


def _fraction(value: object, path: str) -> Fraction:
    expected = 'a fraction written as a string, such as "2/3" or "3/4"'
    if isinstance(value, float):
        # Floats cannot say 2/3 exactly; thresholds must compare exactly.
        _fail(path, f"{value!r} is a decimal number", expected)
    if isinstance(value, bool) or not isinstance(value, str | int):
        _fail(path, f"{value!r} is not a fraction", expected)
    try:
        fraction = Fraction(value)
    except (ValueError, ZeroDivisionError):
        _fail(path, f"{value!r} is not a fraction", expected)
    if not 0 < fraction <= 1:
        _fail(path, f"{value!r} is outside (0, 1]", "a fraction greater than 0 and at most 1")
    return fraction


def _choice(value: object, path: str, options: type[E], what: str) -> E:
    values = [str(o) for o in options]
    if not isinstance(value, str) or value not in values:
        hints = suggest(str(value), values)
        hint = f" (did you mean '{hints[0]}'?)" if hints else ""
        _fail(path, f"{value!r} is not a known {what}{hint}", "one of: " + ", ".join(values))
    return options(value)


def _list(value: object, path: str) -> Sequence[Any]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        _fail(path, f"{value!r} is not a list", "a list")
    return value


def _parse_rule(value: object, path: str) -> Rule:
    data = _mapping(value, path, "a rule object with 'id' and 'kind'")
    _check_fields(data, path, ALL_RULE_FIELDS, ("id", "kind"))
    kind = _choice(data["kind"], _at(path, "kind"), RuleKind, "rule kind")
    for key in data:
        if key not in COMMON_RULE_FIELDS and key not in KIND_FIELDS[kind]:
            allowed = ", ".join(COMMON_RULE_FIELDS + KIND_FIELDS[kind])
            _fail(_at(path, key), f"does not apply to a {kind} rule", f"only: {allowed}")
    mode = None
    if "mode" in data:
        mode = _choice(data["mode"], _at(path, "mode"), Unanimity, "unanimity mode")
    # Strong unanimity defaults to the whole eligible membership; everything else to votes cast.
    default_base = Base.ELIGIBLE if mode is Unanimity.STRONG else Base.CAST
    base = default_base
    if "base" in data:
        base = _choice(data["base"], _at(path, "base"), Base, "base")
    threshold = (
        _fraction(data["threshold"], _at(path, "threshold")) if "threshold" in data else None
    )
    base_rule = None
    if "base_rule" in data:
        base_rule = _parse_rule(data["base_rule"], _at(path, "base_rule"))
    return _built(
        path,
        lambda: Rule(
            rule_id=_str(data["id"], _at(path, "id")),
            kind=kind,
            base=base,
            threshold=threshold,
            unanimity=mode,
            veto_class=_str(data["class"], _at(path, "class")) if "class" in data else None,
            base_rule=base_rule,
            weighted=_bool(data["weighted"], _at(path, "weighted"))
            if "weighted" in data
            else False,
            name=_str(data["name"], _at(path, "name")) if "name" in data else "",
            purpose=_str(data["purpose"], _at(path, "purpose")) if "purpose" in data else "",
        ),
    )


def _parse_when(value: object, path: str) -> When:
    data = _mapping(value, path, "an object with decision_types and/or flags_any")
    _check_fields(data, path, WHEN_FIELDS)
    types: set[DecisionType] = set()
    for i, item in enumerate(_list(data.get("decision_types", []), _at(path, "decision_types"))):
        types.add(_choice(item, f"{path}.decision_types[{i}]", DecisionType, "decision type"))
    flags: set[str] = set()
    for i, item in enumerate(_list(data.get("flags_any", []), _at(path, "flags_any"))):
        flags.add(_str(item, f"{path}.flags_any[{i}]"))
    return _built(path, lambda: When(frozenset(types), frozenset(flags)))


def _parse_quorum(value: object, path: str) -> Quorum:
    data = _mapping(value, path, "a quorum object (may be empty: no quorum)")
    _check_fields(data, path, QUORUM_FIELDS)
    if "at_least_fraction" in data and "more_than_fraction" in data:
        _fail(
            _at(path, "more_than_fraction"),
            "is given together with at_least_fraction",
            "at most one of at_least_fraction, more_than_fraction",
        )
    more_than = "more_than_fraction" in data
    fraction = None
    for key in ("at_least_fraction", "more_than_fraction"):
        if key in data:
            fraction = _fraction(data[key], _at(path, key))
    composition: list[ClassQuorum] = []
    comp_path = _at(path, "composition")
    for i, item in enumerate(_list(data.get("composition", []), comp_path)):
        at = f"{comp_path}[{i}]"
        part = _mapping(item, at, "an object with 'class' (or 'seat_type') and 'min'")
        _check_fields(part, at, CLASS_QUORUM_FIELDS, ("min",))
        seat_type = None
        if "seat_type" in part:
            seat_type = _choice(part["seat_type"], _at(at, "seat_type"), SeatType, "seat type")
        member_class = _str(part["class"], _at(at, "class")) if "class" in part else None
        label = _str(part["label"], _at(at, "label")) if "label" in part else ""
        minimum = _int(part["min"], _at(at, "min"), 1)
        composition.append(
            _built(at, partial(ClassQuorum, minimum, member_class, seat_type, label))
        )
    min_present = _int(data.get("min_present", 0), _at(path, "min_present"), 0)
    return _built(path, lambda: Quorum(min_present, fraction, more_than, tuple(composition)))


def parse_rule_set(data: Mapping[str, Any]) -> RuleSet:
    """A ``RuleSet`` from its data shape (see ``rules.py``); ``InvalidInput`` if malformed."""
    root = _mapping(data, "", "a rule set object")
    _check_fields(root, "", RULE_SET_FIELDS, ("name", "version", "quorum", "default_rule"))
    name = _str(root["name"], "name")
    version = _int(root["version"], "version", 1)
    quorum = _parse_quorum(root["quorum"], "quorum")
    default_rule = _parse_rule(root["default_rule"], "default_rule")
    selectors: list[Selector] = []
    for i, item in enumerate(_list(root.get("selectors", []), "selectors")):
        at = f"selectors[{i}]"
        part = _mapping(item, at, "an object with 'when' and 'rule'")
        _check_fields(part, at, SELECTOR_FIELDS, SELECTOR_FIELDS)
        when = _parse_when(part["when"], _at(at, "when"))
        rule = _parse_rule(part["rule"], _at(at, "rule"))
        selectors.append(_built(at, partial(Selector, when, rule)))
    casting = _bool(root.get("casting_vote", False), "casting_vote")
    recused = _bool(root.get("recused_count_for_quorum", False), "recused_count_for_quorum")
    return _built(
        "", lambda: RuleSet(name, version, quorum, tuple(selectors), default_rule, casting, recused)
    )


def _rule_to_data(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"id": rule.rule_id, "kind": str(rule.kind)}
    if rule.name:
        data["name"] = rule.name
    if rule.purpose:
        data["purpose"] = rule.purpose
    if rule.unanimity is not None:
        data["mode"] = str(rule.unanimity)
    if rule.kind in (RuleKind.MAJORITY, RuleKind.QUALIFIED) or rule.unanimity is Unanimity.STRONG:
        data["base"] = str(rule.base)
    if rule.threshold is not None:
        data["threshold"] = str(rule.threshold)
    if rule.weighted:
        data["weighted"] = True
    if rule.veto_class is not None:
        data["class"] = rule.veto_class
    if rule.base_rule is not None:
        data["base_rule"] = _rule_to_data(rule.base_rule)
    return data


def rule_set_to_data(rule_set: RuleSet) -> dict[str, Any]:
    """The data shape of a rule set; ``parse_rule_set`` of the result gives it back equal."""
    quorum: dict[str, Any] = {}
    q = rule_set.quorum
    if q.min_present:
        quorum["min_present"] = q.min_present
    if q.fraction is not None:
        quorum["more_than_fraction" if q.more_than else "at_least_fraction"] = str(q.fraction)
    if q.composition:
        quorum["composition"] = [
            {
                **({"class": c.member_class} if c.member_class is not None else {}),
                **({"seat_type": str(c.seat_type)} if c.seat_type is not None else {}),
                "min": c.minimum,
                **({"label": c.label} if c.label else {}),
            }
            for c in q.composition
        ]
    order = list(DecisionType)
    return {
        "name": rule_set.name,
        "version": rule_set.version,
        "quorum": quorum,
        "recused_count_for_quorum": rule_set.recused_count_for_quorum,
        "casting_vote": rule_set.casting_vote,
        "default_rule": _rule_to_data(rule_set.default_rule),
        "selectors": [
            {
                "when": {
                    **(
                        {
                            "decision_types": [
                                str(t) for t in sorted(s.when.decision_types, key=order.index)
                            ]
                        }
                        if s.when.decision_types
                        else {}
                    ),
                    **({"flags_any": sorted(s.when.flags_any)} if s.when.flags_any else {}),
                },
                "rule": _rule_to_data(s.rule),
            }
            for s in rule_set.selectors
        ],
    }
