"""Recording reconciliation runs at the upper node (docs/reconcile.md §Runs).

The lower node runs the protocol (it holds the tree of what it delivered) and then reports the
run: its root, record count and depth, and the entries of the leaf buckets whose hashes
differed. The upper node does not take the differences on trust: it rebuilds its own tree of
the mirror at that depth, diffs those buckets itself and stores what it found. Equal roots mean
no differences whatever the report says.

Consistency of a run (the monitor's 一致性 dimension):

    compared     = records of either side = lower_count + only_upper
    consistency  = (compared − differences) ÷ compared   (1.0 when nothing was compared)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from bdcdj.core.errors import InvalidInput
from bdcdj.hub.models import LowerNode, MirrorRecord
from bdcdj.reconcile.models import DifferenceKind, ReconcileDifference, ReconcileRun
from bdcdj.reconcile.sources import mirror_records, tree_of
from bdcdj.reconcile.tree import MAX_DEPTH, bucket_of

MAX_BUCKETS = 4096
MAX_STORED_DIFFERENCES = 10_000  # per run; the counts are always complete
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_PREFIX = re.compile(r"^[0-9a-f]{1,6}$")


@dataclass
class RunReport:
    """What the lower node reports after running the protocol."""

    root: str
    count: int
    depth: int
    buckets: dict[str, dict[str, str]] = field(default_factory=dict)
    round_trips: int = 0
    bytes_exchanged: int = 0


def split_key(record_key: str) -> tuple[str, str]:
    """(table, 业务号) of a record key `{table}|{table}:{YWH}:{n}`."""
    table, _, row_key = record_key.partition("|")
    middle = row_key[len(table) + 1 :] if row_key.startswith(table + ":") else row_key
    business, _, _position = middle.rpartition(":")
    return table, business


def _check(report: RunReport) -> None:
    errors: dict[str, str] = {}
    if not _HEX64.match(report.root):
        errors["root"] = "应为64位小写十六进制"
    if not 1 <= report.depth <= MAX_DEPTH:
        errors["depth"] = f"应为1至{MAX_DEPTH}"
    if report.count < 0:
        errors["count"] = "不能为负数"
    if len(report.buckets) > MAX_BUCKETS:
        errors["buckets"] = f"一次最多提交 {MAX_BUCKETS} 个叶桶"
    if errors:
        raise InvalidInput(code="reconcile_report_invalid", message="核对结果格式有误", fields=errors)
    for prefix, entries in report.buckets.items():
        if not _PREFIX.match(prefix) or len(prefix) != report.depth:
            raise InvalidInput(
                code="reconcile_report_invalid",
                message=f"叶桶前缀“{prefix[:8]}”无效",
                fields={"buckets": "前缀长度应等于树深度"},
            )
        for key, digest in entries.items():
            if not _HEX64.match(digest) or len(key) > 200 or bucket_of(key, report.depth) != prefix:
                raise InvalidInput(
                    code="reconcile_report_invalid",
                    message=f"叶桶 {prefix} 中的记录“{key[:60]}”无效",
                    fields={"buckets": "记录不属于该叶桶或摘要格式有误"},
                )


@transaction.atomic
def reconcile_run_record(*, node: LowerNode, report: RunReport) -> tuple[ReconcileRun, dict[str, list[str]]]:
    """Store one run of `node` with the differences this node computes; returns the run and the
    differing keys by kind. Recomputes the node's metrics of the day (consistency)."""
    _check(report)
    tree = tree_of(mirror_records(region_code=node.region_code), depth=report.depth)
    upper_root = tree.root.hex()
    found: dict[str, list[tuple[str, str, str]]] = {kind: [] for kind in DifferenceKind.values}
    if upper_root != report.root:
        if not report.buckets:
            raise InvalidInput(
                code="reconcile_report_incomplete",
                message="上下级根哈希不一致，但未提交不一致的叶桶",
                fields={"buckets": "必填"},
            )
        for prefix in sorted(report.buckets):
            mine = {k: h.hex() for k, h in tree.entries(prefix).items()}
            theirs = report.buckets[prefix]
            for key in sorted(mine.keys() & theirs.keys()):
                if mine[key] != theirs[key]:
                    found[DifferenceKind.CHANGED].append((key, theirs[key], mine[key]))
            found[DifferenceKind.ONLY_LOWER] += [
                (k, theirs[k], "") for k in sorted(theirs.keys() - mine.keys())
            ]
            found[DifferenceKind.ONLY_UPPER] += [
                (k, "", mine[k]) for k in sorted(mine.keys() - theirs.keys())
            ]
    total = sum(len(rows) for rows in found.values())
    compared = report.count + len(found[DifferenceKind.ONLY_UPPER])
    run = ReconcileRun(
        region_code=node.region_code,
        node=node,
        depth=report.depth,
        lower_root=report.root,
        upper_root=upper_root,
        lower_count=report.count,
        upper_count=tree.count,
        compared=compared,
        differences=total,
        changed=len(found[DifferenceKind.CHANGED]),
        only_lower=len(found[DifferenceKind.ONLY_LOWER]),
        only_upper=len(found[DifferenceKind.ONLY_UPPER]),
        consistency=1.0 if not compared else round(max(0, compared - total) / compared, 6),
        round_trips=max(0, report.round_trips),
        bytes_exchanged=max(0, report.bytes_exchanged),
        recorded_at=timezone.now(),
    )
    run.full_clean()
    run.save()
    _store_differences(run, found)
    from bdcdj.monitor.services.metrics import metrics_compute  # the monitor reads runs too

    metrics_compute(node=node, day=timezone.localdate(run.recorded_at))
    return run, {kind: [key for key, _, _ in rows] for kind, rows in found.items()}


def _store_differences(run: ReconcileRun, found: dict[str, list[tuple[str, str, str]]]) -> None:
    rows: list[ReconcileDifference] = []
    for kind, entries in found.items():
        for key, lower, upper in entries:
            if len(rows) >= MAX_STORED_DIFFERENCES:
                break
            table, business = split_key(key)
            rows.append(
                ReconcileDifference(
                    region_code=run.region_code,
                    run=run,
                    kind=kind,
                    record_key=key[:200],
                    table=table[:40],
                    business_number=business[:64],
                    lower_hash=lower,
                    upper_hash=upper,
                )
            )
    mirror = {
        f"{m.table}|{m.row_key}": m
        for m in MirrorRecord.objects.filter(
            region_code=run.region_code,
            table__in={r.table for r in rows},
            row_key__in={r.record_key.partition("|")[2] for r in rows},
        ).only("id", "table", "row_key", "unit_code")
    }
    for row in rows:
        record = mirror.get(row.record_key)
        if record is not None:
            row.mirror_record = record
            row.unit_code = record.unit_code[:40]
    ReconcileDifference.objects.bulk_create(rows, batch_size=500)
