"""Tamper detection: recompute the log from its sources and from itself.

Checks, in order: every entry's leaf hash from its bytes; every entry's bytes from its source
row (a register event, whose own chain hash is recomputed too, or a certificate version);
every stored subtree from its children (level 0 from the entries), streamed level by level;
every signed head's signature and root; and that no source is missing from the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest

from bdcdj.certs.models import CertificateVersion
from bdcdj.exchange import signing
from bdcdj.ledger import entries
from bdcdj.ledger.models import Entry, EntryKind, Node, TreeHead, TreeState
from bdcdj.ledger.selectors import head_signature_valid, node_key, root_at
from bdcdj.ledger.verifier import leaf_hash, node_hash
from bdcdj.register.models import RegisterEvent
from bdcdj.register.services.chain import stored_event_hash

CHUNK = 2000
MAX_FINDINGS = 100


@dataclass
class AuditReport:
    checked_entries: int = 0
    checked_nodes: int = 0
    checked_heads: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, message: str) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(message)


def _check_entries(report: AuditReport) -> None:
    rows = Entry.objects.order_by("pk").iterator(chunk_size=CHUNK)
    batch: list[Entry] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            _check_batch(report, batch)
            batch = []
    _check_batch(report, batch)


def _check_batch(report: AuditReport, batch: list[Entry]) -> None:
    events = RegisterEvent.objects.in_bulk([r.source_id for r in batch if r.kind == EntryKind.REGISTER_EVENT])
    versions = CertificateVersion.objects.in_bulk(
        [r.source_id for r in batch if r.kind == EntryKind.CERTIFICATE]
    )
    for row in batch:
        report.checked_entries += 1
        label = f"条目 #{row.index if row.index is not None else '待上链'}（{row.reference}）"
        if leaf_hash(row.entry.encode("utf-8")).hex() != row.leaf_hash:
            report.add(f"{label}：叶子哈希与条目内容不符")
        if row.kind == EntryKind.REGISTER_EVENT:
            event = events.get(row.source_id)
            if event is None:
                report.add(f"{label}：来源登簿事件已不存在")
                continue
            if stored_event_hash(event, prev_hash=event.prev_hash) != event.hash:
                report.add(
                    f"{label}：登簿事件 {event.region_code}:{event.seq} 的内容与其摘要不符（已被修改）"
                )
            if entries.event_entry(event) != row.entry:
                report.add(f"{label}：条目与登簿事件 {event.region_code}:{event.seq} 不一致")
        else:
            version = versions.get(row.source_id)
            if version is None:
                report.add(f"{label}：来源电子证照版本已不存在")
                continue
            if entries.certificate_entry(version) != row.entry or version.sm3 != row.document_sm3:
                report.add(f"{label}：条目与电子证照版本 {version.number} 第{version.version}版不一致")


def _stored(level: int) -> Iterator[tuple[int, str]]:
    lo, hi = node_key(level, 0), node_key(level + 1, 0)
    rows = Node.objects.filter(key__gte=lo, key__lt=hi).order_by("key").values_list("key", "hash")
    for key, digest in rows.iterator(chunk_size=CHUNK):
        yield key - lo, digest


def _expected(level: int) -> Iterator[tuple[int, str]]:
    """Level 0 from the entries' leaf hashes; above, each pair of stored children hashed."""
    if level == 0:
        rows = Entry.objects.filter(index__isnull=False).order_by("index").values_list("index", "leaf_hash")
        for index, digest in rows.iterator(chunk_size=CHUNK):
            yield int(index or 0), digest
        return
    below = _stored(level - 1)
    for (position, left), (_, right) in zip(below, below, strict=False):
        yield position >> 1, node_hash(bytes.fromhex(left), bytes.fromhex(right)).hex()


def _check_nodes(report: AuditReport, size: int) -> None:
    """Each stored level against the level below, streamed side by side (a merge join), so
    memory stays flat at any size."""
    level = 0
    while size >> level:
        stored_count = 0
        for expected, stored in zip_longest(_expected(level), _stored(level)):
            report.checked_nodes += 1
            stored_count += stored is not None
            if expected is None or stored is None or expected != stored:
                where = (stored or expected or (0, ""))[0]
                report.add(f"子树哈希 L{level}#{where} 与重新计算的值不符或缺失")
        if stored_count != size >> level:
            report.add(f"第 {level} 层子树数量不符：应为 {size >> level}，存储 {stored_count}")
        level += 1


def _check_heads(report: AuditReport, size: int) -> None:
    own_key = signing.node_public_key_hex()
    for head in TreeHead.objects.order_by("tree_size", "timestamp_ms"):
        report.checked_heads += 1
        if not head_signature_valid(head, public_key_hex=own_key):
            report.add(f"签名树头（大小 {head.tree_size}）签名无效")
        if head.tree_size > size:
            report.add(f"签名树头（大小 {head.tree_size}）超出日志大小 {size}")
        elif head.tree_size and root_at(head.tree_size) != head.root_hash:
            report.add(f"签名树头（大小 {head.tree_size}）的根哈希与日志不符")


def _check_complete(report: AuditReport) -> None:
    events = RegisterEvent.objects.exclude(
        pk__in=Entry.objects.filter(kind=EntryKind.REGISTER_EVENT).values("source_id")
    ).count()
    versions = CertificateVersion.objects.exclude(
        pk__in=Entry.objects.filter(kind=EntryKind.CERTIFICATE).values("source_id")
    ).count()
    if events or versions:
        report.add(f"有 {events} 条登簿事件、{versions} 个电子证照版本未入日志（运行 ledger_publish 补录）")


def ledger_audit() -> AuditReport:
    """Run every check; the report lists what does not hold (empty when all is well)."""
    report = AuditReport()
    state = TreeState.objects.filter(pk=1).first()
    size = state.size if state is not None else 0
    _check_entries(report)
    if Entry.objects.filter(index__isnull=False).count() != size:
        report.add(f"已上链条目数与树大小 {size} 不符")
    _check_nodes(report, size)
    if size and state is not None and root_at(size) != state.root_hash:
        report.add("树状态中的根哈希与子树不符")
    _check_heads(report, size)
    _check_complete(report)
    return report
