"""The scheme of delegation: which service lines of which streams the ICB delegates to which
place, by which need component the budget is split, the limits, and who approves.

An entry says, for one place and one service line of one stream, from a date (and until a
date, if it ends):

- ``component``: the weighted-population component that splits the line between places;
- ``max_budget``: the most the place may hold for the line in one financial year (pence);
- ``max_commitment``: the largest single commitment or payment the place's committee may
  approve without referring it to the ICB (pence);
- ``approver``: who approves at place: a governance body's code, or 'role:<role>'.

A delegation or commitment above a limit is refused, naming the limit; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.chart import SINGLE_POT, Stream
from integrated_care.finance.delegation import check_component
from integrated_care.finance.money import format_gbp
from integrated_care.finance.single_pot import check_line_code


@dataclass(frozen=True, slots=True)
class SchemeEntry:
    place: str
    stream: Stream
    line: str
    component: str
    approver: str
    valid_from: date
    valid_to: date | None = None  # the first day it no longer applies
    max_budget: int | None = None
    max_commitment: int | None = None
    id: int | None = None  # set once stored

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def overlaps(self, other: SchemeEntry) -> bool:
        starts_before_other_ends = other.valid_to is None or self.valid_from < other.valid_to
        other_starts_before_end = self.valid_to is None or other.valid_from < self.valid_to
        return starts_before_other_ends and other_starts_before_end

    def describe(self) -> str:
        limits = []
        if self.max_budget is not None:
            limits.append(f"budget up to {format_gbp(self.max_budget)} a year")
        if self.max_commitment is not None:
            limits.append(f"single commitments up to {format_gbp(self.max_commitment)}")
        limit_text = "; ".join(limits) or "no limits"
        return (
            f"{self.line} ({self.stream.value}) to {self.place}, split by {self.component}, "
            f"approved by {self.approver}; {limit_text}"
        )


def check_entry(entry: SchemeEntry) -> SchemeEntry:
    """The entry with its codes normalised, or InvalidInput naming the bad field."""
    if entry.stream not in SINGLE_POT:
        raise InvalidInput(
            f"Stream {entry.stream.value} is not part of the single pot.",
            input_name="stream",
            expected=", ".join(s.value for s in SINGLE_POT),
        )
    if not entry.approver.strip() or len(entry.approver) > 80:
        raise InvalidInput(
            "A scheme entry needs an approver.",
            input_name="approver",
            expected="a governance body code or role:<role>, at most 80 characters",
        )
    if entry.valid_to is not None and entry.valid_to <= entry.valid_from:
        raise InvalidInput(
            f"The entry ends ({entry.valid_to}) before it starts ({entry.valid_from}).",
            input_name="valid_to",
            expected="a date after valid_from",
        )
    for name, value in (("max_budget", entry.max_budget), ("max_commitment", entry.max_commitment)):
        if value is not None and value <= 0:
            raise InvalidInput(
                f"{name} must be above zero.", input_name=name, expected="an amount above zero"
            )
    return SchemeEntry(
        place=entry.place.strip(),
        stream=entry.stream,
        line=check_line_code(entry.line),
        component=check_component(entry.component),
        approver=entry.approver.strip(),
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        max_budget=entry.max_budget,
        max_commitment=entry.max_commitment,
        id=entry.id,
    )


def check_no_overlap(existing: Iterable[SchemeEntry], entry: SchemeEntry) -> None:
    for other in existing:
        same = (other.place, other.stream, other.line) == (entry.place, entry.stream, entry.line)
        if same and other.overlaps(entry):
            raise Conflict(
                f"The scheme already delegates {entry.line} ({entry.stream.value}) to "
                f"{entry.place} from {other.valid_from}"
                + (f" to {other.valid_to}" if other.valid_to else "")
                + "; end that entry first.",
                input_name="valid_from",
                expected="a period that does not overlap an existing entry",
            )


def entries_for(
    scheme: Iterable[SchemeEntry], stream: Stream, line: str, day: date
) -> list[SchemeEntry]:
    """The entries delegating ``line`` of ``stream`` on ``day``, by place code."""
    found = [e for e in scheme if e.stream is stream and e.line == line and e.active_on(day)]
    return sorted(found, key=lambda e: e.place)


def delegated_component(
    entries: Sequence[SchemeEntry], stream: Stream, line: str, day: date
) -> str:
    """The one component the line is split by; refused if the scheme does not delegate it or
    its places disagree."""
    if not entries:
        raise InvalidInput(
            f"The scheme of delegation does not delegate {line} ({stream.value}) to any place "
            f"on {day}.",
            input_name="line",
            expected="a line the scheme delegates on that date (see ics finance scheme)",
        )
    components = sorted({e.component for e in entries})
    if len(components) > 1:
        raise InvalidInput(
            f"The scheme splits {line} by different components ({', '.join(components)}).",
            input_name="component",
            expected="one component per delegated line",
        )
    return components[0]


def check_delegation(
    entries: Mapping[str, SchemeEntry], held: Mapping[str, int], parts: Mapping[str, int]
) -> None:
    """Refuse a delegation that would take any place above its budget limit for the line.
    ``held``: what each place already holds for the line this year; ``parts``: the new split."""
    for place, amount in sorted(parts.items()):
        entry = entries[place]
        after = held.get(place, 0) + amount
        if entry.max_budget is not None and after > entry.max_budget:
            raise InvalidInput(
                f"Delegation above authority limits: {place} would hold {format_gbp(after)} "
                f"for {entry.line} ({entry.stream.value}), above the scheme's limit of "
                f"{format_gbp(entry.max_budget)}.",
                input_name="amount",
                expected=f"at most {format_gbp(entry.max_budget)} a year for {place}",
            )


def check_commitment(entry: SchemeEntry, amount: int, approver: str | None) -> None:
    """Refuse a commitment or payment above the place's single-commitment limit, or one
    approved by someone other than the scheme's approver."""
    if amount <= 0:
        raise InvalidInput(
            "The amount must be above zero.", input_name="amount", expected="pence > 0"
        )
    if entry.max_commitment is not None and amount > entry.max_commitment:
        raise InvalidInput(
            f"Commitment above authority limits: {format_gbp(amount)} for {entry.line} at "
            f"{entry.place} is above the {format_gbp(entry.max_commitment)} that "
            f"{entry.approver} may approve; refer it to the ICB.",
            input_name="amount",
            expected=f"at most {format_gbp(entry.max_commitment)}",
        )
    if approver is not None and approver.strip() != entry.approver:
        raise InvalidInput(
            f"{approver} may not approve {entry.line} commitments at {entry.place}; the scheme "
            f"names {entry.approver}.",
            input_name="approved_by",
            expected=entry.approver,
        )
