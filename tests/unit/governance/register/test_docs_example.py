"""The worked example in docs/register.md is a real, verifiable export."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from integrated_care.governance.register.keys import Signer
from integrated_care.governance.register.merkle import leaf_hash, node_hash
from integrated_care.governance.register.verify import parse_public_key, verify_bytes

DOC = Path(__file__).resolve().parents[4] / "docs" / "register.md"


def example() -> bytes:
    block = re.search(r"```jsonl\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None, "docs/register.md lost its worked example"
    return block.group(1).encode("utf-8")


def test_the_example_verifies_with_the_documented_keys() -> None:
    signer = Signer(Ed25519PrivateKey.from_private_bytes(bytes(32)))
    text = DOC.read_text(encoding="utf-8")
    assert signer.public_key_b64 in text
    assert signer.verifier_key("integrated-care/QT1/register") in text
    report = verify_bytes(example(), parse_public_key(signer.public_key_b64))
    assert report.ok, report.failure
    assert (report.entries, report.checkpoints, report.signed_size) == (3, 2, 3)


def test_the_documented_hashes_are_the_real_ones() -> None:
    lines = example().splitlines()
    h0, h1, h2 = (leaf_hash(lines[i]) for i in (1, 2, 4))
    text = DOC.read_text(encoding="utf-8")
    for digest in (h0, h2, node_hash(node_hash(h0, h1), h2)):
        assert digest.hex() in text
    assert h1.hex()[:8] in text
    assert node_hash(h0, h1).hex()[:8] in text
    assert hashlib.sha256(b"").hexdigest()[:8] in text


def test_the_documented_tampering_is_reported_as_documented() -> None:
    lines = example().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"against"', b'"for"')
    key = Signer(Ed25519PrivateKey.from_private_bytes(bytes(32))).public_key
    failure = verify_bytes(b"".join(lines), key).failure
    assert failure is not None
    assert (failure.line, failure.seq) == (2, 0)
