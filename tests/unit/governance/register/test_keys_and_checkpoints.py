"""The signing key lives in a 0600 PEM file; checkpoints are C2SP signed notes."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

from integrated_care.errors import InvalidInput, WorkspaceError
from integrated_care.governance.register.checkpoints import origin_for, sign
from integrated_care.governance.register.keys import (
    KEY_ENV,
    KEY_FILE,
    Signer,
    read_public_key,
    workspace_signer,
)
from integrated_care.governance.register.merkle import EMPTY_ROOT
from integrated_care.governance.register.verify import key_id, open_note

ORIGIN = "integrated-care/QT1/register"


def test_the_key_is_created_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    first = workspace_signer(tmp_path)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert workspace_signer(tmp_path).public_key == first.public_key
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_ics_register_key_names_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "keys" / "register.pem"
    monkeypatch.setenv(KEY_ENV, str(elsewhere))
    signer = workspace_signer(tmp_path / "workspace")
    assert elsewhere.exists()
    assert not (tmp_path / "workspace" / KEY_FILE).exists()
    assert signer.path == elsewhere


def test_a_key_that_is_not_ed25519_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv(KEY_ENV, str(path))
    with pytest.raises(WorkspaceError, match="not an Ed25519 key"):
        workspace_signer(tmp_path)
    path.write_text("garbage")
    with pytest.raises(WorkspaceError, match="cannot be read"):
        workspace_signer(tmp_path)


def test_public_keys_are_read_in_every_published_form(tmp_path: Path) -> None:
    signer = Signer.generate()
    raw = signer.public_key
    pem_file = tmp_path / "key.pem"
    pem_file.write_text(signer.public_key_pem())
    b64_file = tmp_path / "key.b64"
    b64_file.write_text(signer.public_key_b64 + "\n")
    plus = next(s for s in iter(Signer.generate, None) if s.public_key_b64.count("+") >= 2)
    assert read_public_key(plus.public_key_b64) == plus.public_key
    assert read_public_key(plus.verifier_key(ORIGIN)) == plus.public_key
    for form in (
        signer.public_key_b64,
        signer.public_key_pem(),
        signer.verifier_key(ORIGIN),
        str(pem_file),
        str(b64_file),
    ):
        assert read_public_key(form) == raw
    for bad in ("", "not a key", base64.b64encode(b"short").decode(), str(tmp_path / "none")):
        with pytest.raises(InvalidInput, match="Cannot read the public key"):
            read_public_key(bad)


def test_the_key_id_is_the_c2sp_one() -> None:
    signer = Signer.generate()
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + signer.public_key).digest()[:4]
    assert key_id(ORIGIN, signer.public_key) == expected
    name, kid, encoded = signer.verifier_key(ORIGIN).split("+", 2)
    assert (name, kid) == (ORIGIN, expected.hex())
    assert base64.b64decode(encoded) == b"\x01" + signer.public_key


def test_a_checkpoint_is_a_signed_tlog_checkpoint_note() -> None:
    signer = Signer.generate()
    root = hashlib.sha256(b"root").digest()
    checkpoint = sign(signer, ORIGIN, 1000, root)
    body = f"{ORIGIN}\n1000\n{base64.b64encode(root).decode()}\n"
    assert checkpoint.body == body
    text, separator, signature_line = checkpoint.note.partition("\n\n")
    assert text + "\n" == body
    assert separator
    dash, name, blob = signature_line.rstrip("\n").split(" ")
    assert (dash, name) == ("—", ORIGIN)
    decoded = base64.b64decode(blob)
    assert decoded[:4] == key_id(ORIGIN, signer.public_key)
    signer.private_key.public_key().verify(decoded[4:], body.encode())
    assert open_note(checkpoint.note, ORIGIN, signer.public_key) == (1000, root)
    assert checkpoint.verify()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n: n.replace("\n1000\n", "\n1001\n"), "does not verify"),
        (lambda n: n.replace(ORIGIN + "\n", "other/log\n", 1), "origin"),
        (lambda n: n.replace("\n\n", "\n"), "not a signed note"),
        (lambda n: n.replace("— ", "-- "), "malformed signature"),
        (lambda n: n.replace(f"— {ORIGIN}", "— other/log"), "no valid signature"),
        (lambda n: n.replace("\n1000\n", "\n01000\n"), "decimal"),
    ],
)
def test_a_changed_note_is_refused(change: object, message: str) -> None:
    signer = Signer.generate()
    note = sign(signer, ORIGIN, 1000, EMPTY_ROOT).note
    with pytest.raises(ValueError, match=message):
        open_note(change(note), ORIGIN, signer.public_key)  # type: ignore[operator]


def test_another_key_does_not_verify() -> None:
    note = sign(Signer.generate(), ORIGIN, 5, EMPTY_ROOT).note
    with pytest.raises(ValueError, match="no valid signature"):
        open_note(note, ORIGIN, Signer.generate().public_key)


def test_origins_are_key_names() -> None:
    assert origin_for("QT1") == ORIGIN
    for bad in ("has space/{system}", "plus+{system}", ""):
        with pytest.raises(ValueError, match="no spaces"):
            origin_for("QT1", bad)


def test_the_key_file_is_not_world_readable_even_with_a_lax_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    old = os.umask(0)
    try:
        workspace_signer(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
