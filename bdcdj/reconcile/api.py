"""The answering side of reconciliation at an upper node, for authenticated lower nodes.

Requests carry the same node credentials as access messages (X-Bdcdj-Node + Bearer token); a
node may only compare its own region.
"""

import re

from django.http import HttpRequest
from ninja import Router, Schema

from bdcdj.core.errors import Forbidden, InvalidInput
from bdcdj.hub.models import LowerNode
from bdcdj.hub.services import Refusal, node_authenticate
from bdcdj.reconcile.protocol import TreePeer
from bdcdj.reconcile.services import RunReport, reconcile_run_record
from bdcdj.reconcile.sources import mirror_records, tree_of

router = Router(tags=["reconcile"])
MAX_PREFIXES = 4096
_PREFIX = re.compile(r"^[0-9a-f]{0,6}$")


class Prefixes(Schema):
    prefixes: list[str]


class RunIn(Schema):
    root: str
    count: int
    depth: int
    round_trips: int = 0
    bytes: int = 0
    buckets: dict[str, dict[str, str]] = {}


class RunOut(Schema):
    run_id: int
    upper_root: str
    upper_count: int
    compared: int
    differences: int
    consistency: float
    changed: list[str]
    only_lower: list[str]
    only_upper: list[str]


def _node(request: HttpRequest) -> LowerNode:
    try:
        return node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", ""),
            authorization=request.headers.get("Authorization", ""),
        )
    except Refusal as refusal:
        raise Forbidden(code="node_unauthorized", message="节点未授权：节点标识或令牌无效") from refusal


def _peer(request: HttpRequest) -> TreePeer:
    return TreePeer(tree_of(mirror_records(region_code=_node(request).region_code)))


def _checked(prefixes: list[str], *, depth: int, leaves: bool) -> list[str]:
    if len(prefixes) > MAX_PREFIXES:
        raise InvalidInput(code="too_many_prefixes", message=f"一次最多查询 {MAX_PREFIXES} 个节点")
    for prefix in prefixes:
        if not _PREFIX.match(prefix) or (len(prefix) != depth if leaves else len(prefix) >= depth):
            raise InvalidInput(
                code="bad_prefix", message=f"节点前缀“{prefix[:8]}”无效", fields={"prefixes": "格式有误"}
            )
    return prefixes


@router.post("/summary", auth=None, summary="镜像默克尔树根（核对起点）")
def summary(request: HttpRequest) -> dict[str, object]:
    return _peer(request).summary()


@router.post("/children", auth=None, summary="子节点哈希")
def children(request: HttpRequest, body: Prefixes) -> dict[str, dict[str, str]]:
    peer = _peer(request)
    return peer.children(_checked(body.prefixes, depth=peer.tree.depth, leaves=False))


@router.post("/entries", auth=None, summary="叶桶内的记录哈希")
def entries(request: HttpRequest, body: Prefixes) -> dict[str, dict[str, str]]:
    peer = _peer(request)
    return peer.entries(_checked(body.prefixes, depth=peer.tree.depth, leaves=True))


@router.post("/runs", auth=None, response=RunOut, summary="报告一次核对结果（上级自行计算差异并记录）")
def report_run(request: HttpRequest, body: RunIn) -> dict[str, object]:
    node = _node(request)
    run, found = reconcile_run_record(
        node=node,
        report=RunReport(
            root=body.root,
            count=body.count,
            depth=body.depth,
            buckets=body.buckets,
            round_trips=body.round_trips,
            bytes_exchanged=body.bytes,
        ),
    )
    return {
        "run_id": run.pk,
        "upper_root": run.upper_root,
        "upper_count": run.upper_count,
        "compared": run.compared,
        "differences": run.differences,
        "consistency": run.consistency,
        "changed": found["changed"],
        "only_lower": found["only_lower"],
        "only_upper": found["only_upper"],
    }
