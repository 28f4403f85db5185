"""RFC 9162 Merkle tree algorithms over stored complete subtrees (no Django here).

The log stores the hash of every *complete* subtree: node (level, position) covers leaves
[position·2^level, (position+1)·2^level). Every range the RFC algorithms need is either such a
node or a right-edge range [lo, n) whose hash folds the O(log n) complete subtrees of its binary
decomposition. Proofs are computed twice: once with a recorder that only notes which nodes are
needed, then with those nodes fetched in one batch — O(log n) rows for any proof at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from bdcdj.ledger.verifier import node_hash

Getter = Callable[[int, int], bytes]
NodeKey = tuple[int, int]
_PLACEHOLDER = bytes(32)


def largest_power_below(n: int) -> int:
    """The largest power of two strictly smaller than n (n ≥ 2), the RFC's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(lo: int, hi: int, get: Getter) -> bytes:
    """MTH(D[lo:hi]) for lo aligned to the top power of two of hi − lo (every range the RFC
    recursion produces): fold the aligned complete subtrees from the right."""
    parts: list[bytes] = []
    pos = lo
    while pos < hi:
        level = (hi - pos).bit_length() - 1
        parts.append(get(level, pos >> level))
        pos += 1 << level
    digest = parts[-1]
    for part in reversed(parts[:-1]):
        digest = node_hash(part, digest)
    return digest


def _path(m: int, lo: int, hi: int, get: Getter) -> list[bytes]:
    if hi - lo == 1:
        return []
    k = largest_power_below(hi - lo)
    if m < k:
        return [*_path(m, lo, lo + k, get), range_hash(lo + k, hi, get)]
    return [*_path(m - k, lo + k, hi, get), range_hash(lo, lo + k, get)]


def _subproof(m: int, lo: int, hi: int, complete: bool, get: Getter) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if complete else [range_hash(lo, hi, get)]
    k = largest_power_below(n)
    if m <= k:
        return [*_subproof(m, lo, lo + k, complete, get), range_hash(lo + k, hi, get)]
    return [*_subproof(m - k, lo + k, hi, False, get), range_hash(lo, lo + k, get)]


def inclusion_path(index: int, tree_size: int, get: Getter) -> list[bytes]:
    """PATH(index, D[0:tree_size]) of RFC 9162 §2.1.3.1."""
    if not 0 <= index < tree_size:
        raise ValueError("index outside the tree")
    return _path(index, 0, tree_size, get)


def consistency_path(first: int, second: int, get: Getter) -> list[bytes]:
    """PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1 (empty for first = 0 or first = second)."""
    if not 0 <= first <= second:
        raise ValueError("sizes out of order")
    if first == 0 or first == second:
        return []
    return _subproof(first, 0, second, True, get)


def root_hash(tree_size: int, get: Getter) -> bytes:
    """MTH of the first `tree_size` leaves; the empty tree hashes to SM3 of nothing."""
    if tree_size == 0:
        from bdcdj.ledger.verifier import sm3

        return sm3(b"")
    return range_hash(0, tree_size, get)


def needed_nodes(compute: Callable[[Getter], object]) -> set[NodeKey]:
    """Which nodes `compute` reads (it is run with placeholder hashes)."""
    keys: set[NodeKey] = set()

    def record(level: int, position: int) -> bytes:
        keys.add((level, position))
        return _PLACEHOLDER

    compute(record)
    return keys


def batched(
    compute: Callable[[Getter], object], fetch: Callable[[Iterable[NodeKey]], Mapping[NodeKey, bytes]]
):
    """Run `compute` against nodes fetched in one batch by `fetch` (KeyError if one is missing)."""
    nodes = fetch(needed_nodes(compute))
    return compute(lambda level, position: nodes[(level, position)])


def frontier(tree_size: int) -> list[NodeKey]:
    """The complete subtrees of the binary decomposition of a tree, largest (leftmost) first."""
    keys: list[NodeKey] = []
    pos = 0
    for level in range(tree_size.bit_length() - 1, -1, -1):
        if tree_size >> level & 1:
            keys.append((level, pos >> level))
            pos += 1 << level
    return keys


class Appender:
    """Append leaves to a tree given its frontier; yields the new complete nodes to store.

    The stack holds (level, hash) of the frontier, largest first, like a binary counter: each
    new leaf merges with equal-level subtrees on top of the stack.
    """

    def __init__(self, tree_size: int, frontier_hashes: list[bytes]) -> None:
        self.size = tree_size
        self.stack = [(level, h) for (level, _), h in zip(frontier(tree_size), frontier_hashes, strict=True)]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        index = self.size
        created = [(0, index, leaf)]
        level, digest = 0, leaf
        while self.stack and self.stack[-1][0] == level:
            _, left = self.stack.pop()
            digest = node_hash(left, digest)
            level += 1
            created.append((level, index >> level, digest))
        self.stack.append((level, digest))
        self.size += 1
        return created

    def root(self) -> bytes:
        if not self.stack:
            return root_hash(0, lambda level, position: _PLACEHOLDER)
        digest = self.stack[-1][1]
        for _, part in reversed(self.stack[:-1]):
            digest = node_hash(part, digest)
        return digest
