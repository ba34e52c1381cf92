"""``ics register``: export, verify, public key, checkpoint, show, prove, reveal-due."""

from __future__ import annotations

import io
import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.cli.common import (
    AsOfOption,
    JsonOption,
    WorkspaceOption,
    console,
    err_console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.errors import InvalidInput
from integrated_care.governance.register.export import csv_text, export_log
from integrated_care.governance.register.keys import read_public_key
from integrated_care.governance.register.popolo import popolo
from integrated_care.governance.register.store import RegisterStore
from integrated_care.governance.register.verify import verify_file
from integrated_care.persistence.types import utc_now

app = typer.Typer(
    help="The public, tamper-evident decision register (signed Merkle log).",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    POPOLO = "popolo"
    CSV = "csv"


class KeyFormat(StrEnum):
    BASE64 = "base64"
    PEM = "pem"
    VKEY = "vkey"


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a reader never sees half a register."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(
            f"Cannot write {path}: {error.strerror}.",
            input_name="FILE",
            expected="a writable path",
        ) from None


@app.command()
@handle_errors
def export(
    file: Annotated[Path, typer.Argument(help="Where to write the export.")],
    format: Annotated[  # noqa: A002 - the option's name
        ExportFormat, typer.Option("--format", help="jsonl (verifiable), popolo or csv.")
    ] = ExportFormat.JSONL,
    checkpoint: Annotated[
        bool,
        typer.Option(help="Sign a checkpoint of the whole register first (jsonl)."),
    ] = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Export the register: JSON Lines that 'ics register verify' checks, Popolo JSON or CSV."""
    ws = open_workspace(workspace)
    store = RegisterStore.for_workspace(ws.path)
    if format is ExportFormat.JSONL:
        assert store.signer is not None
        if checkpoint:
            with ws.uow() as uow:
                store.checkpoint(uow.session, ws.system)
                uow.commit()
        buffer = io.BytesIO()
        with ws.uow() as uow:
            summary = export_log(uow.session, store, ws.system, buffer, store.signer.public_key)
        _write(file, buffer.getvalue())
        unsigned = summary.entries - summary.signed_size
        console.print(
            f"Exported {summary.entries} entries and {summary.checkpoints} signed checkpoints "
            f"to {escape(str(file))}"
            + (f"; {unsigned} entries after the last checkpoint." if unsigned else ".")
        )
        return
    with ws.uow() as uow:
        entries = store.entries(uow.session, ws.system)
    if format is ExportFormat.POPOLO:
        text = json.dumps(popolo(entries), indent=2, ensure_ascii=False) + "\n"
    else:
        text = csv_text(entries)
    _write(file, text.encode("utf-8"))
    console.print(f"Exported {len(entries)} entries as {format.value} to {escape(str(file))}.")


@app.command()
@handle_errors
def verify(
    file: Annotated[Path, typer.Argument(help="An export made by 'ics register export'.")],
    public_key: Annotated[
        str,
        typer.Option(
            "--public-key", help="The log's public key: base64, PEM, or a file holding one."
        ),
    ],
    json_output: JsonOption = False,
) -> None:
    """Verify an export with nothing but the file and the public key; exit 1 on any failure."""
    key = read_public_key(public_key)
    if not file.is_file():
        raise InvalidInput(
            f"No export file at {file}.", input_name="FILE", expected="a file to verify"
        )
    report = verify_file(file, key)
    if json_output:
        failure = report.failure
        print_json(
            {
                "ok": report.ok,
                "failure": None
                if failure is None
                else {"line": failure.line, "seq": failure.seq, "message": failure.message},
                "system": report.system,
                "origin": report.origin,
                "entries": report.entries,
                "checkpoints": report.checkpoints,
                "signed_size": report.signed_size,
                "reveals": report.reveals,
                "unrevealed": report.unrevealed,
            }
        )
    if report.failure is not None:
        if not json_output:
            err_console.print(
                f"[bold red]Verification FAILED[/] at {escape(str(report.failure))}",
                highlight=False,
            )
        raise typer.Exit(code=1)
    if json_output:
        return
    console.print(
        f"Verified: {report.entries} entries of {escape(str(report.system))}, "
        f"{report.checkpoints} checkpoints signed by {escape(str(report.origin))}; "
        f"{report.reveals} private items revealed, {len(report.unrevealed)} still private."
    )
    if report.unsigned_tail:
        console.print(
            f"Warning: the last {report.unsigned_tail} entries follow the last checkpoint; "
            "they are consistent but not yet signed."
        )


@app.command("public-key")
@handle_errors
def public_key(
    format: Annotated[  # noqa: A002 - the option's name
        KeyFormat,
        typer.Option("--format", help="base64 (raw 32 bytes), pem, or vkey (C2SP)."),
    ] = KeyFormat.BASE64,
    workspace: WorkspaceOption = None,
) -> None:
    """Print the public key that verifies this workspace's register."""
    ws = open_workspace(workspace)
    store = RegisterStore.for_workspace(ws.path)
    assert store.signer is not None
    if format is KeyFormat.PEM:
        typer.echo(store.signer.public_key_pem(), nl=False)
    elif format is KeyFormat.VKEY:
        typer.echo(store.signer.verifier_key(store.origin(ws.system)))
    else:
        typer.echo(store.signer.public_key_b64)


@app.command()
@handle_errors
def checkpoint(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """Sign a checkpoint of the register as it stands now."""
    ws = open_workspace(workspace)
    store = RegisterStore.for_workspace(ws.path)
    with ws.uow() as uow:
        made = store.checkpoint(uow.session, ws.system)
        uow.commit()
    if json_output:
        print_json({"tree_size": made.tree_size, "root": made.root_b64, "note": made.note})
        return
    typer.echo(made.note, nl=False)


@app.command()
@handle_errors
def show(
    last: Annotated[int, typer.Option("--last", min=1, help="How many entries.")] = 20,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """The latest entries of the register."""
    ws = open_workspace(workspace)
    store = RegisterStore()
    with ws.uow() as uow:
        entries = store.last(uow.session, ws.system, last)
        size = store.size(uow.session, ws.system)
        latest = store.latest_checkpoint(uow.session, ws.system)
    if json_output:
        print_json([json.loads(e.leaf) for e in entries])
        return
    signed = latest.tree_size if latest else 0
    table = Table(title=f"Register of {ws.system}: {size} entries, {signed} signed")
    for column in ("seq", "at", "type", "body", "payload"):
        table.add_column(column)
    for entry in entries:
        detail = (
            f"private (commitment {entry.commitment[:12]}…, reveal after "
            f"{entry.reveal_after or 'not set'})"
            if entry.commitment
            else json.dumps(entry.payload, ensure_ascii=False)
        )
        table.add_row(
            str(entry.seq), entry.at, entry.type, escape(entry.body or ""), escape(detail[:120])
        )
    console.print(table)


@app.command()
@handle_errors
def prove(
    seq: Annotated[int, typer.Argument(help="The entry's seq.")],
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """An inclusion proof of entry SEQ against the latest checkpoint (a C2SP tlog-proof)."""
    ws = open_workspace(workspace)
    store = RegisterStore()
    with ws.uow() as uow:
        proof = store.inclusion_proof(uow.session, ws.system, seq)
    if json_output:
        print_json(
            {
                "index": proof.index,
                "tree_size": proof.tree_size,
                "entry": proof.leaf.decode(),
                "inclusion_path": [h.hex() for h in proof.path],
                "checkpoint": proof.checkpoint.note if proof.checkpoint else None,
            }
        )
        return
    typer.echo(proof.text(), nl=False)


@app.command("reveal-due")
@handle_errors
def reveal_due(as_of: AsOfOption = None, workspace: WorkspaceOption = None) -> None:
    """Publish every private item whose reveal date has come."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    store = RegisterStore.for_workspace(ws.path)
    with ws.uow() as uow:
        seqs = store.reveal_due(uow.session, ws.system, day, at=utc_now())
        uow.commit()
    console.print(f"Revealed {len(seqs)} private items" + (f": seq {seqs}." if seqs else "."))
