"""The register's Ed25519 signing key: kept outside the data, in a PEM file.

The key is ``<workspace>/register-signing-key.pem`` (or the file named by ``ICS_REGISTER_KEY``),
created on first use with mode 0600. Only its public half ever leaves the machine, as base64
of the raw 32 bytes (``ics register public-key``), PEM, or a C2SP verifier key.
"""

from __future__ import annotations

import base64
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from integrated_care.errors import InvalidInput, WorkspaceError
from integrated_care.governance.register.notes import ED25519, key_id, parse_public_key

KEY_FILE = "register-signing-key.pem"
KEY_ENV = "ICS_REGISTER_KEY"


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key that signs checkpoints."""

    private_key: Ed25519PrivateKey
    path: Path | None = None

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self.private_key.public_key().public_bytes_raw()

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    def public_key_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode("ascii")
        )

    def verifier_key(self, name: str) -> str:
        """The C2SP verifier key ``name+keyid+base64(0x01 ‖ key)`` for the origin ``name``."""
        encoded = base64.b64encode(bytes([ED25519]) + self.public_key).decode("ascii")
        return f"{name}+{key_id(name, self.public_key).hex()}+{encoded}"

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def load_signer(path: Path) -> Signer:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        raise WorkspaceError(
            f"The register signing key {path} cannot be read.",
            input_name=KEY_ENV,
            expected="an unencrypted PEM Ed25519 private key",
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise WorkspaceError(
            f"The register signing key {path} is not an Ed25519 key.",
            input_name=KEY_ENV,
            expected="an Ed25519 private key",
        )
    return Signer(key, path)


def create_signer(path: Path) -> Signer:
    """A new key written to ``path`` with mode 0600; an existing key is never overwritten
    (if another process creates it first, that key is used)."""
    signer = Signer.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(signer.private_pem())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)  # atomic and refuses to replace an existing key
    finally:
        temporary.unlink(missing_ok=True)
    return load_signer(path)


def key_path(workspace: Path) -> Path:
    configured = os.environ.get(KEY_ENV)
    return Path(configured) if configured else workspace / KEY_FILE


def workspace_signer(workspace: Path) -> Signer:
    """The workspace's signing key (``ICS_REGISTER_KEY`` wins), created on first use."""
    path = key_path(workspace)
    return load_signer(path) if path.exists() else create_signer(path)


def read_public_key(value: str) -> bytes:
    """A public key given as base64, PEM or verifier key, or as the path of a file holding one."""
    text = value
    candidate = Path(value)
    with contextlib.suppress(OSError, ValueError):
        if len(value) < 4096 and candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
    try:
        return parse_public_key(text)
    except ValueError as error:
        raise InvalidInput(
            f"Cannot read the public key: {error}.",
            input_name="--public-key",
            expected="base64 of the 32-byte Ed25519 key, a PEM public key, or a file with one",
        ) from None


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)
