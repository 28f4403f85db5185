"""The registry of lower nodes: registration (a token shown once), deactivation, authentication."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from bdcdj.core.crypto import sm3_hex
from bdcdj.core.errors import Conflict, NotFound, invalid_fields
from bdcdj.hub.models import DeliveryFailure, FailureKind, LowerNode, NodeRole
from bdcdj.hub.services.receipts import Code, Receipt, Refusal

TOKEN_PREFIX = "bdn_"
_PUBLIC_KEY = re.compile(r"^(04)?[0-9a-fA-F]{128}$")


@dataclass(frozen=True)
class NodeRegistration:
    node: LowerNode
    token: str  # shown once; only its SM3 digest is kept


def token_digest(token: str) -> str:
    return sm3_hex(token.encode("utf-8"))


def region_covers(parent: str, child: str) -> bool:
    """Whether district `child` is `parent` or lies inside it (GB/T 2260: 34 省, 3401 市, 340121 县)."""
    if len(parent) != 6 or len(child) != 6 or not (parent + child).isdigit():
        return False
    if parent.endswith("0000"):
        return child[:2] == parent[:2]
    if parent.endswith("00"):
        return child[:4] == parent[:4]
    return child == parent


@transaction.atomic
def node_register(
    *, region_code: str, name: str, public_key_hex: str, role: str = NodeRole.COUNTY
) -> NodeRegistration:
    """Register a lower node and issue its bearer token; raises Conflict if the region exists."""
    errors: dict[str, str] = {}
    if not re.fullmatch(r"\d{6}", region_code):
        errors["region_code"] = "行政区划代码应为6位数字"
    if not name.strip():
        errors["name"] = "必填"
    if not _PUBLIC_KEY.match(public_key_hex):
        errors["public_key_hex"] = "SM2 公钥应为128位（或带04前缀的130位）十六进制"
    if role not in NodeRole.values:
        errors["role"] = "节点级别应为 county、city 或 province"
    if errors:
        raise invalid_fields(errors, code="node_invalid")
    if LowerNode.objects.filter(region_code=region_code).exists():
        raise Conflict(code="node_exists", message=f"行政区划 {region_code} 的节点已登记")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    node = LowerNode(
        region_code=region_code,
        name=name.strip(),
        role=role,
        public_key_hex=public_key_hex.lower(),
        token_hash=token_digest(token),
    )
    try:
        node.full_clean()
    except ValidationError as exc:
        raise invalid_fields(
            {k: "；".join(v) for k, v in exc.message_dict.items()}, code="node_invalid"
        ) from exc
    node.save()
    return NodeRegistration(node=node, token=token)


@transaction.atomic
def node_set_active(*, region_code: str, active: bool) -> LowerNode:
    node = LowerNode.objects.select_for_update().filter(region_code=region_code).first()
    if node is None:
        raise NotFound(code="node_not_found", message=f"未登记行政区划 {region_code} 的节点")
    node.is_active = active
    node.save(update_fields=["is_active"])
    return node


def failure_record(
    *, node: LowerNode | None, claimed_region: str, kind: str, code: str, biz_msg_id: str = ""
) -> None:
    """Count a refused delivery (outside any message transaction, so it survives the refusal)."""
    DeliveryFailure.objects.create(
        node=node,
        claimed_region=claimed_region[:12],
        kind=kind,
        response_code=code,
        biz_msg_id=biz_msg_id[:40],
    )


def node_authenticate(*, region_code: str, authorization: str) -> LowerNode:
    """The active node that presented a valid bearer token for `region_code`, or a Refusal."""
    token = authorization[7:].strip() if authorization[:7].lower() == "bearer " else ""
    node = LowerNode.objects.filter(region_code=region_code).first() if region_code else None
    presented = token_digest(token)
    if node is None or not token or not hmac.compare_digest(presented, node.token_hash):
        failure_record(node=node, claimed_region=region_code, kind=FailureKind.AUTH, code=Code.UNAUTHORIZED)
        raise Refusal(
            Receipt.failure(code=Code.UNAUTHORIZED, info="节点未授权：节点标识或令牌无效", http_status=401)
        )
    if not node.is_active:
        failure_record(node=node, claimed_region=region_code, kind=FailureKind.AUTH, code=Code.UNAUTHORIZED)
        raise Refusal(Receipt.failure(code=Code.UNAUTHORIZED, info="节点未授权：节点已停用", http_status=403))
    return node
