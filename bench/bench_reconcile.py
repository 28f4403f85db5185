"""Reconcile 1,000,000 records with 10 differences: time and bytes against a full dump.

Both trees are built in this process from synthetic `(unit code#right id) → SM3 record hash`
pairs; the protocol's requests and answers are serialised to JSON exactly as they would travel,
and their bytes are counted. Tree building is reported separately: nodes keep their trees up to
date incrementally (`MerkleTree.put`), so a reconciliation does not rebuild them.
"""

import json
import time
from typing import Any

from bdcdj.core.crypto import sm3_digest
from bdcdj.reconcile.protocol import TreePeer, WireCounter, reconcile
from bdcdj.reconcile.tree import MerkleTree, depth_for

FULL_SIZE = 1_000_000
DIFFERENCES = 10


def run(*, scale: float) -> dict[str, Any]:
    size = max(1000, int(FULL_SIZE * scale))
    started = time.perf_counter()
    upper = {
        f"340121{i // 400:06d}GB{i % 99999:05d}F{i % 9999:04d}{i % 400:04d}#{i}": sm3_digest(str(i).encode())
        for i in range(size)
    }
    lower = dict(upper)
    keys = sorted(upper)
    step = len(keys) // DIFFERENCES
    for n in range(DIFFERENCES):
        key = keys[n * step]
        if n % 3 == 0:
            del lower[key]
        else:
            lower[key] = sm3_digest(b"changed" + key.encode())
    generated = time.perf_counter()
    depth = depth_for(size)
    upper_tree = MerkleTree.build(upper.items(), depth=depth)
    built_one = time.perf_counter()
    lower_tree = MerkleTree.build(lower.items(), depth=depth)
    built = time.perf_counter()
    wire = WireCounter(TreePeer(upper_tree))
    diff = reconcile(lower_tree, wire)
    reconciled = time.perf_counter()
    full_dump = len(json.dumps({k: v.hex() for k, v in upper.items()}, separators=(",", ":")).encode())
    exchanged = wire.sent + wire.received
    return {
        "records": size,
        "differences_planted": DIFFERENCES,
        "differences_found": diff.total,
        "depth": depth,
        "generate_seconds": round(generated - started, 2),
        "tree_build_seconds_per_side": round(built_one - generated, 2),
        "reconcile_seconds": round(reconciled - built, 4),
        "round_trips": wire.round_trips,
        "bytes_exchanged": exchanged,
        "full_dump_bytes": full_dump,
        "bytes_ratio": round(exchanged / full_dump, 6),
        "goal_seconds": 5,
        "goal_bytes_ratio": 0.01,
        "lower_rebuild_seconds": round(built - built_one, 2),
    }
