"""Signed checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes, Ed25519.

The body is ``<origin>\\n<tree size>\\n<base64 root hash>\\n``; the note appends a blank line
and one signature line ``— <origin> base64(key ID ‖ signature)`` where the key ID is the first
four bytes of SHA-256(origin ‖ 0x0A ‖ 0x01 ‖ public key)::

    integrated-care/QT1/register
    1000
    n5lS0sA0V8bX6dV0t9x0b8w3H0u3s3r0wYQ1xV1eCkM=

    — integrated-care/QT1/register Ab3dEF...==
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.merkle import leaf_hash, verify_inclusion
from integrated_care.governance.register.notes import b64decode_exact, key_id, open_note

DEFAULT_ORIGIN = "integrated-care/{system}/register"


def origin_for(system_code: str, template: str = DEFAULT_ORIGIN) -> str:
    """The checkpoint origin (and signing key name) of a system's register."""
    origin = template.format(system=system_code)
    if not origin or any(c.isspace() or c == "+" for c in origin):
        raise ValueError(f"origin {origin!r} must have no spaces and no '+'")
    return origin


def body(origin: str, tree_size: int, root: bytes) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root).decode('ascii')}\n"


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    tree_size: int
    root: bytes
    signature: bytes  # 64-byte Ed25519 signature of the body
    public_key: bytes  # raw 32 bytes
    created_at: datetime | None = None

    @property
    def body(self) -> str:
        return body(self.origin, self.tree_size, self.root)

    @property
    def note(self) -> str:
        """The signed note, as exported and as printed in proofs."""
        blob = key_id(self.origin, self.public_key) + self.signature
        return f"{self.body}\n— {self.origin} {base64.b64encode(blob).decode('ascii')}\n"

    @property
    def root_b64(self) -> str:
        return base64.b64encode(self.root).decode("ascii")

    def verify(self) -> bool:
        try:
            size, root = open_note(self.note, self.origin, self.public_key)
        except ValueError:
            return False
        return (size, root) == (self.tree_size, self.root)


def sign(signer: Signer, origin: str, tree_size: int, root: bytes) -> Checkpoint:
    signature = signer.sign(body(origin, tree_size, root).encode("utf-8"))
    return Checkpoint(origin, tree_size, root, signature, signer.public_key)


TLOG_PROOF = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf: bytes  # the entry's leaf bytes
    path: list[bytes]
    checkpoint: Checkpoint | None  # the signed checkpoint of ``tree_size``, if there is one

    def text(self) -> str:
        """The proof as a C2SP ``.tlog-proof``: header, index, path, blank line, checkpoint."""
        if self.checkpoint is None:
            raise ValueError("a tlog-proof needs the signed checkpoint of its tree size")
        hashes = "".join(base64.b64encode(h).decode() + "\n" for h in self.path)
        return f"{TLOG_PROOF}\nindex {self.index}\n{hashes}\n{self.checkpoint.note}"


def verify_tlog_proof(proof: str, leaf: bytes, origin: str, public_key: bytes) -> int:
    """Check a ``.tlog-proof`` for the entry whose leaf bytes are ``leaf``; returns its index.
    Raises ValueError saying what is wrong."""
    head, _, note = proof.partition("\n\n")
    lines = head.split("\n")
    if len(lines) < 2 or lines[0] != TLOG_PROOF or not lines[1].startswith("index "):
        raise ValueError("not a c2sp.org/tlog-proof@v1 proof")
    index = int(lines[1].removeprefix("index "))
    path = [b64decode_exact(line, 32) for line in lines[2:]]
    size, root = open_note(note, origin, public_key)
    hashes = [h for h in path if h is not None]
    if len(hashes) != len(path) or not verify_inclusion(leaf_hash(leaf), index, size, hashes, root):
        raise ValueError(f"entry {index} is not proven to be in the tree of size {size}")
    return index
