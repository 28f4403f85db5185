"""Public, read-only API of the transparency log (no login): heads, proofs, entries, bundles.
Bad input answers 400/422 with a Chinese message; nothing here writes."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.ledger import selectors

router = Router(tags=["透明日志"], auth=None)


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


class HeadOut(Schema):
    log_id: str
    tree_size: int
    timestamp_ms: int
    root_hash: str
    signature: str
    public_key: str


class InclusionOut(Schema):
    index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]


class ConsistencyOut(Schema):
    first: int
    second: int
    proof: list[str]


class EntryOut(Schema):
    index: int
    kind: str
    entry: str
    leaf_hash: str
    appended_at: datetime | None


class BundleOut(Schema):
    entry: str
    entry_text: str
    index: int
    leaf_hash: str
    tree_head: HeadOut
    inclusion: list[str]


class InclusionQuery(Schema):
    index: int | None = None
    leaf_hash: str = ""
    tree_size: int | None = None


class BundleQuery(Schema):
    document_sm3: str = ""
    event: str = ""
    index: int | None = None


ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("/sth", response={200: HeadOut, **ERRORS}, summary="最新签名树头")
def sth(request: HttpRequest) -> dict:
    return selectors.head_dict(selectors.head_latest())


@router.get(
    "/proof/inclusion", response={200: InclusionOut, **ERRORS}, summary="包含证明（按序号或叶子哈希）"
)
def inclusion(request: HttpRequest, query: Query[InclusionQuery]) -> dict:
    if query.index is None and not query.leaf_hash:
        raise InvalidInput(
            code="ledger_index_required", message="请提供序号或叶子哈希", fields={"index": "必填"}
        )
    index = query.index
    if index is None:
        index = selectors.entry_by_leaf_hash(query.leaf_hash).index or 0  # only sequenced entries match
    proof = selectors.inclusion_proof(index=index, size=query.tree_size)
    return {
        "index": proof.index,
        "tree_size": proof.tree_size,
        "leaf_hash": proof.leaf_hash,
        "audit_path": proof.path,
    }


@router.get(
    "/proof/consistency", response={200: ConsistencyOut, **ERRORS}, summary="一致性证明（两个树大小之间）"
)
def consistency(request: HttpRequest, first: int, second: int) -> dict:
    return {
        "first": first,
        "second": second,
        "proof": selectors.consistency_proof(first=first, second=second),
    }


@router.get("/entries", response={200: list[EntryOut], **ERRORS}, summary="日志条目（区间，每次最多100条）")
def entries(request: HttpRequest, start: int, end: int) -> list[dict]:
    return [
        {
            "index": e.index,
            "kind": e.kind,
            "entry": e.entry,
            "leaf_hash": e.leaf_hash,
            "appended_at": e.appended_at,
        }
        for e in selectors.entries_range(start=start, end=end)
    ]


@router.get("/bundle", response={200: BundleOut, **ERRORS}, summary="证明包（条目、树头、包含证明）")
def bundle(request: HttpRequest, query: Query[BundleQuery]) -> dict:
    if query.document_sm3:
        entry = selectors.entry_for_document(document_sm3=query.document_sm3)
    elif query.event:
        entry = selectors.entry_for_event(event=query.event)
    elif query.index is not None:
        entry = selectors.entry_by_index(query.index)
    else:
        raise InvalidInput(
            code="ledger_subject_required",
            message="请提供文件 SM3、登簿事件或序号",
            fields={"document_sm3": "必填"},
        )
    if entry is None:
        raise NotFound(code="ledger_entry_not_found", message="透明日志中没有该文件或事件")
    return selectors.bundle_for(entry)
