"""A fixed-fanout Merkle tree over `key → record hash` pairs.

Keys are spread over 16**depth buckets by the first hex digits of a fast non-cryptographic digest
of the key (BLAKE2b: placement needs uniformity, not secrecy). Bucket and inner-node hashes are
SM3, so equal roots mean equal content. Both sides of a comparison must use the same depth; it
follows from the record count (`depth_for`), and the protocol agrees on the larger side's.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from hashlib import blake2b

from bdcdj.core.crypto import sm3_digest

FANOUT = 16
HEX = "0123456789abcdef"
EMPTY = sm3_digest(b"")
TARGET_BUCKET_SIZE = 16
MAX_DEPTH = 6


def depth_for(count: int) -> int:
    """The smallest depth whose buckets hold about TARGET_BUCKET_SIZE records on average."""
    depth = 1
    while depth < MAX_DEPTH and count > TARGET_BUCKET_SIZE * FANOUT**depth:
        depth += 1
    return depth


def bucket_of(key: str, depth: int) -> str:
    return blake2b(key.encode("utf-8"), digest_size=4).hexdigest()[:depth]


def _bucket_hash(entries: dict[str, bytes]) -> bytes:
    if not entries:
        return EMPTY
    return sm3_digest(b"".join(k.encode("utf-8") + b"\x00" + entries[k] for k in sorted(entries)))


@dataclass
class MerkleTree:
    """`buckets` maps a bucket prefix (depth hex digits) to its entries; `levels[d]` maps each
    prefix of length d to its hash (level 0 is the root, prefix "")."""

    depth: int
    buckets: dict[str, dict[str, bytes]] = field(default_factory=dict)
    levels: list[dict[str, bytes]] = field(default_factory=list)

    @classmethod
    def build(cls, records: Iterable[tuple[str, bytes]], *, depth: int) -> "MerkleTree":
        if not 1 <= depth <= MAX_DEPTH:
            raise ValueError("depth out of range")
        buckets: dict[str, dict[str, bytes]] = {}
        for key, record_hash in records:
            buckets.setdefault(bucket_of(key, depth), {})[key] = record_hash
        tree = cls(depth=depth, buckets=buckets)
        tree.rehash()
        return tree

    def rehash(self) -> None:
        leaves = {prefix: _bucket_hash(entries) for prefix, entries in self.buckets.items()}
        levels: list[dict[str, bytes]] = [{} for _ in range(self.depth + 1)]
        levels[self.depth] = leaves
        for d in range(self.depth - 1, -1, -1):
            parents: dict[str, list[str]] = {}
            for prefix in levels[d + 1]:
                parents.setdefault(prefix[:d], []).append(prefix)
            levels[d] = {parent: self._combine(levels[d + 1], parent) for parent in parents}
        self.levels = levels

    @staticmethod
    def _combine(children: dict[str, bytes], parent: str) -> bytes:
        return sm3_digest(b"".join(children.get(parent + digit, EMPTY) for digit in HEX))

    def put(self, key: str, record_hash: bytes | None) -> None:
        """Insert, replace or (with None) remove one record and update its path to the root."""
        prefix = bucket_of(key, self.depth)
        bucket = self.buckets.setdefault(prefix, {})
        if record_hash is None:
            bucket.pop(key, None)
        else:
            bucket[key] = record_hash
        self.levels[self.depth][prefix] = _bucket_hash(bucket)
        for d in range(self.depth - 1, -1, -1):
            self.levels[d][prefix[:d]] = self._combine(self.levels[d + 1], prefix[:d])

    @property
    def root(self) -> bytes:
        return self.levels[0].get("", EMPTY) if self.levels else EMPTY

    @property
    def count(self) -> int:
        return sum(len(entries) for entries in self.buckets.values())

    def node_hash(self, prefix: str) -> bytes:
        return self.levels[len(prefix)].get(prefix, EMPTY)

    def children(self, prefix: str) -> dict[str, bytes]:
        """Hashes of a node's 16 children (missing children hash as EMPTY)."""
        if len(prefix) >= self.depth:
            raise ValueError("a bucket has no children")
        level = self.levels[len(prefix) + 1]
        return {prefix + digit: level.get(prefix + digit, EMPTY) for digit in HEX}

    def entries(self, prefix: str) -> dict[str, bytes]:
        if len(prefix) != self.depth:
            raise ValueError("entries are listed per bucket")
        return dict(self.buckets.get(prefix, {}))
