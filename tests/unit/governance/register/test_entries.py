"""Entries are canonical JSON; private items are salted commitments."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.governance.register.entries import (
    Entry,
    Event,
    canonical_json,
    encode,
    format_at,
    parse_at,
    reveal_event,
)

from .conftest import AT, SYSTEM


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_an_entry_is_its_canonical_json() -> None:
    payload = {"title": "Outsourcing of community services", "flags": ["x"], "n": 3, "é": True}
    entry, private = encode(SYSTEM, 7, Event("proposal", payload, AT, "QT1-BOARD"))
    assert private is None
    expected = {
        "at": "2024-05-01T10:00:00Z",
        "body": "QT1-BOARD",
        "payload": payload,
        "seq": 7,
        "system": SYSTEM,
        "type": "proposal",
    }
    assert entry.leaf == canonical(expected)
    assert Entry.parse(entry.leaf) == entry
    assert entry.payload == payload
    assert entry.leaf_hash == hashlib.sha256(b"\x00" + entry.leaf).digest()


def test_body_is_left_out_when_there_is_none() -> None:
    entry, _ = encode(SYSTEM, 0, Event("declaration", {"a": 1}, AT))
    assert b"body" not in entry.leaf
    assert entry.leaf == canonical(json.loads(entry.leaf))


def test_times_are_utc_with_z() -> None:
    bst = timezone(timedelta(hours=1))
    assert format_at(datetime(2024, 5, 1, 11, 0, tzinfo=bst)) == "2024-05-01T10:00:00Z"
    precise = datetime(2024, 5, 1, 10, 0, 0, 1500, tzinfo=UTC)
    assert format_at(precise) == "2024-05-01T10:00:00.001500Z"
    assert parse_at(format_at(precise)) == precise
    with pytest.raises(InvalidInput, match="no time zone"):
        encode(SYSTEM, 0, Event("vote", {}, datetime(2024, 5, 1)))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"weight": 0.5}, "fraction"),
        ({"nested": {"list": [1, 2.0]}}, "fraction"),
        ({1: "x"}, "non-text key"),
        ({"when": date(2024, 1, 1)}, "cannot record"),
    ],
)
def test_what_canonical_json_cannot_carry_is_refused(payload: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        encode(SYSTEM, 0, Event("vote", payload, AT))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["Vote", "vote event", "", "1vote", "x" * 41])
def test_entry_types_are_lower_case_names(kind: str) -> None:
    with pytest.raises(InvalidInput, match="entry type"):
        encode(SYSTEM, 0, Event(kind, {}, AT))


def test_a_private_item_is_a_salted_commitment() -> None:
    payload = {"proposal_id": "P-9", "carried": False}
    event = Event("decision", payload, AT, "QT1-BOARD", private=True, reveal_after=date(2025, 1, 1))
    entry, item = encode(SYSTEM, 3, event)
    assert item is not None
    data = json.loads(entry.leaf)
    assert "payload" not in data
    assert entry.payload is None
    assert entry.private
    assert data["reveal_after"] == "2025-01-01"
    assert len(item.salt) == 32
    digest = hashlib.sha256(item.salt + canonical_json(payload)).hexdigest()
    assert data["commitment"] == digest == entry.commitment
    assert item.payload_text == canonical_json(payload).decode()
    again, other = encode(SYSTEM, 3, event)
    assert other is not None
    assert other.salt != item.salt
    assert again.commitment != entry.commitment


def test_a_reveal_carries_the_exact_committed_text() -> None:
    entry, item = encode(SYSTEM, 3, Event("decision", {"b": 2, "a": 1}, AT, private=True))
    assert item is not None
    revealed, _ = encode(SYSTEM, 4, reveal_event(item, at=AT, body=None))
    assert revealed.revealed() == (3, {"a": 1, "b": 2})
    payload = revealed.payload
    assert payload is not None
    text = payload["payload_json"].encode()
    assert hashlib.sha256(bytes.fromhex(payload["salt"]) + text).hexdigest() == entry.commitment


def test_only_private_items_have_a_reveal_date() -> None:
    with pytest.raises(InvalidInput, match="Only a private item"):
        encode(SYSTEM, 0, Event("vote", {}, AT, reveal_after=date(2025, 1, 1)))
