"""The public decision register: read it, prove an entry, download it and its key, verify it.

Everything here is public: the register is how anyone can check the partnership's decisions
have not been changed after the fact. Private items appear as salted commitments until
revealed. The only write is signing a checkpoint (board secretary or admin).
"""

from __future__ import annotations

import base64
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import PlainTextResponse, Response

from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.routers.governance_common import READ_ERRORS, WRITE_ERRORS, SignedUowDep
from integrated_care.api.schemas.register import (
    CheckpointRead,
    EntriesRead,
    EntryRead,
    ProofRead,
    VerificationRead,
)
from integrated_care.governance.register.checkpoints import Checkpoint, origin_for
from integrated_care.governance.register.entries import Entry
from integrated_care.services import governance_queries as queries
from integrated_care.services.register_events import signer_for

router = APIRouter(tags=["register"], dependencies=[Depends(current_actor)])
EXPORT_NAME = "register-{system}.jsonl"


def entry_read(entry: Entry) -> EntryRead:
    return EntryRead(
        seq=entry.seq,
        at=entry.at,
        type=entry.type,
        system=entry.system,
        body=entry.body,
        payload=entry.payload,
        commitment=entry.commitment,
        reveal_after=entry.reveal_after,
        leaf_hash=entry.leaf_hash.hex(),
    )


def checkpoint_read(checkpoint: Checkpoint) -> CheckpointRead:
    return CheckpointRead(
        origin=checkpoint.origin,
        tree_size=checkpoint.tree_size,
        root=checkpoint.root_b64,
        created_at=checkpoint.created_at,
        public_key=_b64(checkpoint.public_key),
        note=checkpoint.note,
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@router.get("/register/entries", response_model=EntriesRead, responses=READ_ERRORS)
def entries(
    uow: UowDep,
    workspace: WorkspaceDep,
    start: Annotated[
        int | None, Query(ge=0, description="First seq (default: the latest page).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_PAGE, description="Page size.")] = 50,
) -> EntriesRead:
    """A page of register entries in seq order; without ``start``, the latest page."""
    size, found = queries.register_entries(uow, workspace.system, start=start, limit=limit)
    first = found[0].seq if found else (start or 0)
    following = first + len(found)
    return EntriesRead(
        size=size,
        start=first,
        entries=[entry_read(e) for e in found],
        next_start=following if following < size else None,
    )


@router.get("/register/checkpoint", response_model=CheckpointRead | None, responses=READ_ERRORS)
def checkpoint(uow: UowDep, workspace: WorkspaceDep) -> CheckpointRead | None:
    """The latest signed checkpoint (tree head) made with this workspace's key, or null."""
    found = queries.latest_checkpoint(uow, workspace.system, signer_for(workspace).public_key)
    return checkpoint_read(found) if found else None


@router.post("/register/checkpoint", response_model=CheckpointRead, responses=WRITE_ERRORS)
def sign_checkpoint(
    actor: SignedInDep, uow: SignedUowDep, workspace: WorkspaceDep
) -> CheckpointRead:
    """Sign a checkpoint of the register as it stands (board secretary or admin)."""
    made = queries.sign_tree_head(uow, workspace.system, signer_for(workspace), actor=actor)
    uow.commit()
    return checkpoint_read(made)


@router.get("/register/proofs/{seq}", response_model=ProofRead, responses=READ_ERRORS)
def proof(
    seq: Annotated[int, Path(ge=0, description="The entry's seq.")],
    uow: UowDep,
    workspace: WorkspaceDep,
) -> ProofRead:
    """An inclusion proof of entry ``seq`` against the latest signed checkpoint."""
    found = queries.inclusion_proof(uow, workspace.system, seq)
    return ProofRead(
        index=found.index,
        tree_size=found.tree_size,
        entry=found.leaf.decode("utf-8"),
        inclusion_path=[h.hex() for h in found.path],
        checkpoint=found.checkpoint.note if found.checkpoint else None,
        tlog_proof=found.text() if found.checkpoint else None,
    )


@router.get(
    "/register/public-key",
    response_class=PlainTextResponse,
    responses=READ_ERRORS | {200: {"content": {"text/plain": {}}}},
)
def public_key(
    workspace: WorkspaceDep,
    format: Annotated[  # noqa: A002 - the parameter's public name
        Literal["base64", "pem", "vkey"], Query(description="base64, pem or vkey (C2SP).")
    ] = "base64",
) -> Response:
    """The Ed25519 public key that verifies the register's checkpoints."""
    signer = signer_for(workspace)
    if format == "pem":
        text = signer.public_key_pem()
    elif format == "vkey":
        text = signer.verifier_key(origin_for(workspace.system)) + "\n"
    else:
        text = signer.public_key_b64 + "\n"
    name = f"register-{workspace.system}.{'pem' if format == 'pem' else 'pub'}"
    return PlainTextResponse(text, headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get(
    "/register/export",
    response_class=Response,
    responses=READ_ERRORS | {200: {"content": {"application/jsonl": {}}}},
)
def export(uow: UowDep, workspace: WorkspaceDep) -> Response:
    """The whole register as JSON Lines, verifiable with nothing but this file and the
    public key (``ics register verify FILE --public-key KEY``; docs/register.md)."""
    data = queries.export_bytes(uow, workspace.system, signer_for(workspace).public_key)
    name = EXPORT_NAME.format(system=workspace.system)
    return Response(
        data,
        media_type="application/jsonl",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/register/verification", response_model=VerificationRead, responses=READ_ERRORS)
def verification(uow: UowDep, workspace: WorkspaceDep) -> VerificationRead:
    """Export the stored register and verify it against the public key, as anyone would:
    every leaf hash, the Merkle tree, each checkpoint's signature and consistency proof."""
    key = signer_for(workspace).public_key
    status = queries.register_status(uow, workspace.system, key)
    return VerificationRead(
        ok=status.ok,
        failure=status.failure,
        entries=status.entries,
        checkpoints=status.checkpoints,
        signed_size=status.signed_size,
        unsigned=status.unsigned,
        latest=checkpoint_read(status.latest) if status.latest else None,
        public_key=_b64(key),
    )
