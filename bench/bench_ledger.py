"""Transparency log at 10,000,000 entries: proof sizes and times, and append throughput.

Part 1 (in memory, the full size): the level tables of complete subtrees — exactly what the
`ledger_node` table holds — are built bottom-up as one bytearray per level from simulated
leaves (SM3(0x00 ‖ 8-byte counter)); inclusion and consistency proofs are generated with the
same two-pass code the API uses (`merkle.batched`) and verified with the stand-alone verifier.
Part 2 (PostgreSQL): entries queued and sequenced through `ledger.services` in batches, then
proofs served by `ledger.selectors` from the database, to see the O(log n) reads in practice.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from bdcdj.ledger import merkle
from bdcdj.ledger.verifier import HASH_BYTES, leaf_hash, node_hash, verify_consistency, verify_inclusion

FULL_SIZE = 10_000_000
SAMPLES = 1000
DB_FULL_SIZE = 200_000


def _pct(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 4), "p99_ms": round(p99 * 1000, 4)}


def _levels(size: int) -> list[bytearray]:
    level0 = bytearray(size * HASH_BYTES)
    for i in range(size):
        level0[i * HASH_BYTES : (i + 1) * HASH_BYTES] = leaf_hash(i.to_bytes(8, "big"))
    levels = [level0]
    while len(levels[-1]) >= 2 * HASH_BYTES:
        below = levels[-1]
        count = len(below) // HASH_BYTES // 2
        above = bytearray(count * HASH_BYTES)
        for p in range(count):
            left = below[2 * p * HASH_BYTES : (2 * p + 1) * HASH_BYTES]
            right = below[(2 * p + 1) * HASH_BYTES : (2 * p + 2) * HASH_BYTES]
            above[p * HASH_BYTES : (p + 1) * HASH_BYTES] = node_hash(bytes(left), bytes(right))
        levels.append(above)
    return levels


def _in_memory(size: int, rng: random.Random) -> dict[str, Any]:
    started = time.perf_counter()
    levels = _levels(size)
    built = time.perf_counter() - started

    def fetch(keys: Any) -> dict[tuple[int, int], bytes]:
        return {(lv, p): bytes(levels[lv][p * HASH_BYTES : (p + 1) * HASH_BYTES]) for lv, p in keys}

    root = merkle.batched(lambda get: merkle.root_hash(size, get), fetch)
    gen, ver, hashes, reads = [], [], [], []
    for _ in range(SAMPLES):
        index = rng.randrange(size)
        t0 = time.perf_counter()
        needed = merkle.needed_nodes(lambda get, i=index: merkle.inclusion_path(i, size, get))
        proof = merkle.batched(lambda get, i=index: merkle.inclusion_path(i, size, get), fetch)
        t1 = time.perf_counter()
        ok = verify_inclusion(
            index=index, tree_size=size, leaf=leaf_hash(index.to_bytes(8, "big")), proof=proof, root=root
        )
        t2 = time.perf_counter()
        assert ok
        gen.append(t1 - t0)
        ver.append(t2 - t1)
        hashes.append(len(proof))
        reads.append(len(needed))
    cgen, cver, chashes = [], [], []
    for _ in range(SAMPLES // 4):
        first = rng.randrange(1, size)
        t0 = time.perf_counter()
        proof = merkle.batched(lambda get, f=first: merkle.consistency_path(f, size, get), fetch)
        old_root = merkle.batched(lambda get, f=first: merkle.root_hash(f, get), fetch)
        t1 = time.perf_counter()
        ok = verify_consistency(first=first, second=size, first_root=old_root, second_root=root, proof=proof)
        t2 = time.perf_counter()
        assert ok
        cgen.append(t1 - t0)
        cver.append(t2 - t1)
        chashes.append(len(proof))
    appender = merkle.Appender(0, [])
    count = min(size, 200_000)
    t0 = time.perf_counter()
    for i in range(count):
        appender.append(leaf_hash(i.to_bytes(8, "big")))
    append_rate = count / (time.perf_counter() - t0)
    stored_nodes = sum(len(level) // HASH_BYTES for level in levels)
    return {
        "entries": size,
        "levels": len(levels),
        "stored_subtree_hashes": stored_nodes,
        "stored_hash_bytes": stored_nodes * HASH_BYTES,
        "build_level_tables_seconds": round(built, 1),
        "inclusion_proof_hashes_max": max(hashes),
        "inclusion_proof_hashes_mean": round(statistics.mean(hashes), 2),
        "inclusion_proof_bytes_max": max(hashes) * HASH_BYTES,
        "inclusion_node_reads_max": max(reads),
        "inclusion_generate": _pct(gen),
        "inclusion_verify": _pct(ver),
        "consistency_proof_hashes_max": max(chashes),
        "consistency_proof_bytes_max": max(chashes) * HASH_BYTES,
        "consistency_generate_incl_old_root": _pct(cgen),
        "consistency_verify": _pct(cver),
        "append_in_memory_per_second": round(append_rate),
    }


def _database(size: int, rng: random.Random) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from bdcdj.ledger import selectors
    from bdcdj.ledger.models import Entry, EntryKind, Node, TreeHead, TreeState
    from bdcdj.ledger.services import ledger_sequence, tree_head_publish

    for model in (Entry, Node, TreeHead, TreeState):
        model.objects.all().delete()
    now = timezone.now()
    t0 = time.perf_counter()
    batch: list[Entry] = []
    for i in range(size):
        text = f'{{"bench":{i},"kind":"certificate","v":1}}'
        batch.append(
            Entry(
                kind=EntryKind.CERTIFICATE,
                source_id=10**12 + i,
                region_code="340121",
                reference=f"bench:{i}",
                entry=text,
                leaf_hash=leaf_hash(text.encode()).hex(),
                queued_at=now,
            )
        )
        if len(batch) == 5000:
            Entry.objects.bulk_create(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    queued = time.perf_counter()
    while ledger_sequence():
        pass
    sequenced = time.perf_counter()
    head = tree_head_publish(force=True)
    assert head is not None
    root = bytes.fromhex(head.root_hash)
    gen, ver, queries = [], [], []
    for _ in range(200):
        index = rng.randrange(size)
        before = len(connection.queries) if connection.queries_logged else 0
        t1 = time.perf_counter()
        proof = selectors.inclusion_proof(index=index)
        t2 = time.perf_counter()
        leaf = bytes.fromhex(proof.leaf_hash)
        assert verify_inclusion(
            index=index, tree_size=size, leaf=leaf, proof=[bytes.fromhex(p) for p in proof.path], root=root
        )
        gen.append(t2 - t1)
        ver.append(time.perf_counter() - t2)
        queries.append((len(connection.queries) - before) if connection.queries_logged else 0)
    cgen = []
    for _ in range(50):
        first = rng.randrange(1, size)
        t1 = time.perf_counter()
        selectors.consistency_proof(first=first, second=size)
        cgen.append(time.perf_counter() - t1)
    figures = {
        "database": connection.vendor,
        "entries": size,
        "queue_bulk_per_second": round(size / (queued - t0)),
        "sequence_per_second": round(size / (sequenced - queued)),
        "inclusion_from_database": _pct(gen),
        "inclusion_verify": _pct(ver),
        "consistency_from_database": _pct(cgen),
    }
    for model in (Entry, Node, TreeHead, TreeState):
        model.objects.all().delete()
    return figures


def run(*, scale: float) -> dict[str, Any]:
    rng = random.Random(9162)
    memory = _in_memory(max(1000, int(FULL_SIZE * scale)), rng)
    database = _database(max(1000, int(DB_FULL_SIZE * scale)), rng)
    return {"in_memory_level_tables": memory, "postgres_services": database}
