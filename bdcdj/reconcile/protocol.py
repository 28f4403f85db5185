"""Reconciliation between two nodes, descending only into subtrees whose hashes differ.

The initiator holds its own tree and talks to the other side through a `Peer` (in process, or
over HTTP by serialising the same three requests as JSON). Round trips: one per level plus one
for the differing buckets; bytes grow with the number of differences, not with the register.
"""

import json
from dataclasses import dataclass, field
from typing import Protocol

from bdcdj.reconcile.tree import MerkleTree


class Peer(Protocol):
    def summary(self) -> dict[str, object]: ...

    def children(self, prefixes: list[str]) -> dict[str, dict[str, str]]: ...

    def entries(self, prefixes: list[str]) -> dict[str, dict[str, str]]: ...


class TreePeer:
    """The answering side of the protocol over a local tree (also what an HTTP view calls)."""

    def __init__(self, tree: MerkleTree) -> None:
        self.tree = tree

    def summary(self) -> dict[str, object]:
        return {"root": self.tree.root.hex(), "depth": self.tree.depth, "count": self.tree.count}

    def children(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return {p: {c: h.hex() for c, h in self.tree.children(p).items()} for p in prefixes}

    def entries(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return {p: {k: h.hex() for k, h in self.tree.entries(p).items()} for p in prefixes}


@dataclass
class WireCounter:
    """Wraps a peer and counts the JSON bytes a request/response pair would put on the wire."""

    peer: Peer
    sent: int = 0
    received: int = 0
    round_trips: int = 0

    def _call(self, name: str, payload: object) -> object:
        self.sent += len(json.dumps({"op": name, "args": payload}, separators=(",", ":")).encode())
        result = getattr(self.peer, name)(*([payload] if payload is not None else []))
        self.received += len(json.dumps(result, separators=(",", ":")).encode())
        self.round_trips += 1
        return json.loads(json.dumps(result))

    def summary(self) -> dict[str, object]:
        return self._call("summary", None)  # type: ignore[return-value]

    def children(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return self._call("children", prefixes)  # type: ignore[return-value]

    def entries(self, prefixes: list[str]) -> dict[str, dict[str, str]]:
        return self._call("entries", prefixes)  # type: ignore[return-value]


@dataclass
class Differences:
    """Keys whose record differs (`changed`), exist only here (`only_local`) or only there."""

    changed: list[str] = field(default_factory=list)
    only_local: list[str] = field(default_factory=list)
    only_remote: list[str] = field(default_factory=list)
    buckets: list[str] = field(default_factory=list)  # the leaf buckets whose hashes differed

    @property
    def total(self) -> int:
        return len(self.changed) + len(self.only_local) + len(self.only_remote)


class DepthMismatch(Exception):
    """The two trees were built with different depths; rebuild with `depth`."""

    def __init__(self, depth: int) -> None:
        super().__init__(f"peer uses depth {depth}")
        self.depth = depth


def reconcile(local: MerkleTree, peer: Peer) -> Differences:
    summary = peer.summary()
    if int(summary["depth"]) != local.depth:  # type: ignore[call-overload]
        raise DepthMismatch(int(summary["depth"]))  # type: ignore[call-overload]
    result = Differences()
    if summary["root"] == local.root.hex():
        return result
    frontier = [""]
    for _level in range(local.depth):
        remote = peer.children(frontier)
        frontier = [
            child
            for prefix in frontier
            for child, remote_hash in remote[prefix].items()
            if local.node_hash(child).hex() != remote_hash
        ]
        if not frontier:
            return result
    remote_entries = peer.entries(frontier)
    result.buckets = list(frontier)
    for prefix in frontier:
        mine = {k: h.hex() for k, h in local.entries(prefix).items()}
        theirs = remote_entries[prefix]
        result.changed += sorted(k for k in mine.keys() & theirs.keys() if mine[k] != theirs[k])
        result.only_local += sorted(mine.keys() - theirs.keys())
        result.only_remote += sorted(theirs.keys() - mine.keys())
    return result
