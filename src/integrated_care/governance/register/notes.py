"""Signed notes and keys for the stand-alone register verifier (see ``verify.py``).

Canonical JSON, exact base64, C2SP signed-note key IDs, public-key parsing and checking a
signed checkpoint note. Like ``verify.py`` and ``merkle.py`` this needs only the standard
library and ``cryptography``, so the three files can be copied and run anywhere.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

ED25519 = 0x01  # C2SP signed-note signature type
_sha256 = hashlib.sha256


def canonical(value: object) -> bytes:
    """Canonical JSON: UTF-8, keys sorted, no insignificant whitespace."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def b64decode_exact(text: object, length: int) -> bytes | None:
    """Standard base64 of exactly ``length`` bytes in its one canonical spelling, else None."""
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != length or base64.b64encode(raw).decode("ascii") != text:
        return None
    return raw


def key_id(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]."""
    return _sha256(name.encode("utf-8") + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def parse_public_key(text: str) -> bytes:
    """The raw 32-byte Ed25519 key from base64, a PEM public key or a C2SP verifier key."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the PEM key is not an Ed25519 public key")
        return key.public_bytes_raw()
    parts = text.split("+", 2)  # a verifier key: name+keyid+base64(0x01 ‖ key); no '+' in names
    if len(parts) == 3 and re.fullmatch(r"[0-9a-f]{8}", parts[1]) and parts[0]:
        name, kid, encoded = parts
        raw = b64decode_exact(encoded, 33)
        if raw is None or raw[0] != ED25519 or key_id(name, raw[1:]).hex() != kid:
            raise ValueError("not a valid Ed25519 verifier key (name+id+key)")
        return raw[1:]
    raw = b64decode_exact(text, 32)
    if raw is None:
        raise ValueError("expected base64 of a 32-byte Ed25519 public key, or a PEM key")
    return raw


def open_note(note: str, origin: str, public_key: bytes) -> tuple[int, bytes]:
    """Check a signed checkpoint note; return its (tree size, root hash).

    Raises ValueError saying what is wrong. The note must be a C2SP tlog-checkpoint body
    (origin, size, base64 root) followed by a blank line and a valid Ed25519 signature line
    by ``origin`` with ``public_key``.
    """
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise ValueError("not a signed note (no blank line before the signatures)")
    text, signatures = note[: split + 1], note[split + 2 :]
    lines = text.split("\n")[:-1]
    if len(lines) != 3:
        raise ValueError("the checkpoint body must have exactly three lines")
    if lines[0] != origin:
        raise ValueError(f"the checkpoint is for origin {lines[0]!r}, not {origin!r}")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise ValueError("the tree size is not a decimal number")
    root = b64decode_exact(lines[2], 32)
    if root is None:
        raise ValueError("the root hash is not base64 of 32 bytes")
    wanted = key_id(origin, public_key)
    verified = False
    for line in signatures.split("\n")[:-1]:
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "—":
            raise ValueError("malformed signature line")
        blob = b64decode_exact(parts[2], 68)
        if parts[1] != origin or blob is None or blob[:4] != wanted:
            continue  # another key's signature (e.g. a witness): ignored, as C2SP says
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(blob[4:], text.encode("utf-8"))
        except InvalidSignature:
            raise ValueError("the checkpoint signature does not verify with this key") from None
        verified = True
    if not verified or not signatures.endswith("\n"):
        raise ValueError("no valid signature by the log's key")
    return int(lines[1]), root
