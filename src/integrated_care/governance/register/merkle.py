"""The RFC 6962 Merkle tree: hashes, an incremental appender, inclusion and consistency proofs.

RFC 6962 §2.1: the hash of a leaf is SHA-256(0x00 ‖ leaf bytes), of an interior node
SHA-256(0x01 ‖ left ‖ right); the Merkle Tree Hash (MTH) of n > 1 leaves splits them at k, the
largest power of two smaller than n: MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])); the MTH of
no leaves is SHA-256 of the empty string. Inclusion paths and consistency proofs follow
§2.1.1 and §2.1.2, their verifiers RFC 9162 §2.1.3.2 and §2.1.4.2. This module uses only
the standard library, so that ``verify.py`` can rely on it outside the project.

``CompactRange`` keeps only the right frontier (one hash per set bit of the size): appending
is O(1) amortised (O(log n) worst case) and the root costs O(log n). ``MerkleTree`` also keeps
every complete subtree, so the root of any prefix and any proof cost O(log² n).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "CompactRange",
    "MerkleTree",
    "consistency_proof_from",
    "leaf_hash",
    "node_hash",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]

HashRange = Callable[[int, int], bytes]
EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """RFC 6962 §2.1: SHA-256(0x00 ‖ leaf bytes)."""
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1: SHA-256(0x01 ‖ left ‖ right)."""
    return _sha256(b"\x01" + left + right).digest()


def frontier_root(stack: Sequence[bytes]) -> bytes:
    """The root of a tree from its right frontier (largest complete subtree first)."""
    if not stack:
        return EMPTY_ROOT
    root = stack[-1]
    for subtree in reversed(stack[:-1]):
        root = node_hash(subtree, root)
    return root


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: is the leaf hash ``leaf`` at ``index`` in the tree of ``size``?"""
    if index < 0 or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``old_size`` a prefix of the tree of ``new_size``?"""
    if old_size < 0 or old_size > new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT  # the empty tree is a prefix of any tree
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The right frontier of a tree: the roots of its maximal complete subtrees, largest
    first (one per set bit of the size)."""

    __slots__ = ("_stack", "size")

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[bytes] = []

    @classmethod
    def from_hashes(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a frontier of size {size} has {size.bit_count()} hashes")
        frontier = cls()
        frontier.size = size
        frontier._stack = list(hashes)
        return frontier

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash; merge complete subtrees (one per trailing zero bit)."""
        stack = self._stack
        stack.append(leaf)
        self.size += 1
        count = self.size
        while not count & 1:
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            count >>= 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        return frontier_root(self._stack)

    def hashes(self) -> list[bytes]:
        return list(self._stack)

    def copy(self) -> CompactRange:
        return CompactRange.from_hashes(self.size, self._stack)

    def subtrees(self) -> dict[tuple[int, int], bytes]:
        """The frontier's subtrees by (start, end) leaf range."""
        ranges: dict[tuple[int, int], bytes] = {}
        start = 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                ranges[(start, start + (1 << bit))] = self._stack[len(ranges)]
                start += 1 << bit
        return ranges


def _path(index: int, start: int, end: int, subtree: HashRange) -> list[bytes]:
    """RFC 6962 §2.1.1 PATH(m, D[start:end]), the audit path of leaf ``index`` (relative)."""
    n = end - start
    if n <= 1:
        return []
    k = split_point(n)
    if index < k:
        return [*_path(index, start, start + k, subtree), subtree(start + k, end)]
    return [*_path(index - k, start + k, end, subtree), subtree(start, start + k)]


def _subproof(m: int, start: int, end: int, whole: bool, subtree: HashRange) -> list[bytes]:
    """RFC 6962 §2.1.2 SUBPROOF(m, D[start:end], b)."""
    n = end - start
    if m == n:
        return [] if whole else [subtree(start, end)]
    k = split_point(n)
    if m <= k:
        return [*_subproof(m, start, start + k, whole, subtree), subtree(start + k, end)]
    return [*_subproof(m - k, start + k, end, False, subtree), subtree(start, start + k)]


def _consistency(old: int, new: int, subtree: HashRange) -> list[bytes]:
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    return _subproof(old, 0, new, True, subtree)


def mth(leaves: Sequence[bytes], start: int = 0, end: int | None = None) -> bytes:
    """The Merkle Tree Hash of ``leaves[start:end]`` (leaf hashes), straight from §2.1."""
    end = len(leaves) if end is None else end
    n = end - start
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[start]
    k = split_point(n)
    return node_hash(mth(leaves, start, start + k), mth(leaves, start + k, end))


class MerkleTree:
    """All leaf hashes plus every complete, aligned subtree (``levels[h][i]`` covers leaves
    ``i·2^h`` to ``(i+1)·2^h``): about 2n hashes in memory."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaves:
            self.append(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, leaf: bytes) -> None:
        levels = self._levels
        levels[0].append(leaf)
        height = 0
        while not len(levels[height]) & 1:
            if height + 1 == len(levels):
                levels.append([])
            below = levels[height]
            levels[height + 1].append(node_hash(below[-2], below[-1]))
            height += 1

    def leaf(self, index: int) -> bytes:
        return self._levels[0][index]

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]); complete aligned subtrees come straight from the levels."""
        n = end - start
        if end > self.size or n < 0:
            raise ValueError(f"leaves {start}–{end} are not all in a tree of {self.size}")
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            return self._levels[n.bit_length() - 1][start // n]
        k = split_point(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        return self.subtree(0, self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"leaf {index} is not in a tree of size {size}")
        return _path(index, 0, size, self.subtree)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else new
        if new > self.size:
            raise ValueError(f"the tree has only {self.size} leaves, not {new}")
        return _consistency(old, new, self.subtree)


def consistency_proof_from(old: CompactRange, new_leaves: Sequence[bytes]) -> list[bytes]:
    """The consistency proof from the tree whose frontier is ``old`` to that tree extended by
    ``new_leaves`` (leaf hashes), without the older leaves: every node the proof needs inside
    the old tree is one of the old frontier's subtrees, every other node lies wholly in the
    new leaves. Costs O(len(new_leaves))."""
    known = old.subtrees()
    base = old.size

    def subtree(start: int, end: int) -> bytes:
        if (start, end) in known:
            return known[(start, end)]
        if start >= base:
            return mth(new_leaves, start - base, end - base)
        if end <= base:
            raise ValueError(f"leaves {start}–{end} are not a subtree of the old frontier")
        k = split_point(end - start)
        return node_hash(subtree(start, start + k), subtree(start + k, end))

    return _consistency(base, base + len(new_leaves), subtree)
