"""Verification needs only the export and the public key, and names the first bad entry."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from integrated_care.governance.register.checkpoints import sign
from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.memory import MemoryRegister
from integrated_care.governance.register.verify import (
    Report,
    main,
    verify_bytes,
    verify_file,
)

from .conftest import AT, SYSTEM, vote


def build(register: MemoryRegister, votes: int = 10) -> bytes:
    """``votes`` votes, a private decision revealed, and a final checkpoint."""
    for number in range(votes):
        register.append(vote(number))
    secret = register.append(
        Event("decision", {"proposal_id": "P-1", "carried": True}, AT, "QT1-BOARD", private=True)
    )
    register.append(vote(99))
    register.reveal(secret.seq, at=AT)
    register.checkpoint()
    return register.export()


def lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def failed(data: bytes, key: bytes) -> Report:
    report = verify_bytes(data, key)
    assert not report.ok, "tampering went unnoticed"
    assert report.failure is not None
    return report


def test_an_honest_export_verifies(memory: MemoryRegister, signer: Signer) -> None:
    report = verify_bytes(build(memory), signer.public_key)
    assert report.ok, report.failure
    assert (report.entries, report.checkpoints, report.signed_size) == (13, 4, 13)
    assert (report.system, report.reveals, report.unrevealed) == (SYSTEM, 1, [])
    assert report.origin == "integrated-care/QT1/register"


def test_every_line_is_canonical_and_entries_are_their_leaves(memory: MemoryRegister) -> None:
    data = build(memory)
    lines = lines_of(data)
    assert all(line.endswith(b"\n") for line in lines)
    header = json.loads(lines[0])
    assert header["entries"] == 13
    assert header["public_key"] == memory.signer.public_key_b64
    entry_lines = [line[:-1] for line in lines[1:] if not line.startswith(b'{"checkpoint"')]
    assert entry_lines == [entry.leaf for entry in memory.entries]
    for line in lines:
        value = json.loads(line)
        assert (
            json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + ("\n")
            == line.decode()
        )


def test_a_changed_entry_is_named_by_the_range_its_checkpoint_signs(
    memory: MemoryRegister, signer: Signer
) -> None:
    lines = lines_of(build(memory))
    assert lines[7].startswith(b'{"at"')
    assert b'"seq":5' in lines[7]
    lines[7] = lines[7].replace(b"Member 5", b"Member X")
    failure = failed(b"".join(lines), signer.public_key).failure
    assert failure is not None
    assert (failure.seq, failure.line) == (4, 7)  # the first entry after the checkpoint of 4
    assert "entries seq 4–7" in failure.message


def test_a_deleted_entry_is_named(memory: MemoryRegister, signer: Signer) -> None:
    lines = lines_of(build(memory))
    del lines[3]  # seq 2, on line 4
    failure = failed(b"".join(lines), signer.public_key).failure
    assert failure is not None
    assert (failure.line, failure.seq) == (4, 2)
    assert "entry seq 2 is missing" in failure.message


def test_reordered_entries_are_named(memory: MemoryRegister, signer: Signer) -> None:
    lines = lines_of(build(memory))
    lines[2], lines[3] = lines[3], lines[2]  # seq 1 and seq 2
    failure = failed(b"".join(lines), signer.public_key).failure
    assert failure is not None
    assert (failure.line, failure.seq) == (3, 1)


def test_an_inserted_entry_is_named(memory: MemoryRegister, signer: Signer) -> None:
    lines = lines_of(build(memory))
    lines.insert(4, lines[3])
    failure = failed(b"".join(lines), signer.public_key).failure
    assert failure is not None
    assert (failure.line, failure.seq) == (5, 3)
    assert "seq 2 appears again" in failure.message


@pytest.mark.parametrize("keep", range(1, 17))
def test_truncation_anywhere_is_detected(memory: MemoryRegister, signer: Signer, keep: int) -> None:
    lines = lines_of(build(memory))
    assert len(lines) == 18
    failed(b"".join(lines[:keep]), signer.public_key)


def test_a_file_cut_mid_line_is_detected(memory: MemoryRegister, signer: Signer) -> None:
    data = build(memory)
    failure = failed(data[:-1], signer.public_key).failure
    assert failure is not None
    assert "no newline" in failure.message
    assert failed(b"", signer.public_key).failure is not None


def test_the_wrong_key_fails_at_the_header(memory: MemoryRegister) -> None:
    failure = failed(build(memory), Signer.generate().public_key).failure
    assert failure is not None
    assert (failure.line, failure.seq) == (1, None)
    assert "different public key" in failure.message


def test_a_forged_header_key_still_fails_the_signatures(
    memory: MemoryRegister, signer: Signer
) -> None:
    other = Signer.generate()
    data = build(memory).replace(signer.public_key_b64.encode(), other.public_key_b64.encode())
    failure = failed(data, other.public_key).failure
    assert failure is not None
    assert "signature" in failure.message


def test_checkpoints_must_stand_where_their_size_says(
    memory: MemoryRegister, signer: Signer
) -> None:
    lines = lines_of(build(memory))
    assert lines[5].startswith(b'{"checkpoint"')
    lines[5], lines[6] = lines[6], lines[5]
    failure = failed(b"".join(lines), signer.public_key).failure
    assert failure is not None
    assert "stands after 5 entries" in failure.message


def test_a_reveal_with_the_wrong_salt_fails(memory: MemoryRegister, signer: Signer) -> None:
    for number in range(3):
        memory.append(vote(number))
    secret = memory.append(Event("decision", {"carried": False}, AT, private=True))
    item = memory.private.pop(secret.seq)
    forged = type(item)(item.seq, hashlib.sha256(b"guess").digest(), item.payload_text, None)
    memory.private[secret.seq] = forged
    reveal = memory.reveal(secret.seq, at=AT)
    memory.checkpoint()
    failure = failed(memory.export(), signer.public_key).failure
    assert failure is not None
    assert failure.seq == reveal.seq
    assert "do not match the commitment of seq 3" in failure.message


def test_a_reveal_of_something_never_committed_fails(signer: Signer) -> None:
    register = MemoryRegister(SYSTEM, signer, checkpoint_every=0)
    register.append(vote(0))
    payload = {"of_seq": 0, "salt": "00" * 32, "payload_json": "{}"}
    register.append(Event("commitment_revealed", payload, AT))
    register.checkpoint()
    failure = failed(register.export(), signer.public_key).failure
    assert failure is not None
    assert failure.seq == 1
    assert "no unrevealed private" in failure.message


def test_unrevealed_commitments_are_reported(signer: Signer) -> None:
    register = MemoryRegister(SYSTEM, signer, checkpoint_every=0)
    register.append(Event("decision", {"x": 1}, AT, private=True, reveal_after=date(2030, 1, 1)))
    register.checkpoint()
    report = verify_bytes(register.export(), signer.public_key)
    assert report.ok
    assert report.unrevealed == [0]


def test_entries_after_the_last_checkpoint_are_checked_but_unsigned(signer: Signer) -> None:
    register = MemoryRegister(SYSTEM, signer, checkpoint_every=4)
    for number in range(6):
        register.append(vote(number))
    data = register.export()
    report = verify_bytes(data, signer.public_key)
    assert report.ok
    assert report.signed_size == 4
    assert report.unsigned_tail == 2
    lines = lines_of(data)
    failed(b"".join(lines[:-1]), signer.public_key)  # the tail cannot lose an entry
    failed(b"".join([*lines, lines[-1]]), signer.public_key)  # nor gain one


def test_an_empty_register_verifies(signer: Signer) -> None:
    register = MemoryRegister(SYSTEM, signer)
    assert verify_bytes(register.export(), signer.public_key).ok
    register.checkpoint()
    report = verify_bytes(register.export(), signer.public_key)
    assert report.ok
    assert report.checkpoints == 1


def test_a_checkpoint_by_another_origin_is_not_exported(signer: Signer) -> None:
    register = MemoryRegister(SYSTEM, signer, checkpoint_every=0)
    register.append(vote(0))
    register.checkpoints.append(sign(signer, "someone/else", 1, register.frontier.root()))
    assert b"someone/else" not in register.export()


def test_the_standalone_command(
    memory: MemoryRegister, signer: Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "register.jsonl"
    export.write_bytes(build(memory))
    key = tmp_path / "key.pem"
    key.write_text(signer.public_key_pem())
    assert verify_file(export, signer.public_key).ok
    assert main([str(export), "--public-key", str(key)]) == 0
    assert main([str(export), "--public-key", signer.public_key_b64]) == 0
    assert "OK: 13 entries" in capsys.readouterr().out
    export.write_bytes(export.read_bytes().replace(b"Member 1", b"Member 2"))
    assert main([str(export), "--public-key", signer.public_key_b64]) == 1
    assert "FAILED: line 2, entry seq 0" in capsys.readouterr().err
