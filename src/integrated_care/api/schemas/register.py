"""The public decision register: entries, signed checkpoints, proofs and verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EntryRead(BaseModel):
    seq: int
    at: str = Field(description="UTC time of the event, ISO 8601 with Z.")
    type: str = Field(description="e.g. membership_change, vote, decision")
    system: str
    body: str | None
    payload: dict[str, Any] | None = Field(description="None for a private item.")
    commitment: str | None = Field(description="Private items: SHA-256 of salt and payload.")
    reveal_after: str | None
    leaf_hash: str = Field(description="Hex RFC 6962 leaf hash of the entry's exact bytes.")


class EntriesRead(BaseModel):
    size: int = Field(description="Entries in the register.")
    start: int
    entries: list[EntryRead]
    next_start: int | None = Field(description="Where the next page starts, if any.")


class CheckpointRead(BaseModel):
    origin: str
    tree_size: int
    root: str = Field(description="Base64 Merkle tree head.")
    created_at: datetime | None
    public_key: str = Field(description="Base64 Ed25519 public key that signed it.")
    note: str = Field(description="The C2SP signed note.")


class ProofRead(BaseModel):
    index: int
    tree_size: int
    entry: str = Field(description="The entry's exact leaf bytes.")
    inclusion_path: list[str] = Field(description="Hex hashes, leaf to root.")
    checkpoint: str | None = Field(description="The signed note of tree_size.")
    tlog_proof: str | None = Field(description="The proof as a C2SP tlog-proof.")


class VerificationRead(BaseModel):
    ok: bool
    failure: str | None = Field(description="The first failure, naming its line and seq.")
    entries: int
    checkpoints: int
    signed_size: int = Field(description="Entries covered by the latest signed checkpoint.")
    unsigned: int = Field(description="Entries after it: consistent, not yet signed.")
    latest: CheckpointRead | None
    public_key: str
