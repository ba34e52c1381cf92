"""Reading the register: entries, checkpoints, private items and proofs (``RegisterStore``
inherits these)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrated_care.errors import InvalidInput
from integrated_care.governance.register.checkpoints import Checkpoint, InclusionProof
from integrated_care.governance.register.entries import Entry, PrivateItem
from integrated_care.governance.register.merkle import MerkleTree
from integrated_care.persistence.register_models import (
    RegisterCheckpointRow,
    RegisterEntryRow,
    RegisterPrivateRow,
)

Entries = RegisterEntryRow
Checkpoints = RegisterCheckpointRow
Private = RegisterPrivateRow


def checkpoint_of(row: RegisterCheckpointRow) -> Checkpoint:
    return Checkpoint(
        row.origin,
        row.tree_size,
        bytes.fromhex(row.root),
        base64.b64decode(row.signature),
        base64.b64decode(row.public_key),
        row.created_at,
    )


class RegisterReader:
    """The read side of ``RegisterStore`` (no lock, no cache: plain queries)."""

    def size(self, session: Session, system_code: str) -> int:
        top = session.scalar(
            select(func.max(Entries.seq)).where(Entries.system_code == system_code)
        )
        return 0 if top is None else int(top) + 1

    def entries(
        self, session: Session, system_code: str, *, start: int = 0, stop: int | None = None
    ) -> list[Entry]:
        query = select(Entries.leaf).where(Entries.system_code == system_code, Entries.seq >= start)
        if stop is not None:
            query = query.where(Entries.seq < stop)
        return [Entry.parse(leaf.encode()) for leaf in session.scalars(query.order_by(Entries.seq))]

    def last(self, session: Session, system_code: str, count: int) -> list[Entry]:
        return self.entries(
            session, system_code, start=max(0, self.size(session, system_code) - count)
        )

    def iter_leaves(
        self, session: Session, system_code: str, chunk: int = 10_000
    ) -> Iterator[bytes]:
        """Every leaf in ``seq`` order, read a chunk at a time."""
        low = 0
        while True:
            leaves = session.scalars(
                select(Entries.leaf)
                .where(Entries.system_code == system_code, Entries.seq >= low)
                .where(Entries.seq < low + chunk)
                .order_by(Entries.seq)
            ).all()
            for leaf in leaves:
                yield leaf.encode()
            if len(leaves) < chunk:
                return
            low += chunk

    def leaf_hashes(
        self, session: Session, system_code: str, size: int | None = None
    ) -> list[bytes]:
        query = select(Entries.leaf_hash).where(Entries.system_code == system_code)
        if size is not None:
            query = query.where(Entries.seq < size)
        return [bytes.fromhex(h) for h in session.scalars(query.order_by(Entries.seq))]

    def checkpoints(
        self, session: Session, system_code: str, *, public_key: bytes | None = None
    ) -> list[Checkpoint]:
        query = select(Checkpoints).where(Checkpoints.system_code == system_code)
        if public_key is not None:
            query = query.where(Checkpoints.public_key == base64.b64encode(public_key).decode())
        return [
            checkpoint_of(row) for row in session.scalars(query.order_by(Checkpoints.tree_size))
        ]

    def latest_checkpoint(
        self, session: Session, system_code: str, *, public_key: bytes | None = None
    ) -> Checkpoint | None:
        found = self.checkpoints(session, system_code, public_key=public_key)
        return found[-1] if found else None

    def private_items(self, session: Session, system_code: str) -> list[PrivateItem]:
        rows = session.execute(
            select(Private.seq, Private.salt, Private.payload, Private.reveal_after)
            .where(Private.system_code == system_code)
            .order_by(Private.seq)
        )
        return [
            PrivateItem(seq, bytes.fromhex(salt), text, after) for seq, salt, text, after in rows
        ]

    def inclusion_proof(
        self, session: Session, system_code: str, seq: int, size: int | None = None
    ) -> InclusionProof:
        """The audit path of entry ``seq`` in the tree of ``size`` (default: the latest
        checkpoint's size), with that size's checkpoint when there is one."""
        found = {c.tree_size: c for c in self.checkpoints(session, system_code)}
        if size is None:
            if not found:
                raise InvalidInput(
                    "The register has no checkpoint yet.",
                    input_name="seq",
                    expected="run 'ics register checkpoint' first",
                )
            size = max(found)
        if not 0 <= seq < size:
            raise InvalidInput(
                f"Entry seq {seq} is not in the tree of size {size}.",
                input_name="seq",
                expected=f"a seq from 0 to {size - 1}, or a newer checkpoint",
            )
        tree = MerkleTree(self.leaf_hashes(session, system_code, size))
        if tree.size != size:
            raise InvalidInput(f"The register has only {tree.size} entries.", input_name="size")
        leaf = self._entries_at(session, system_code, [seq])[0].leaf
        return InclusionProof(seq, size, leaf, tree.inclusion_proof(seq, size), found.get(size))

    def consistency_proof(
        self, session: Session, system_code: str, old: int, new: int
    ) -> list[bytes]:
        if not 0 <= old <= new <= self.size(session, system_code):
            raise InvalidInput(
                f"No consistency proof from size {old} to size {new}.", input_name="size"
            )
        return MerkleTree(self.leaf_hashes(session, system_code, new)).consistency_proof(old, new)

    def _entries_at(self, session: Session, system_code: str, seqs: list[int]) -> list[Entry]:
        query = select(Entries.leaf).where(
            Entries.system_code == system_code, Entries.seq.in_(seqs)
        )
        return [Entry.parse(leaf.encode()) for leaf in session.scalars(query.order_by(Entries.seq))]
