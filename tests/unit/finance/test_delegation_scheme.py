"""The scheme of delegation: entries, overlaps, and refusals above authority limits."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from integrated_care.errors import Conflict, InvalidInput
from integrated_care.finance.chart import Stream
from integrated_care.finance.scheme import (
    SchemeEntry,
    check_commitment,
    check_delegation,
    check_entry,
    check_no_overlap,
    delegated_component,
    entries_for,
)

APRIL = date(2025, 4, 1)


def _entry(place: str = "bassetlaw", **changes: Any) -> SchemeEntry:
    values: dict[str, object] = {
        "place": place,
        "stream": Stream.CORE,
        "line": "community-services",
        "component": "community",
        "approver": "bassetlaw-partnership",
        "valid_from": APRIL,
        "max_budget": 10_000_00,
        "max_commitment": 1_000_00,
    }
    values.update(changes)
    return SchemeEntry(**values)  # type: ignore[arg-type]


def test_entries_are_normalised() -> None:
    entry = check_entry(_entry(line=" Community-Services ", component="Mental-Health"))
    assert (entry.line, entry.component) == ("community-services", "mental_health")


@pytest.mark.parametrize(
    ("changes", "input_name"),
    [
        ({"stream": Stream.BCF}, "stream"),
        ({"approver": " "}, "approver"),
        ({"valid_to": APRIL}, "valid_to"),
        ({"max_budget": 0}, "max_budget"),
        ({"max_commitment": -5}, "max_commitment"),
        ({"component": "dentistry"}, "component"),
        ({"line": "a b"}, "line"),
    ],
)
def test_bad_entries_are_refused(changes: dict[str, Any], input_name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check_entry(_entry(**changes))
    assert error.value.input_name == input_name


def test_overlapping_entries_for_the_same_place_and_line_conflict() -> None:
    first = _entry(valid_to=date(2026, 4, 1))
    check_no_overlap([first], _entry(valid_from=date(2026, 4, 1)))  # back to back is fine
    check_no_overlap([first], _entry(place="mid-notts"))  # another place is fine
    with pytest.raises(Conflict):
        check_no_overlap([first], _entry(valid_from=date(2025, 10, 1)))


def test_entries_in_force_on_a_day() -> None:
    scheme = [
        _entry("mid-notts"),
        _entry("bassetlaw"),
        _entry("south-notts", valid_to=date(2025, 6, 1)),
        _entry("nottingham-city", line="mental-health"),
    ]
    found = entries_for(scheme, Stream.CORE, "community-services", date(2025, 7, 1))
    assert [e.place for e in found] == ["bassetlaw", "mid-notts"]
    assert delegated_component(found, Stream.CORE, "community-services", APRIL) == "community"


def test_an_undelegated_line_or_mixed_components_are_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        delegated_component([], Stream.CORE, "acute", APRIL)
    assert error.value.input_name == "line"
    mixed = [_entry("a"), _entry("b", component="core")]
    with pytest.raises(InvalidInput) as error2:
        delegated_component(mixed, Stream.CORE, "community-services", APRIL)
    assert error2.value.input_name == "component"


def test_a_delegation_above_a_place_budget_limit_is_refused() -> None:
    entries = {"bassetlaw": _entry(), "mid-notts": _entry("mid-notts", max_budget=None)}
    check_delegation(entries, {"bassetlaw": 600_000}, {"bassetlaw": 400_000, "mid-notts": 10**12})
    with pytest.raises(InvalidInput) as error:
        check_delegation(entries, {"bassetlaw": 600_000}, {"bassetlaw": 400_001})
    assert "above authority limits" in error.value.message
    assert "£10,000.00" in error.value.message
    assert error.value.input_name == "amount"


def test_a_commitment_above_the_place_limit_or_by_the_wrong_approver_is_refused() -> None:
    entry = _entry()
    check_commitment(entry, 100_000, "bassetlaw-partnership")
    check_commitment(entry, 100_000, None)
    with pytest.raises(InvalidInput) as error:
        check_commitment(entry, 100_001, None)
    assert "refer it to the ICB" in error.value.message
    with pytest.raises(InvalidInput) as error2:
        check_commitment(entry, 10, "someone-else")
    assert error2.value.input_name == "approved_by"
    with pytest.raises(InvalidInput):
        check_commitment(entry, 0, None)
