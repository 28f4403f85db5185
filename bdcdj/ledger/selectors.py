"""Reads of the transparency log: heads, proofs, entries and proof bundles.

The log is public by design (digests only, no personal data), so these selectors take no
user: every node answers anyone, as a Certificate Transparency log does. Proofs read
O(log n) nodes in one query whatever the size of the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.ledger import merkle
from bdcdj.ledger.models import Entry, EntryKind, Node, TreeHead, TreeState
from bdcdj.ledger.verifier import TreeHead as SignedHead
from bdcdj.ledger.verifier import tree_head_verify

ENTRIES_MAX = 100
_POSITION_BITS = 48


def log_id() -> str:
    return f"bdcdj-{settings.BDCDJ_NODE_ROLE}-{settings.BDCDJ_REGION_CODE}"


def node_key(level: int, position: int) -> int:
    return level << _POSITION_BITS | position


def nodes_fetch(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored subtree hashes by (level, position); one primary-key query."""
    wanted = {node_key(level, position): (level, position) for level, position in keys}
    found: dict[tuple[int, int], bytes] = {}
    items = list(wanted)
    for start in range(0, len(items), 500):
        for key, digest in Node.objects.filter(key__in=items[start : start + 500]).values_list("key", "hash"):
            found[wanted[key]] = bytes.fromhex(digest)
    return found


def _fetch_all(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    found = nodes_fetch(keys)
    missing = set(keys) - set(found)
    if missing:
        raise NotFound(code="ledger_node_missing", message="日志数据不完整，无法生成证明")
    return found


def tree_size() -> int:
    state = TreeState.objects.filter(pk=1).first()
    return state.size if state is not None else 0


def head_latest() -> TreeHead:
    head = TreeHead.objects.order_by("-tree_size", "-timestamp_ms").first()
    if head is None:
        raise NotFound(code="ledger_no_head", message="透明日志尚未发布签名树头")
    return head


def head_signed(head: TreeHead) -> SignedHead:
    return SignedHead(
        log_id=head.log_id,
        tree_size=head.tree_size,
        timestamp_ms=head.timestamp_ms,
        root_hash=bytes.fromhex(head.root_hash),
        signature=head.signature,
    )


def head_dict(head: TreeHead) -> dict[str, Any]:
    return {**head_signed(head).as_dict(), "public_key": head.public_key}


def head_signature_valid(head: TreeHead, *, public_key_hex: str) -> bool:
    return tree_head_verify(head_signed(head), public_key_hex=public_key_hex)


def _size_checked(size: int | None, *, name: str) -> int:
    current = tree_size()
    if size is None:
        return head_latest().tree_size
    if size < 1 or size > current:
        raise InvalidInput(
            code="ledger_bad_size",
            message=f"树大小应在 1 到 {current} 之间",
            fields={name: "超出范围"},
        )
    return size


def entry_by_index(index: int) -> Entry:
    row = Entry.objects.filter(index=index).first()
    if row is None:
        raise NotFound(code="ledger_entry_not_found", message="日志中没有该序号的条目")
    return row


def entry_by_leaf_hash(leaf_hash: str) -> Entry:
    value = (leaf_hash or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise InvalidInput(
            code="ledger_bad_hash", message="叶子哈希应为 64 位十六进制", fields={"leaf_hash": "格式有误"}
        )
    row = Entry.objects.filter(leaf_hash=value, index__isnull=False).order_by("index").first()
    if row is None:
        raise NotFound(code="ledger_entry_not_found", message="日志中没有该叶子哈希的条目")
    return row


@dataclass(frozen=True)
class InclusionProof:
    index: int
    tree_size: int
    leaf_hash: str
    path: list[str]


def inclusion_proof(*, index: int, size: int | None = None) -> InclusionProof:
    """The audit path of entry `index` in the tree of `size` (default: the latest head's)."""
    size = _size_checked(size, name="tree_size")
    if index < 0 or index >= size:
        raise InvalidInput(
            code="ledger_bad_index", message=f"序号应在 0 到 {size - 1} 之间", fields={"index": "超出范围"}
        )
    row = entry_by_index(index)
    path = merkle.batched(lambda get: merkle.inclusion_path(index, size, get), _fetch_all)
    return InclusionProof(index=index, tree_size=size, leaf_hash=row.leaf_hash, path=[p.hex() for p in path])


def consistency_proof(*, first: int, second: int) -> list[str]:
    """The RFC 9162 consistency proof between two sizes of the log."""
    current = tree_size()
    if not 0 < first <= second <= current:
        raise InvalidInput(
            code="ledger_bad_sizes",
            message=f"应满足 0 < first ≤ second ≤ {current}",
            fields={"first": "超出范围", "second": "超出范围"},
        )
    path = merkle.batched(lambda get: merkle.consistency_path(first, second, get), _fetch_all)
    return [p.hex() for p in path]


def root_at(size: int) -> str:
    """The root of the tree of any past size, recomputed from the stored subtrees."""
    return merkle.batched(lambda get: merkle.root_hash(size, get), _fetch_all).hex()


def entries_range(*, start: int, end: int) -> list[Entry]:
    """Entries [start, end) — at most ENTRIES_MAX per call."""
    size = tree_size()
    if start < 0 or end <= start or start >= size:
        raise InvalidInput(
            code="ledger_bad_range",
            message=f"应满足 0 ≤ start < end，且 start < {size}",
            fields={"start": "超出范围"},
        )
    end = min(end, start + ENTRIES_MAX, size)
    return list(Entry.objects.filter(index__gte=start, index__lt=end).order_by("index"))


def entry_for_document(*, document_sm3: str) -> Entry | None:
    return Entry.objects.filter(kind=EntryKind.CERTIFICATE, document_sm3=document_sm3.lower()).first()


def entry_for_event(*, event: str) -> Entry | None:
    region, _, seq = (event or "").partition(":")
    if len(region) != 6 or not region.isdigit() or not seq.isdigit():
        raise InvalidInput(
            code="ledger_bad_event",
            message="登簿事件应写作 行政区划代码:序号，如 340121:15",
            fields={"event": "格式有误"},
        )
    return Entry.objects.filter(kind=EntryKind.REGISTER_EVENT, reference=f"{region}:{int(seq)}").first()


def bundle_for(entry: Entry) -> dict[str, Any]:
    """Everything an independent verifier needs: the entry, its position, the latest signed
    head and the audit path to it."""
    if entry.index is None:
        raise NotFound(code="ledger_pending", message="该条目已登记，等待下一次签名树头发布后即可核验")
    head = head_latest()
    if entry.index >= head.tree_size:
        raise NotFound(code="ledger_pending", message="该条目已上链，等待下一次签名树头发布后即可核验")
    proof = inclusion_proof(index=entry.index, size=head.tree_size)
    return {
        "entry": entry.entry.encode("utf-8").hex(),
        "entry_text": entry.entry,
        "index": entry.index,
        "leaf_hash": entry.leaf_hash,
        "tree_head": head_dict(head),
        "inclusion": proof.path,
    }
