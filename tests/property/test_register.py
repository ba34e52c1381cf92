"""Every mutation of an exported register is detected by verification.

The export holds votes, a proposal, a private decision and its reveal, with a checkpoint every
seven entries and a final one, so every line is covered by a signature. Whatever is done to
it — a byte flipped anywhere (newlines included), a line deleted, two lines swapped, a line
duplicated, the file cut after any line — ``verify`` fails and says where: an entry's seq, or
a line (the header is line 1; the line after the last names a cut file). A slower test
flips every single bit of a small export, one at a time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrated_care.governance.register.entries import Event
from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.memory import MemoryRegister
from integrated_care.governance.register.verify import Report, verify_bytes

AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
EXAMPLES = settings(max_examples=300, deadline=None)


@cache
def export() -> tuple[bytes, bytes]:
    """(the export, the public key), built once."""
    signer = Signer.generate()
    register = MemoryRegister("QT1", signer, checkpoint_every=7)
    register.append(Event("proposal", {"proposal_id": "P-1", "title": "Outsource"}, AT, "B"))
    for number in range(20):
        choice = "against" if number == 3 else "for"
        payload = {"proposal_id": "P-1", "seat_id": f"S-{number}", "choice": choice, "weight": 1}
        register.append(Event("vote", payload, AT + timedelta(minutes=number), "B"))
    secret = register.append(Event("decision", {"carried": False}, AT, "B", private=True))
    register.append(Event("hwb_opinion", {"text": "Nous sommes d’accord — ✓"}, AT))
    register.reveal(secret.seq, at=AT)
    register.checkpoint()
    data = register.export()
    assert verify_bytes(data, signer.public_key).ok
    return data, signer.public_key


def lines() -> list[bytes]:
    return export()[0].splitlines(keepends=True)


def detected(mutated: list[bytes]) -> Report:
    report = verify_bytes(b"".join(mutated), export()[1])
    assert not report.ok, "the mutation went unnoticed"
    failure = report.failure
    assert failure is not None
    assert 1 <= failure.line <= len(mutated) + 1
    assert failure.seq is None or failure.seq >= 0
    assert str(failure).startswith(f"line {failure.line}")
    return report


COUNT = len(lines())
line_index = st.integers(0, COUNT - 1)


@EXAMPLES
@given(line_index, st.data(), st.integers(1, 255))
def test_a_flipped_byte_is_detected(index: int, data: st.DataObject, mask: int) -> None:
    mutated = lines()
    line = mutated[index]
    position = data.draw(st.integers(0, len(line) - 1), label="position")
    mutated[index] = line[:position] + bytes([line[position] ^ mask]) + line[position + 1 :]
    detected(mutated)


@EXAMPLES
@given(line_index)
def test_a_deleted_line_is_detected(index: int) -> None:
    mutated = lines()
    del mutated[index]
    detected(mutated)


@EXAMPLES
@given(line_index, line_index)
def test_two_swapped_lines_are_detected(first: int, second: int) -> None:
    mutated = lines()
    if mutated[first] == mutated[second]:
        return
    mutated[first], mutated[second] = mutated[second], mutated[first]
    detected(mutated)


@EXAMPLES
@given(line_index, st.integers(0, COUNT))
def test_a_duplicated_line_is_detected(index: int, where: int) -> None:
    mutated = lines()
    mutated.insert(where, mutated[index])
    detected(mutated)


@EXAMPLES
@given(st.integers(0, COUNT - 1))
def test_a_truncated_file_is_detected(keep: int) -> None:
    detected(lines()[:keep])


def test_every_single_line_deletion_and_truncation() -> None:
    """Exhaustively, beside the sampled cases above."""
    for index in range(COUNT):
        mutated = lines()
        del mutated[index]
        detected(mutated)
        detected(lines()[:index])


@pytest.mark.slow
def test_every_single_bit_flip_of_a_small_export_is_detected() -> None:
    """Exhaustively: each of the 8 bits of every byte, header and checkpoints included."""
    signer = Signer.generate()
    register = MemoryRegister("QT1", signer, checkpoint_every=3)
    for number in range(4):
        register.append(Event("vote", {"seat_id": f"S-{number}", "choice": "for"}, AT, "B"))
    secret = register.append(Event("decision", {"carried": True}, AT, private=True))
    register.reveal(secret.seq, at=AT)
    register.checkpoint()
    data = register.export()
    missed = []
    for position in range(len(data)):
        for bit in range(8):
            mutated = bytearray(data)
            mutated[position] ^= 1 << bit
            if verify_bytes(bytes(mutated), signer.public_key).ok:
                missed.append((position, bit))
    assert missed == []
