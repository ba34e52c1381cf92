"""Exports: the self-contained JSON Lines log (for ``verify``), CSV of entries, Popolo JSON.

The JSON Lines log is::

    {"checkpoints":K,"entries":N,"format":"ics-register-log","hash":"sha256",...}   header
    {"at":"...","payload":{...},"seq":0,"system":"QT1","type":"proposal"}          entry 0
    ...
    {"checkpoint":"<signed note>","consistency_from":0,"consistency_proof":[...]}  after the
    ...                                                                             entry that
                                                                                    completes
                                                                                    its size
Every line is canonical JSON ending in a newline; an entry line is exactly its leaf bytes.
"""

from __future__ import annotations

import base64
import csv
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from integrated_care.governance.register.checkpoints import Checkpoint
from integrated_care.governance.register.entries import Entry
from integrated_care.governance.register.merkle import (
    CompactRange,
    consistency_proof_from,
    leaf_hash,
)
from integrated_care.governance.register.verify import (
    FORMAT,
    VERSION,
    Report,
    canonical,
    verify_lines,
)

if TYPE_CHECKING:
    from integrated_care.governance.register.store import RegisterStore


@dataclass(frozen=True)
class ExportSummary:
    entries: int
    checkpoints: int
    signed_size: int  # entries covered by the last exported checkpoint


def header(
    *, system: str, origin: str, public_key: bytes, entries: int, checkpoints: int
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "system": system,
        "origin": origin,
        "public_key": base64.b64encode(public_key).decode("ascii"),
        "hash": "sha256",
        "signature": "ed25519",
        "entries": entries,
        "checkpoints": checkpoints,
    }


def checkpoint_line(checkpoint: Checkpoint, previous_size: int, proof: Sequence[bytes]) -> bytes:
    return canonical(
        {
            "checkpoint": checkpoint.note,
            "consistency_from": previous_size,
            "consistency_proof": [base64.b64encode(h).decode("ascii") for h in proof],
        }
    )


def write_log(
    out: IO[bytes],
    *,
    system: str,
    origin: str,
    public_key: bytes,
    count: int,
    leaves: Iterable[bytes],
    checkpoints: Sequence[Checkpoint],
) -> ExportSummary:
    """Write the JSON Lines log of ``count`` leaves (in seq order) and the checkpoints of
    ``origin`` signed with ``public_key``, each with a consistency proof from the previous
    one. Memory: the frontier and the leaf hashes since the last checkpoint."""
    chosen: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        mine = (checkpoint.origin, checkpoint.public_key) == (origin, public_key)
        if mine and checkpoint.tree_size <= count:
            chosen.setdefault(checkpoint.tree_size, checkpoint)
    sizes = sorted(chosen)
    line = canonical(
        header(
            system=system,
            origin=origin,
            public_key=public_key,
            entries=count,
            checkpoints=len(sizes),
        )
    )
    out.write(line + b"\n")
    frontier, previous = CompactRange(), CompactRange()
    since: list[bytes] = []
    position = 0

    def place_checkpoints() -> None:
        nonlocal previous, since, position
        while position < len(sizes) and sizes[position] == frontier.size:
            proof = consistency_proof_from(previous, since)
            out.write(checkpoint_line(chosen[sizes[position]], previous.size, proof) + b"\n")
            previous, since = frontier.copy(), []
            position += 1

    place_checkpoints()
    write = out.write
    for leaf in leaves:
        write(leaf + b"\n")
        digest = leaf_hash(leaf)
        frontier.append(digest)
        since.append(digest)
        if position < len(sizes) and sizes[position] == frontier.size:
            place_checkpoints()
    if frontier.size != count:
        raise ValueError(f"expected {count} leaves, got {frontier.size}")
    return ExportSummary(count, len(sizes), sizes[-1] if sizes else 0)


def export_log(
    session: Session, store: RegisterStore, system_code: str, out: IO[bytes], public_key: bytes
) -> ExportSummary:
    """Write a system's register from the database, with the checkpoints of ``public_key``."""
    return write_log(
        out,
        system=system_code,
        origin=store.origin(system_code),
        public_key=public_key,
        count=store.size(session, system_code),
        leaves=store.iter_leaves(session, system_code),
        checkpoints=store.checkpoints(session, system_code, public_key=public_key),
    )


def verify_register(
    session: Session, store: RegisterStore, system_code: str, public_key: bytes
) -> Report:
    """Export the register (through a temporary file) and verify it as an outsider would:
    the status a public register page shows."""
    with tempfile.TemporaryFile() as scratch:
        export_log(session, store, system_code, scratch, public_key)
        scratch.seek(0)
        return verify_lines(scratch, public_key)


CSV_COLUMNS = (
    *("seq", "at", "type", "system", "body"),
    *("private", "reveal_after", "leaf_hash", "payload"),
)


def write_csv(entries: Iterable[Entry], out: IO[str]) -> int:
    """One row per entry; ``payload`` is its canonical JSON (empty for a private item)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in entries:
        payload = entry.payload
        writer.writerow(
            [
                entry.seq,
                entry.at,
                entry.type,
                entry.system,
                entry.body or "",
                "yes" if entry.private else "no",
                entry.reveal_after or "",
                entry.leaf_hash.hex(),
                canonical(payload).decode() if payload is not None else "",
            ]
        )
        count += 1
    return count


def csv_text(entries: Iterable[Entry]) -> str:
    buffer = io.StringIO()
    write_csv(entries, buffer)
    return buffer.getvalue()
