"""The convergence policy file: how each stream's allocation is worked out from its inputs.

A policy is a JSON document (format ``ics-allocation-policy/1``, every field described in
docs/finance.md). Rates are written as decimal strings ("0.0437") or exact fractions
("1/15"); JSON numbers are read as exact decimals too, never as binary floats. Unknown keys
are refused so that a misspelt rule cannot be silently ignored.

Packaged policies (NHS England's rules for 2023/24, 2024/25 and 2025/26, recovered from the
published workbooks) live in ``integrated_care/finance/policies/<name>.json``; ``load_policy``
takes either such a name (``2025-26``) or a path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from integrated_care.errors import InvalidInput
from integrated_care.finance.allocation.workbook import STREAMS

FORMAT = "ics-allocation-policy/1"
Method = Literal["multiplicative", "additive", "none"]
GapAgainst = Literal["file_target", "new_target"]
_METHODS = ("multiplicative", "additive", "none")
_GAPS = ("file_target", "new_target")
_NAME = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Side:
    """The rule for ICBs on one side of their target (below: they gain; above: they lose)."""

    share_closed: Fraction  # share of the gap closed this year, 0..1
    limit: Fraction | None = None  # the largest convergence, as a magnitude (cap or floor)
    minimum: Fraction | None = None  # the smallest, never taking an ICB past its target
    to_target_within: Fraction | None = None  # gaps up to this are closed in full


@dataclass(frozen=True, slots=True)
class NewTarget:
    """The new year's target: England's target grown, shared out by need weights."""

    weights: Mapping[str, Fraction]  # ICB ODS code -> weighted population (any scale)
    source: str
    england_growth: Fraction | None = None  # None: the stream's uniform base growth
    england_target_k: Fraction | None = None  # None: the sum of the file's targets
    estimated: bool = False  # weights are an estimate, not NHS England's exact shares


@dataclass(frozen=True, slots=True)
class Override:
    convergence: Fraction
    reason: str


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    stream: str
    method: Method
    base_growth: Fraction | None = None  # None: each ICB's base_growth from the file
    gap_against: GapAgainst = "file_target"
    new_target: NewTarget | None = None
    below_target: Side | None = None
    above_target: Side | None = None
    convergence_by_region: Mapping[str, Fraction] | None = None
    round_to_k_places: int | None = None  # ROUND_HALF_UP to this many places of £k
    overrides: Mapping[str, Override] = field(default_factory=dict)
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    year: str
    title: str
    source: str
    streams: Mapping[str, StreamPolicy]


class _Reader:
    """Walks the JSON, naming the path of any bad key ('streams.core.below_target.limit')."""

    def __init__(self, origin: str) -> None:
        self.origin = origin

    def fail(self, path: str, problem: str, expected: str) -> InvalidInput:
        return InvalidInput(
            f"{self.origin}: {path}: {problem}", input_name=self.origin, expected=expected
        )

    def obj(
        self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "is not an object.", "a JSON object {...}")
        unknown = sorted(set(value) - set(allowed))
        if unknown:
            raise self.fail(f"{path}.{unknown[0]}", "is not a known field.", ", ".join(allowed))
        for key in required:
            if key not in value:
                raise self.fail(f"{path}.{key}", "is missing.", "see docs/finance.md")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, "is not text.", "a string")
        return value

    def rate(
        self, value: Any, path: str, *, low: Fraction | None = None, high: Fraction | None = None
    ) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.fail(
                path,
                f"{value!r} is not a number.",
                "a decimal or fraction, e.g. '0.0437' or '1/15'",
            )
        try:
            if isinstance(value, str) and "/" in value:
                top, bottom = value.split("/", 1)
                number = Fraction(int(top.strip()), int(bottom.strip()))
            else:
                number = Fraction(Decimal(value.strip() if isinstance(value, str) else value))
        except (ValueError, ZeroDivisionError, InvalidOperation):
            raise self.fail(
                path,
                f"'{value}' is not a number.",
                "a decimal or fraction, e.g. '0.0437' or '1/15'",
            ) from None
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = f"between {low} and {high}" if high is not None else f"{low} or more"
            raise self.fail(path, f"{value} is out of range.", bounds)
        return number


def _side(r: _Reader, value: Any, path: str) -> Side:
    data = r.obj(
        value, path, ("share_closed", "limit", "minimum", "to_target_within"), ("share_closed",)
    )
    zero, one = Fraction(0), Fraction(1)
    optional = {
        key: r.rate(data[key], f"{path}.{key}", low=zero, high=one) if key in data else None
        for key in ("limit", "minimum", "to_target_within")
    }
    return Side(
        share_closed=r.rate(data["share_closed"], f"{path}.share_closed", low=zero, high=one),
        limit=optional["limit"],
        minimum=optional["minimum"],
        to_target_within=optional["to_target_within"],
    )


def _codes(r: _Reader, value: Any, path: str) -> dict[str, Any]:
    data = r.obj(value, path, tuple(value) if isinstance(value, dict) else ())
    for code in data:
        if not re.match(r"^[A-Z0-9]{3}$", code):
            raise r.fail(f"{path}.{code}", "is not an ODS code.", "e.g. QT1 or Y60")
    return data


def _new_target(r: _Reader, value: Any, path: str) -> NewTarget:
    keys = ("weights", "source", "england_growth", "england_target_k", "estimated")
    data = r.obj(value, path, keys, ("weights", "source"))
    weights = {
        code: r.rate(w, f"{path}.weights.{code}", low=Fraction(0))
        for code, w in _codes(r, data["weights"], f"{path}.weights").items()
    }
    if not weights or sum(weights.values()) == 0:
        raise r.fail(
            f"{path}.weights", "has no weight above zero.", "ICB code -> weighted population"
        )
    estimated = data.get("estimated", False)
    if not isinstance(estimated, bool):
        raise r.fail(f"{path}.estimated", "is not true or false.", "true or false")
    return NewTarget(
        weights=weights,
        source=r.text(data["source"], f"{path}.source"),
        england_growth=r.rate(data["england_growth"], f"{path}.england_growth", low=Fraction(-1))
        if "england_growth" in data
        else None,
        england_target_k=r.rate(
            data["england_target_k"], f"{path}.england_target_k", low=Fraction(0)
        )
        if "england_target_k" in data
        else None,
        estimated=estimated,
    )


def _stream(r: _Reader, stream: str, value: Any) -> StreamPolicy:
    path = f"streams.{stream}"
    keys = (
        "method",
        "base_growth",
        "gap_against",
        "new_target",
        "below_target",
        "above_target",
        "convergence_by_region",
        "round_to_k_places",
        "overrides",
        "notes",
    )
    data = r.obj(value, path, keys, ("method",))
    method = data["method"]
    if method not in _METHODS:
        raise r.fail(f"{path}.method", f"'{method}' is not a method.", " or ".join(_METHODS))
    growth_text = data.get("base_growth", "file")
    growth = (
        None
        if growth_text == "file"
        else r.rate(growth_text, f"{path}.base_growth", low=Fraction(-1))
    )
    gap = data.get("gap_against", "file_target")
    if gap not in _GAPS:
        raise r.fail(f"{path}.gap_against", f"'{gap}' is not known.", " or ".join(_GAPS))
    new_target = (
        _new_target(r, data["new_target"], f"{path}.new_target") if "new_target" in data else None
    )
    if gap == "new_target" and new_target is None:
        raise r.fail(f"{path}.new_target", "is missing.", "the new year's target weights")
    if gap == "new_target" and new_target and new_target.england_growth is None and growth is None:
        raise r.fail(
            f"{path}.new_target.england_growth",
            "is missing.",
            "a rate, as base growth comes from the file",
        )
    sides = {
        key: _side(r, data[key], f"{path}.{key}") if key in data else None
        for key in ("below_target", "above_target")
    }
    by_region = None
    if "convergence_by_region" in data:
        by_region = {
            code: r.rate(
                rate, f"{path}.convergence_by_region.{code}", low=Fraction(-1), high=Fraction(1)
            )
            for code, rate in _codes(
                r, data["convergence_by_region"], f"{path}.convergence_by_region"
            ).items()
        }
    if method == "multiplicative" and None in sides.values():
        absent = "below_target" if sides["below_target"] is None else "above_target"
        raise r.fail(f"{path}.{absent}", "is missing.", "a rule for ICBs on each side of target")
    if method == "additive" and by_region is None and None in sides.values():
        raise r.fail(
            f"{path}.convergence_by_region",
            "is missing.",
            "rates by NHS England region, or rules for each side of target",
        )
    places = data.get("round_to_k_places")
    if places is not None and (
        not isinstance(places, int) or isinstance(places, bool) or not 0 <= places <= 6
    ):
        raise r.fail(
            f"{path}.round_to_k_places",
            f"{places!r} is not allowed.",
            "null, or a whole number 0 to 6",
        )
    overrides = {}
    for code, item in _codes(r, data.get("overrides", {}), f"{path}.overrides").items():
        spec = r.obj(
            item, f"{path}.overrides.{code}", ("convergence", "reason"), ("convergence", "reason")
        )
        reason = r.text(spec["reason"], f"{path}.overrides.{code}.reason").strip()
        if not reason:
            raise r.fail(
                f"{path}.overrides.{code}.reason", "is empty.", "why no rule reproduces this ICB"
            )
        overrides[code] = Override(
            r.rate(
                spec["convergence"],
                f"{path}.overrides.{code}.convergence",
                low=Fraction(-1),
                high=Fraction(1),
            ),
            reason,
        )
    return StreamPolicy(
        stream=stream,
        method=method,
        base_growth=growth,
        gap_against=gap,
        new_target=new_target,
        below_target=sides["below_target"],
        above_target=sides["above_target"],
        convergence_by_region=by_region,
        round_to_k_places=places,
        overrides=overrides,
        notes=r.text(data.get("notes", ""), f"{path}.notes"),
    )


def parse_policy(text: str, origin: str) -> Policy:
    """Check and read a policy document; ``origin`` names it in every error."""
    r = _Reader(origin)
    try:
        document = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"{origin}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).",
            input_name=origin,
            expected="a policy in JSON, see docs/finance.md",
        ) from None
    data = r.obj(
        document,
        "policy",
        ("format", "year", "title", "source", "streams"),
        ("format", "year", "streams"),
    )
    if data["format"] != FORMAT:
        raise r.fail("format", f"'{data['format']}' is not supported.", FORMAT)
    year = r.text(data["year"], "year")
    if not re.match(r"^\d{4}/\d{2}$", year):
        raise r.fail("year", f"'{year}' is not a financial year.", "e.g. 2025/26")
    streams = r.obj(data["streams"], "streams", STREAMS)
    if not streams:
        raise r.fail("streams", "is empty.", "one or more of " + ", ".join(STREAMS))
    return Policy(
        name=origin,
        year=year,
        title=r.text(data.get("title", ""), "title"),
        source=r.text(data.get("source", ""), "source"),
        streams={s: _stream(r, s, streams[s]) for s in STREAMS if s in streams},
    )


def packaged_policies() -> list[str]:
    folder = files("integrated_care.finance").joinpath("policies")
    return sorted(
        e.name.removesuffix(".json") for e in folder.iterdir() if e.name.endswith(".json")
    )


def load_policy(name_or_path: str) -> Policy:
    """A packaged policy by name ('2025-26', or the year '2025/26') or a policy file by path."""
    wanted = name_or_path.strip()
    as_name = wanted.replace("/", "-")
    if _NAME.match(as_name):
        resource = files("integrated_care.finance").joinpath("policies", f"{as_name}.json")
        if resource.is_file():
            return parse_policy(resource.read_text(encoding="utf-8"), as_name)
    path = Path(wanted)
    if not path.is_file():
        raise InvalidInput(
            f"No policy file or packaged policy '{wanted}'.",
            input_name="policy",
            expected="a policy JSON file, or one of: " + ", ".join(packaged_policies()),
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"{path}: cannot be read ({error.__class__.__name__}).",
            input_name="policy",
            expected="a UTF-8 JSON file",
        ) from None
    return parse_policy(text, path.name)
