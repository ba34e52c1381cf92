"""Register entries: canonical JSON leaves, and salted commitments for private items.

A leaf is one canonical JSON object (UTF-8, keys sorted, no insignificant whitespace, integers
but never floats)::

    {"at":"2024-05-01T10:00:00Z","body":"QT1-BOARD","payload":{...},"seq":7,"system":"QT1",
     "type":"vote"}

``body`` is left out when there is none. A private item (e.g. an item taken in private under
Schedule 12A) carries ``commitment`` = hex SHA-256(salt ‖ canonical payload) and, when known,
``reveal_after`` (a date) instead of ``payload``; the salt and payload stay in the private
table until a ``commitment_revealed`` entry publishes them::

    {"payload":{"of_seq":7,"payload_json":"{...}","salt":"<64 hex>"}, "type":
     "commitment_revealed", ...}

``payload_json`` is the exact canonical payload text that was committed to, so a verifier
hashes it as it stands and never has to re-serialise JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from integrated_care.errors import InvalidInput
from integrated_care.governance.register.merkle import leaf_hash
from integrated_care.governance.register.verify import REVEALED

# The governance events the register records (other lower-case names are accepted too).
MEMBERSHIP_CHANGE = "membership_change"
SEAT_APPOINTMENT = "seat_appointment"
DECLARATION = "declaration"
AGENDA_PUBLISHED = "agenda_published"
EXCLUSION_RESOLUTION = "exclusion_resolution"
PROPOSAL = "proposal"
VOTE = "vote"
DECISION = "decision"
HWB_OPINION = "hwb_opinion"
CONSULTATION_RESPONSE = "consultation_response"
COMMITMENT_REVEALED = REVEALED
KNOWN_TYPES = (
    MEMBERSHIP_CHANGE,
    SEAT_APPOINTMENT,
    DECLARATION,
    AGENDA_PUBLISHED,
    EXCLUSION_RESOLUTION,
    PROPOSAL,
    VOTE,
    DECISION,
    HWB_OPINION,
    CONSULTATION_RESPONSE,
    COMMITMENT_REVEALED,
)
_TYPE = re.compile(r"[a-z][a-z0-9_]{0,39}")
SALT_BYTES = 32


def _check(value: object, where: str) -> None:
    """Refuse what canonical JSON cannot carry exactly: floats, non-string keys, others."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        raise InvalidInput(
            f"{where} is a fraction ({value}); the register records integers only.",
            input_name=where,
            expected='an integer, or a decimal written as a string such as "0.5"',
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(
                    f"{where} has a non-text key {key!r}.", input_name=where, expected="text keys"
                )
            _check(item, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for number, item in enumerate(value):
            _check(item, f"{where}[{number}]")
        return
    raise InvalidInput(
        f"{where} holds a {type(value).__name__}, which the register cannot record.",
        input_name=where,
        expected="text, integers, true/false, null, lists and objects",
    )


def canonical_json(value: object, where: str = "payload") -> bytes:
    """The canonical bytes of ``value`` (checked first: no floats, text keys only)."""
    _check(value, where)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def format_at(moment: datetime) -> str:
    """UTC ISO 8601 with ``Z``; microseconds only when there are some."""
    if moment.tzinfo is None:
        raise InvalidInput(
            "The event time has no time zone.", input_name="at", expected="an aware UTC datetime"
        )
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}Z" if moment.microsecond else f"{text}Z"


def parse_at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def commitment_of(salt: bytes, payload_text: bytes) -> str:
    """hex SHA-256(salt ‖ canonical payload bytes)."""
    return hashlib.sha256(salt + payload_text).hexdigest()


@dataclass(frozen=True, slots=True)
class Event:
    """A governance event to append. ``private`` items are logged as commitments."""

    type: str
    payload: Mapping[str, Any]
    at: datetime
    body: str | None = None
    private: bool = False
    reveal_after: date | None = None


@dataclass(frozen=True, slots=True)
class PrivateItem:
    """What stays off the public log until revealed: the salt and the payload text."""

    seq: int
    salt: bytes
    payload_text: str
    reveal_after: date | None


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    type: str
    at: str
    system: str
    body: str | None
    commitment: str | None  # set for a private item, which has no payload on the log
    reveal_after: str | None
    leaf: bytes  # the exact canonical bytes that are hashed and exported

    @property
    def leaf_hash(self) -> bytes:
        return leaf_hash(self.leaf)

    @property
    def private(self) -> bool:
        return self.commitment is not None

    @property
    def payload(self) -> dict[str, Any] | None:
        value = json.loads(self.leaf).get("payload")
        return value if isinstance(value, dict) else None

    @classmethod
    def parse(cls, leaf: bytes) -> Entry:
        data = json.loads(leaf)
        return cls(
            seq=data["seq"],
            type=data["type"],
            at=data["at"],
            system=data["system"],
            body=data.get("body"),
            commitment=data.get("commitment"),
            reveal_after=data.get("reveal_after"),
            leaf=leaf,
        )

    def revealed(self) -> tuple[int, dict[str, Any]] | None:
        """For a ``commitment_revealed`` entry: (the revealed seq, its payload)."""
        payload = self.payload
        if self.type != REVEALED or payload is None:
            return None
        return int(payload["of_seq"]), json.loads(payload["payload_json"])


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def encode(system: str, seq: int, event: Event) -> tuple[Entry, PrivateItem | None]:
    """The entry for ``event`` at ``seq``, and for a private item what is kept back.

    The leaf is written key by key in sorted order (at, body, commitment, payload,
    reveal_after, seq, system, type), which is exactly the canonical form."""
    if not _TYPE.fullmatch(event.type):
        raise InvalidInput(
            f"Unknown register entry type '{event.type}'.",
            input_name="type",
            expected=f"a lower-case name such as {', '.join(KNOWN_TYPES[:4])}",
        )
    if not isinstance(event.payload, Mapping):
        raise InvalidInput("The payload is not an object.", input_name="payload")
    if event.body is not None and not isinstance(event.body, str):
        raise InvalidInput("The body code is not text.", input_name="body")
    payload_text = canonical_json(event.payload)
    at = format_at(event.at)
    parts = [f'{{"at":{_text(at)}']
    if event.body is not None:
        parts.append(f'"body":{_text(event.body)}')
    private = commitment = reveal_after = None
    if event.private:
        salt = secrets.token_bytes(SALT_BYTES)
        commitment = commitment_of(salt, payload_text)
        parts.append(f'"commitment":"{commitment}"')
        if event.reveal_after is not None:
            reveal_after = event.reveal_after.isoformat()
            parts.append(f'"reveal_after":"{reveal_after}"')
        private = PrivateItem(seq, salt, payload_text.decode(), event.reveal_after)
    elif event.reveal_after is not None:
        raise InvalidInput("Only a private item has a reveal date.", input_name="reveal_after")
    else:
        parts.append(f'"payload":{payload_text.decode()}')
    parts.append(f'"seq":{int(seq)},"system":{_text(system)},"type":"{event.type}"}}')
    leaf = ",".join(parts).encode()
    entry = Entry(seq, event.type, at, system, event.body, commitment, reveal_after, leaf)
    return entry, private


def reveal_event(item: PrivateItem, *, at: datetime, body: str | None) -> Event:
    """The ``commitment_revealed`` event that publishes ``item``."""
    payload = {"of_seq": item.seq, "salt": item.salt.hex(), "payload_json": item.payload_text}
    return Event(COMMITMENT_REVEALED, payload, at, body)
