"""The register in the database, used through the caller's session (unit of work).

    store = RegisterStore.for_workspace(ws.path)          # signs a checkpoint every 1,000
    with ws.uow() as uow:
        seq = store.append(uow.session, "QT1", "vote", {...}, at=now, body="QT1-BOARD")
        uow.commit()                                     # the store never commits

Sequence numbers are safe under concurrency: the first write of a transaction to a system's
register takes a lock held until the transaction ends (a PostgreSQL advisory lock keyed on
the system; on SQLite the database write lock, taken by a no-op write), and the primary key
(system_code, seq) refuses duplicates whatever happens. The next ``seq`` and the tree's right
frontier are then cached for the rest of the transaction, so appends cost one INSERT each
(or one per 500 in ``append_many``) and checkpoints O(checkpoint interval).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from integrated_care.errors import InvalidInput, NotFound
from integrated_care.governance.register.checkpoints import (
    DEFAULT_ORIGIN,
    Checkpoint,
    origin_for,
    sign,
)
from integrated_care.governance.register.entries import Event, PrivateItem, encode
from integrated_care.governance.register.entries import reveal_event as _reveal_event
from integrated_care.governance.register.keys import Signer, workspace_signer
from integrated_care.governance.register.merkle import CompactRange
from integrated_care.governance.register.reads import RegisterReader, checkpoint_of
from integrated_care.persistence.models import SystemRow
from integrated_care.persistence.register_models import (
    RegisterCheckpointRow,
    RegisterEntryRow,
    RegisterPrivateRow,
)
from integrated_care.persistence.types import utc_now

DEFAULT_CHECKPOINT_EVERY = 1000
EVERY_ENV = "ICS_REGISTER_CHECKPOINT_EVERY"
_CHUNK = 500
_CACHE = "integrated_care.register"
Entries = RegisterEntryRow
Checkpoints = RegisterCheckpointRow
Private = RegisterPrivateRow
_TABLES = RegisterEntryRow.metadata.tables
_INSERT_ENTRIES = insert(_TABLES["register_entries"])
_INSERT_PRIVATE = insert(_TABLES["register_private"])
_INSERT_CHECKPOINTS = insert(_TABLES["register_checkpoints"])


@dataclass
class _Head:
    size: int
    frontier: CompactRange | None = None  # the tree's frontier at ``size``, once needed


class RegisterStore(RegisterReader):
    """Appends to and reads from the register tables; never commits."""

    def __init__(
        self,
        signer: Signer | None = None,
        *,
        checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY,
        origin: str = DEFAULT_ORIGIN,
    ) -> None:
        if checkpoint_every < 0:
            raise ValueError("checkpoint_every must be 0 (never) or more")
        self.signer = signer
        self.checkpoint_every = checkpoint_every
        self.origin_template = origin

    @classmethod
    def for_workspace(
        cls, workspace: Path, *, checkpoint_every: int | None = None
    ) -> RegisterStore:
        """A store signing with the workspace's key (created on first use), checkpointing
        every ``checkpoint_every`` appends (default: ``ICS_REGISTER_CHECKPOINT_EVERY`` or 1000)."""
        if checkpoint_every is None:
            setting = os.environ.get(EVERY_ENV, str(DEFAULT_CHECKPOINT_EVERY))
            if not setting.isdigit():
                raise InvalidInput(
                    f"{EVERY_ENV} is '{setting}'.", input_name=EVERY_ENV, expected="a whole number"
                )
            checkpoint_every = int(setting)
        return cls(workspace_signer(workspace), checkpoint_every=checkpoint_every)

    def origin(self, system_code: str) -> str:
        return origin_for(system_code, self.origin_template)

    # --- writes -----------------------------------------------------------------------

    def append(
        self,
        session: Session,
        system_code: str,
        type: str,  # noqa: A002 - the register's own word
        payload: Mapping[str, Any],
        *,
        at: datetime,
        body: str | None = None,
        private: bool = False,
        reveal_after: date | None = None,
    ) -> int:
        """Append one event; returns its ``seq``."""
        event = Event(type, payload, at, body, private, reveal_after)
        return self.append_many(session, system_code, [event])[0]

    def append_many(self, session: Session, system_code: str, events: Iterable[Event]) -> list[int]:
        """Append events in order (all validated before anything is written)."""
        batch = list(events)
        if not batch:
            return []
        head = self._head(session, system_code)
        start = head.size
        encoded = [encode(system_code, start + i, event) for i, event in enumerate(batch)]
        every = self.checkpoint_every
        due = (
            self.signer is not None and every > 0 and (start + len(batch)) // every > start // every
        )
        if due and head.frontier is None:
            head.frontier = self._load_frontier(session, system_code, start)
        frontier = head.frontier.copy() if head.frontier is not None else None
        now = utc_now()
        rows, privates, checkpoints = [], [], []
        for entry, item in encoded:
            digest = entry.leaf_hash
            rows.append(
                {
                    "system_code": system_code,
                    "seq": entry.seq,
                    "type": entry.type,
                    "leaf": entry.leaf.decode(),
                    "leaf_hash": digest.hex(),
                    "created_at": now,
                }
            )
            if item is not None:
                privates.append(
                    {
                        "system_code": system_code,
                        "seq": item.seq,
                        "salt": item.salt.hex(),
                        "payload": item.payload_text,
                        "reveal_after": item.reveal_after,
                    }
                )
            if frontier is not None:
                frontier.append(digest)
                if due and frontier.size % every == 0 and self.signer is not None:
                    checkpoints.append(self._row(system_code, frontier, self.signer, now)[1])
        connection = session.connection()  # Core inserts, in the session's transaction
        for number in range(0, len(rows), _CHUNK):
            connection.execute(_INSERT_ENTRIES, rows[number : number + _CHUNK])
        if privates:
            connection.execute(_INSERT_PRIVATE, privates)
        if checkpoints:
            connection.execute(_INSERT_CHECKPOINTS, checkpoints)
        head.size, head.frontier = start + len(batch), frontier
        return list(range(start, head.size))

    def checkpoint(
        self, session: Session, system_code: str, signer: Signer | None = None
    ) -> Checkpoint:
        """Sign the current tree (or return the checkpoint already made at this size)."""
        signer = signer or self.signer
        if signer is None:
            raise InvalidInput("No register signing key is configured.", input_name="signer")
        head = self._head(session, system_code)
        existing = session.scalars(
            select(Checkpoints).where(
                Checkpoints.system_code == system_code, Checkpoints.tree_size == head.size
            )
        ).first()
        if existing is not None:
            return checkpoint_of(existing)
        if head.frontier is None:
            head.frontier = self._load_frontier(session, system_code, head.size)
        checkpoint, row = self._row(system_code, head.frontier, signer, utc_now())
        session.connection().execute(_INSERT_CHECKPOINTS, [row])
        return checkpoint

    def reveal(self, session: Session, system_code: str, seq: int, *, at: datetime) -> int:
        """Publish a private item now: append its reveal and forget the private copy."""
        return self._reveal(session, system_code, [self._private(session, system_code, seq)], at)[0]

    def reveal_due(
        self, session: Session, system_code: str, today: date, *, at: datetime | None = None
    ) -> list[int]:
        """Reveal every private item whose ``reveal_after`` date is on or before ``today``."""
        due = [
            item
            for item in self.private_items(session, system_code)
            if item.reveal_after is not None and item.reveal_after <= today
        ]
        return self._reveal(session, system_code, due, at or utc_now()) if due else []

    def _reveal(
        self, session: Session, system_code: str, items: list[PrivateItem], at: datetime
    ) -> list[int]:
        bodies = {
            e.seq: e.body for e in self._entries_at(session, system_code, [i.seq for i in items])
        }
        events = [_reveal_event(item, at=at, body=bodies.get(item.seq)) for item in items]
        seqs = self.append_many(session, system_code, events)
        session.execute(
            delete(Private).where(
                Private.system_code == system_code, Private.seq.in_([i.seq for i in items])
            )
        )
        return seqs

    # --- internals --------------------------------------------------------------------

    def _head(self, session: Session, system_code: str) -> _Head:
        """The register's size (and frontier), locked and cached for this transaction."""
        session.connection()  # begins the transaction if need be
        key = (session.get_transaction(), session.get_nested_transaction())
        cache = session.info.get(_CACHE)
        if cache is None or cache[0] is not key[0] or cache[1] is not key[1]:
            cache = session.info[_CACHE] = (key[0], key[1], {})
        heads: dict[str, _Head] = cache[2]
        head = heads.get(system_code)
        if head is None:
            _lock(session, system_code)
            if session.scalar(select(SystemRow.code).where(SystemRow.code == system_code)) is None:
                raise NotFound("system", system_code, input_name="system")
            head = heads[system_code] = _Head(self.size(session, system_code))
        return head

    def _load_frontier(self, session: Session, system_code: str, size: int) -> CompactRange:
        """The frontier at ``size``: the last checkpoint's, plus the leaves since."""
        row = session.scalars(
            select(Checkpoints)
            .where(Checkpoints.system_code == system_code, Checkpoints.tree_size <= size)
            .order_by(Checkpoints.tree_size.desc())
            .limit(1)
        ).first()
        frontier = CompactRange()
        if row is not None:
            hashes = [bytes.fromhex(h) for h in row.frontier.split()]
            frontier = CompactRange.from_hashes(row.tree_size, hashes)
            if frontier.root().hex() != row.root:
                raise RuntimeError(
                    f"register checkpoint {row.tree_size} of {system_code} is corrupt"
                )
        frontier.extend(
            bytes.fromhex(h)
            for h in session.scalars(
                select(Entries.leaf_hash)
                .where(Entries.system_code == system_code)
                .where(Entries.seq >= frontier.size, Entries.seq < size)
                .order_by(Entries.seq)
            )
        )
        if frontier.size != size:
            raise RuntimeError(f"the register of {system_code} has a gap before seq {size}")
        return frontier

    def _row(
        self, system_code: str, frontier: CompactRange, signer: Signer, now: datetime
    ) -> tuple[Checkpoint, dict[str, Any]]:
        checkpoint = sign(signer, self.origin(system_code), frontier.size, frontier.root())
        checkpoint = replace(checkpoint, created_at=now)
        row = {
            "system_code": system_code,
            "tree_size": checkpoint.tree_size,
            "root": checkpoint.root.hex(),
            "signature": base64.b64encode(checkpoint.signature).decode(),
            "origin": checkpoint.origin,
            "public_key": base64.b64encode(checkpoint.public_key).decode(),
            "frontier": " ".join(h.hex() for h in frontier.hashes()),
            "created_at": now,
        }
        return checkpoint, row

    def _private(self, session: Session, system_code: str, seq: int) -> PrivateItem:
        items = {item.seq: item for item in self.private_items(session, system_code)}
        if seq not in items:
            raise NotFound(
                "unrevealed private entry", str(seq), input_name="seq", candidates=map(str, items)
            )
        return items[seq]


def _lock(session: Session, system_code: str) -> None:
    """Serialise appends to one system's register until this transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        digest = hashlib.sha256(f"ics-register:{system_code}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    elif dialect == "sqlite":
        # Any write takes SQLite's database write lock; this one changes nothing.
        session.execute(text("DELETE FROM register_private WHERE 1 = 0"))
