"""The Merkle tree against RFC 6962's definitions and the Certificate Transparency vectors.

The oracle below is written straight from RFC 6962 §2.1 (MTH), §2.1.1 (PATH) and §2.1.2
(PROOF/SUBPROOF), recursively and without caching, independently of ``merkle.py``.
"""

from __future__ import annotations

import hashlib

import pytest

from integrated_care.governance.register.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    consistency_proof_from,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

# The Certificate Transparency test leaves (certificate-transparency merkle_tree_test).
CT_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [  # (leaf index, tree size, path)
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip


# --- the oracle: RFC 6962 §2.1 as written ---------------------------------------------------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def k_of(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def oracle_mth(data: list[bytes]) -> bytes:
    if not data:
        return sha(b"")
    if len(data) == 1:
        return sha(b"\x00" + data[0])
    k = k_of(len(data))
    return sha(b"\x01" + oracle_mth(data[:k]) + oracle_mth(data[k:]))


def oracle_path(m: int, data: list[bytes]) -> list[bytes]:
    if len(data) == 1:
        return []
    k = k_of(len(data))
    if m < k:
        return [*oracle_path(m, data[:k]), oracle_mth(data[k:])]
    return [*oracle_path(m - k, data[k:]), oracle_mth(data[:k])]


def oracle_subproof(m: int, data: list[bytes], b: bool) -> list[bytes]:
    n = len(data)
    if m == n:
        return [] if b else [oracle_mth(data)]
    k = k_of(n)
    if m <= k:
        return [*oracle_subproof(m, data[:k], b), oracle_mth(data[k:])]
    return [*oracle_subproof(m - k, data[k:], False), oracle_mth(data[:k])]


def oracle_proof(m: int, data: list[bytes]) -> list[bytes]:
    return [] if m in (0, len(data)) else oracle_subproof(m, data, True)


N = 64
DATA = [f"entry {i}".encode() for i in range(N)]
HASHES = [leaf_hash(d) for d in DATA]
TREE = MerkleTree(HASHES)
ROOTS = [oracle_mth(DATA[:n]) for n in range(N + 1)]


def flipped(value: bytes) -> bytes:
    return bytes([value[0] ^ 1]) + value[1:]


# --- known answers --------------------------------------------------------------------------


def test_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert MerkleTree().root() == EMPTY_ROOT == CompactRange().root()


def test_roots_match_the_certificate_transparency_vectors() -> None:
    tree, frontier = MerkleTree(), CompactRange()
    assert tree.root().hex() == CT_ROOTS[0]
    for n, leaf in enumerate(CT_LEAVES, start=1):
        tree.append(leaf_hash(leaf))
        frontier.append(leaf_hash(leaf))
        assert tree.root().hex() == frontier.root().hex() == CT_ROOTS[n]
        assert oracle_mth(CT_LEAVES[:n]).hex() == CT_ROOTS[n]
    for n in range(9):
        assert tree.root(n).hex() == CT_ROOTS[n]


@pytest.mark.parametrize(("index", "size", "path"), CT_INCLUSION)
def test_inclusion_paths_match_the_vectors(index: int, size: int, path: list[str]) -> None:
    tree = MerkleTree(leaf_hash(leaf) for leaf in CT_LEAVES)
    assert [h.hex() for h in tree.inclusion_proof(index, size)] == path
    root = bytes.fromhex(CT_ROOTS[size])
    proof = [bytes.fromhex(h) for h in path]
    assert verify_inclusion(leaf_hash(CT_LEAVES[index]), index, size, proof, root)


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_vectors(old: int, new: int, proof: list[str]) -> None:
    tree = MerkleTree(leaf_hash(leaf) for leaf in CT_LEAVES)
    assert [h.hex() for h in tree.consistency_proof(old, new)] == proof
    hashes = [bytes.fromhex(h) for h in proof]
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, hashes)


# --- every tree up to 64 leaves against the oracle -------------------------------------------


def test_roots_of_every_prefix_match_the_definition() -> None:
    frontier = CompactRange()
    assert [TREE.root(n) for n in range(N + 1)] == ROOTS
    for n, digest in enumerate(HASHES, start=1):
        frontier.append(digest)
        assert frontier.root() == ROOTS[n]
        copy = CompactRange.from_hashes(n, frontier.hashes())
        assert copy.root() == ROOTS[n]


def test_every_inclusion_proof_verifies_and_tampering_fails() -> None:
    for n in range(1, N + 1):
        for m in range(n):
            path = TREE.inclusion_proof(m, n)
            assert path == oracle_path(m, DATA[:n]), (m, n)
            assert verify_inclusion(HASHES[m], m, n, path, ROOTS[n])
            assert not verify_inclusion(flipped(HASHES[m]), m, n, path, ROOTS[n])
            assert not verify_inclusion(HASHES[m], m, n, path, flipped(ROOTS[n]))
            assert not verify_inclusion(HASHES[m], m, n, [*path, HASHES[0]], ROOTS[n])
            assert not verify_inclusion(HASHES[m], n, n, path, ROOTS[n])
            for i in range(len(path)):
                bad = [*path[:i], flipped(path[i]), *path[i + 1 :]]
                assert not verify_inclusion(HASHES[m], m, n, bad, ROOTS[n])
            if path:
                assert not verify_inclusion(HASHES[m], m, n, path[:-1], ROOTS[n])
            if n > 1:
                other = (m + 1) % n
                assert not verify_inclusion(HASHES[m], other, n, path, ROOTS[n])


def test_every_consistency_proof_verifies_and_tampering_fails() -> None:
    for n in range(N + 1):
        for m in range(n + 1):
            proof = TREE.consistency_proof(m, n)
            assert proof == oracle_proof(m, DATA[:n]), (m, n)
            frontier = CompactRange.from_hashes(0, [])
            frontier.extend(HASHES[:m])
            assert consistency_proof_from(frontier, HASHES[m:n]) == proof, (m, n)
            assert verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)
            if m in (0, n):  # every tree extends the empty tree, and itself
                assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], [HASHES[0]])
                continue
            assert not verify_consistency(m, n, ROOTS[m], flipped(ROOTS[n]), proof)
            assert not verify_consistency(m, n, flipped(ROOTS[m]), ROOTS[n], proof)
            assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], proof[:-1])
            assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], [*proof, HASHES[0]])
            for i in range(len(proof)):
                bad = [*proof[:i], flipped(proof[i]), *proof[i + 1 :]]
                assert not verify_consistency(m, n, ROOTS[m], ROOTS[n], bad)
            assert not verify_consistency(n, m, ROOTS[n], ROOTS[m], proof)


def test_a_changed_leaf_breaks_consistency_with_the_old_root() -> None:
    changed = [*HASHES[:10], leaf_hash(b"rewritten"), *HASHES[11:]]
    tampered = MerkleTree(changed)
    proof = tampered.consistency_proof(16, 40)
    assert not verify_consistency(16, 40, ROOTS[16], tampered.root(40), proof)


def test_proof_requests_outside_the_tree_are_refused() -> None:
    with pytest.raises(ValueError, match="not in a tree"):
        TREE.inclusion_proof(64, 64)
    with pytest.raises(ValueError, match="only 64 leaves"):
        TREE.consistency_proof(3, 65)
    with pytest.raises(ValueError, match="no consistency proof"):
        TREE.consistency_proof(5, 4)
    with pytest.raises(ValueError, match="has 2 hashes"):
        CompactRange.from_hashes(3, [HASHES[0]])
