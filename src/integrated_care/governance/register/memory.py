"""A register held in memory: the same entries, tree and checkpoints as the store, no database.

Used by tests, benchmarks and anyone who wants to build or replay a log without a workspace.
"""

from __future__ import annotations

import io
from datetime import datetime

from integrated_care.errors import NotFound
from integrated_care.governance.register.checkpoints import (
    DEFAULT_ORIGIN,
    Checkpoint,
    origin_for,
    sign,
)
from integrated_care.governance.register.entries import (
    Entry,
    Event,
    PrivateItem,
    encode,
    reveal_event,
)
from integrated_care.governance.register.export import write_log
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.merkle import CompactRange


class MemoryRegister:
    def __init__(
        self,
        system: str,
        signer: Signer,
        *,
        checkpoint_every: int = 1000,
        origin: str = DEFAULT_ORIGIN,
    ) -> None:
        self.system = system
        self.signer = signer
        self.checkpoint_every = checkpoint_every
        self.origin = origin_for(system, origin)
        self.entries: list[Entry] = []
        self.private: dict[int, PrivateItem] = {}
        self.checkpoints: list[Checkpoint] = []
        self.frontier = CompactRange()

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, event: Event) -> Entry:
        entry, item = encode(self.system, self.size, event)
        self.entries.append(entry)
        if item is not None:
            self.private[item.seq] = item
        self.frontier.append(entry.leaf_hash)
        if self.checkpoint_every and self.size % self.checkpoint_every == 0:
            self.checkpoint()
        return entry

    def checkpoint(self) -> Checkpoint:
        if self.checkpoints and self.checkpoints[-1].tree_size == self.size:
            return self.checkpoints[-1]
        checkpoint = sign(self.signer, self.origin, self.size, self.frontier.root())
        self.checkpoints.append(checkpoint)
        return checkpoint

    def reveal(self, seq: int, *, at: datetime) -> Entry:
        item = self.private.pop(seq, None)
        if item is None:
            raise NotFound("unrevealed private entry", str(seq), input_name="seq")
        return self.append(reveal_event(item, at=at, body=self.entries[seq].body))

    def export(self) -> bytes:
        out = io.BytesIO()
        write_log(
            out,
            system=self.system,
            origin=self.origin,
            public_key=self.signer.public_key,
            count=self.size,
            leaves=(e.leaf for e in self.entries),
            checkpoints=self.checkpoints,
        )
        return out.getvalue()
