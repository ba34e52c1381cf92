"""Verify an exported decision register with nothing but the file and the log's public key.

This module, ``notes.py`` (signed notes and keys) and ``merkle.py`` (the tree) are
deliberately self-sufficient: they need the
Python standard library and the ``cryptography`` package (for Ed25519) and nothing else, so
anyone can run ``python -m integrated_care.governance.register.verify FILE --public-key KEY``
or copy the three files. docs/register.md describes
the same procedure step by step for re-implementation in another language.

The export is JSON Lines: a header line, then every entry (its exact leaf bytes) in ``seq``
order, with each signed checkpoint on the line right after the entry that completes its tree
size. Verification recomputes every leaf hash and the RFC 6962 tree incrementally, checks
each checkpoint's Ed25519 signature (C2SP signed note), its root and a consistency proof from
the previous checkpoint (RFC 9162 §2.1.4.2), checks ``seq`` continuity and the counts the
header announces, and checks every revealed commitment. The first failure is reported with
its line number and, where it is about an entry, its ``seq``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from integrated_care.governance.register.merkle import (
    EMPTY_ROOT,
    frontier_root,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from integrated_care.governance.register.notes import (
    ED25519,
    b64decode_exact,
    canonical,
    key_id,
    open_note,
    parse_public_key,
)

__all__ = [
    "ED25519",
    "b64decode_exact",
    "canonical",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_note",
    "parse_public_key",
    "verify_consistency",
    "verify_inclusion",
]

FORMAT = "ics-register-log"
VERSION = 1
HEADER_KEYS = frozenset(
    {"checkpoints", "entries", "format", "hash", "origin", "public_key", "signature", "system"}
    | {"version"}
)
CHECKPOINT_KEYS = frozenset({"checkpoint", "consistency_from", "consistency_proof"})
CHECKPOINT_PREFIX = b'{"checkpoint":'
REVEALED = "commitment_revealed"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_sha256 = hashlib.sha256


@dataclass(frozen=True)
class Failure:
    line: int  # 1-based line of the file
    seq: int | None  # the entry concerned, when the failure is about an entry
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", entry seq {self.seq}" if self.seq is not None else "")
        return f"{where}: {self.message}"


@dataclass
class Report:
    ok: bool
    failure: Failure | None = None
    system: str | None = None
    origin: str | None = None
    entries: int = 0
    checkpoints: int = 0
    signed_size: int = 0  # entries covered by the last valid checkpoint
    reveals: int = 0
    unrevealed: list[int] = field(default_factory=list)  # seqs of commitments still private

    @property
    def unsigned_tail(self) -> int:
        return self.entries - self.signed_size


class _Bad(Exception):
    def __init__(self, line: int, seq: int | None, message: str) -> None:
        super().__init__(message)
        self.failure = Failure(line, seq, message)


def _json_line(raw: bytes, line: int, seq: int | None, what: str) -> dict[str, object]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:  # includes UnicodeDecodeError
        raise _Bad(line, seq, f"{what} is not valid UTF-8 JSON") from None
    if type(value) is not dict:
        raise _Bad(line, seq, f"{what} is not a JSON object")
    return value


def _header(raw: bytes, public_key: bytes) -> dict[str, object]:
    if raw[-1:] != b"\n":
        raise _Bad(1, None, "the header line is cut short (no newline)")
    header = _json_line(raw[:-1], 1, None, "the header")
    if set(header) != HEADER_KEYS or canonical(header) != raw[:-1]:
        raise _Bad(1, None, "the header is not a canonical register header")
    if (header["format"], header["version"]) != (FORMAT, VERSION):
        raise _Bad(1, None, f"not an {FORMAT} version {VERSION} file")
    if (header["hash"], header["signature"]) != ("sha256", "ed25519"):
        raise _Bad(1, None, "unsupported hash or signature algorithm")
    for name in ("origin", "system"):
        if not isinstance(header[name], str) or not header[name]:
            raise _Bad(1, None, f"the header's {name} is missing")
    for name in ("entries", "checkpoints"):
        value = header[name]
        if type(value) is not int or value < 0:
            raise _Bad(1, None, f"the header's {name} count is not a whole number")
    if b64decode_exact(header["public_key"], 32) != public_key:
        raise _Bad(1, None, "the header names a different public key from the one supplied")
    return header


def verify_lines(lines: Iterable[bytes], public_key: bytes) -> Report:
    """Verify the lines (each with its trailing newline) of an exported register."""
    report = Report(ok=False)
    try:
        _verify(iter(lines), public_key, report)
    except _Bad as bad:
        report.failure = bad.failure
        return report
    report.ok = True
    return report


def _verify(lines: Iterable[bytes], public_key: bytes, report: Report) -> None:
    it = iter(lines)
    first = next(it, None)
    if first is None:
        raise _Bad(1, None, "the file is empty: there is no header")
    header = _header(first, public_key)
    system, origin = str(header["system"]), str(header["origin"])
    expected_entries, expected_checkpoints = header["entries"], header["checkpoints"]
    assert isinstance(expected_entries, int)
    assert isinstance(expected_checkpoints, int)
    report.system, report.origin = system, origin
    loads, sha256, prefix = json.loads, _sha256, CHECKPOINT_PREFIX
    stack: list[bytes] = []  # the right frontier of the tree so far
    size = 0
    commitments: dict[int, str] = {}
    last_size, last_root, range_line = 0, EMPTY_ROOT, 2  # the last verified checkpoint
    checkpoints = 0
    lineno = 1
    for raw in it:
        lineno += 1
        if raw[-1:] != b"\n":
            raise _Bad(lineno, None, "the last line is cut short (no newline)")
        line = raw[:-1]
        if line.startswith(prefix):
            checkpoints += 1
            if checkpoints > expected_checkpoints:
                raise _Bad(lineno, None, "more checkpoints than the header announces")
            if checkpoints > 1 and size == last_size:
                raise _Bad(lineno, None, "a second checkpoint for the same tree size")
            signed_root, proof = _checkpoint(line, lineno, origin, public_key, size, last_size)
            if frontier_root(stack) != signed_root:
                raise _Bad(
                    range_line,
                    last_size,
                    f"entries seq {last_size}–{size - 1} (lines {range_line}–{lineno - 1}) "
                    f"do not hash to the root signed by the checkpoint at line {lineno}: the "
                    f"first bad entry is among them, from seq {last_size}",
                )
            if not verify_consistency(last_size, size, last_root, signed_root, proof):
                raise _Bad(lineno, None, "the consistency proof from the previous checkpoint fails")
            last_size, last_root, range_line = size, signed_root, lineno + 1
            continue
        try:  # the common case, kept tight; _entry_failure says exactly what is wrong
            entry = loads(line.decode("utf-8"))
            seq = entry["seq"]
            good = (
                seq == size
                and type(seq) is int
                and entry["system"] == system
                and type(entry["type"]) is str
                and type(entry["at"]) is str
            )
        except (ValueError, KeyError, TypeError):
            good = False
        if not good or size >= expected_entries:
            raise _entry_failure(line, lineno, size, system, expected_entries)
        if "commitment" in entry or type(entry.get("payload")) is not dict:
            _private_entry(entry, commitments, lineno, size)
        elif entry["type"] == REVEALED:
            _reveal(entry["payload"], commitments, lineno, size)
            report.reveals += 1
        stack.append(sha256(b"\x00" + line).digest())
        size += 1
        count = size
        while not count & 1:
            right = stack.pop()
            stack[-1] = sha256(b"\x01" + stack[-1] + right).digest()
            count >>= 1
    if size != expected_entries:
        raise _Bad(
            lineno + 1,
            size,
            f"the file ends after line {lineno}: entries from seq {size} are missing "
            f"(the header announces {expected_entries})",
        )
    if checkpoints != expected_checkpoints:
        raise _Bad(
            lineno + 1,
            None,
            f"the file has {checkpoints} checkpoints; the header announces {expected_checkpoints}",
        )
    report.entries, report.checkpoints, report.signed_size = size, checkpoints, last_size
    report.unrevealed = sorted(commitments)


def _checkpoint(
    line: bytes, lineno: int, origin: str, public_key: bytes, size: int, last_size: int
) -> tuple[bytes, list[bytes]]:
    """Check a checkpoint line standing after ``size`` entries: its form, signature, place
    and proof shape. Returns the signed root and the consistency proof from ``last_size``."""
    value = _json_line(line, lineno, None, "the checkpoint line")
    if set(value) != CHECKPOINT_KEYS or canonical(value) != line:
        raise _Bad(lineno, None, "the checkpoint line is not canonical")
    note = value["checkpoint"]
    if not isinstance(note, str):
        raise _Bad(lineno, None, "the checkpoint is not a signed note")
    try:
        tree_size, signed_root = open_note(note, origin, public_key)
    except ValueError as error:
        raise _Bad(lineno, None, f"checkpoint: {error}") from None
    if tree_size != size:
        raise _Bad(
            lineno,
            None,
            f"the checkpoint for tree size {tree_size} stands after {size} entries "
            "(entries or checkpoints were removed, added or moved)",
        )
    if value["consistency_from"] != last_size or type(value["consistency_from"]) is not int:
        raise _Bad(lineno, None, "the checkpoint does not follow the previous checkpoint")
    proof = value["consistency_proof"]
    hashes = [b64decode_exact(p, 32) for p in proof] if isinstance(proof, list) else [None]
    if any(h is None for h in hashes):
        raise _Bad(lineno, None, "the consistency proof is not a list of base64 hashes")
    return signed_root, [h for h in hashes if h is not None]


def _entry_failure(line: bytes, lineno: int, size: int, system: str, announced: int) -> _Bad:
    """Why the entry line expected to hold seq ``size`` is wrong (the slow, exact path)."""
    entry = _json_line(line, lineno, size, "the entry")
    seq = entry.get("seq")
    if type(seq) is not int:
        return _Bad(lineno, size, f"the entry has no valid seq (expected seq {size})")
    if seq > size:
        return _Bad(lineno, size, f"entry seq {size} is missing (this line holds seq {seq})")
    if seq < size:
        return _Bad(lineno, size, f"seq {seq} appears again or out of order (expected {size})")
    if size >= announced:
        return _Bad(lineno, seq, "more entries than the header announces")
    if entry.get("system") != system or type(entry.get("type")) is not str:
        return _Bad(lineno, seq, "the entry's system or type is wrong")
    return _Bad(lineno, seq, "the entry has no time ('at')")


def _private_entry(
    entry: dict[str, object], commitments: dict[int, str], line: int, seq: int
) -> None:
    commitment = entry.get("commitment")
    if "payload" in entry or entry["type"] == REVEALED:
        raise _Bad(line, seq, "an entry needs a payload object, or only a SHA-256 commitment")
    if type(commitment) is not str or not _HEX64.fullmatch(commitment):
        raise _Bad(line, seq, "an entry needs a payload object, or only a SHA-256 commitment")
    commitments[seq] = commitment


def _reveal(payload: object, commitments: dict[int, str], lineno: int, seq: int) -> None:
    if type(payload) is not dict:
        raise _Bad(lineno, seq, "the reveal has no payload")
    of_seq, salt, text = payload.get("of_seq"), payload.get("salt"), payload.get("payload_json")
    if type(of_seq) is not int or of_seq not in commitments:
        raise _Bad(lineno, seq, f"reveals seq {of_seq}, which is no unrevealed private entry")
    if not isinstance(salt, str) or not _HEX64.fullmatch(salt) or not isinstance(text, str):
        raise _Bad(lineno, seq, "the reveal needs a 32-byte hex salt and the payload text")
    digest = _sha256(bytes.fromhex(salt) + text.encode("utf-8")).hexdigest()
    if digest != commitments[of_seq]:
        raise _Bad(lineno, seq, f"the salt and payload do not match the commitment of seq {of_seq}")
    try:
        if type(json.loads(text)) is not dict:
            raise ValueError
    except ValueError:
        raise _Bad(lineno, seq, "the revealed payload is not a JSON object") from None
    del commitments[of_seq]


def verify_bytes(data: bytes, public_key: bytes) -> Report:
    return verify_lines(data.splitlines(keepends=True), public_key)


def verify_file(path: Path | str, public_key: bytes) -> Report:
    with open(path, "rb") as handle:
        return verify_lines(handle, public_key)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an exported ICS decision register.")
    parser.add_argument("file", type=Path)
    parser.add_argument("--public-key", required=True, help="base64 key, PEM, or a key file")
    args = parser.parse_args(argv)
    candidate = Path(args.public_key)
    text = candidate.read_text("utf-8") if candidate.is_file() else args.public_key
    report = verify_file(args.file, parse_public_key(text))
    if report.failure is not None:
        print(f"FAILED: {report.failure}", file=sys.stderr)
        return 1
    print(f"OK: {report.entries} entries, {report.checkpoints} checkpoints, origin {report.origin}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
