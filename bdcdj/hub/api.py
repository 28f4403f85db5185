"""The receiver endpoint lower nodes (and their relay) POST access messages to.

Authentication is the node's own (X-Bdcdj-Node + bearer token), not the session: the router
is mounted with auth=None and every answer is a `Rep` receipt in XML.
"""

import base64
import binascii
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import Router, Schema, Status

from bdcdj.hub.models import LowerNode
from bdcdj.hub.services import (
    Code,
    Receipt,
    Refusal,
    message_receive,
    messages_receive_batch,
    node_authenticate,
)
from bdcdj.hub.services.passdown import rejections_confirm, rejections_outstanding
from bdcdj.hub.services.receive import max_message_bytes

router = Router(tags=["报文接收"], auth=None)

XML_TYPE = "application/xml; charset=utf-8"
DEFAULT_MAX_BATCH_MESSAGES = 100
ACCEPTED_TYPES = {"application/xml", "text/xml"}


def receipt_response(receipt: Receipt) -> HttpResponse:
    """The receipt, naming this node (X-Bdcdj-Node) so a forwarding node can say who refused."""
    response = HttpResponse(receipt.to_xml(), content_type=XML_TYPE, status=receipt.http_status)
    response["X-Bdcdj-Node"] = str(settings.BDCDJ_REGION_CODE)
    return response


@router.post(
    "/messages",
    summary="接收下级节点的接入报文",
    description="请求体为接入报文 XML；头部 X-Bdcdj-Node 为节点行政区划代码，Authorization 为 Bearer 令牌。"
    "应答为 Rep 响应报文（SuccessFlag 1 成功 / 2 失败）。",
    response={200: None, 400: None, 401: None, 403: None, 409: None, 413: None, 415: None},
    openapi_extra={"requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
@csrf_exempt
def receive_message(request: HttpRequest) -> HttpResponse:
    try:
        node = node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
        return receipt_response(message_receive(node=node, xml=_body(request)))
    except Refusal as refusal:
        return receipt_response(refusal.receipt)


def _body(request: HttpRequest) -> bytes:
    """The body, refusing oversized and non-XML deliveries before reading it."""
    content_type = request.content_type or ""
    if content_type and content_type not in ACCEPTED_TYPES:
        raise Refusal(
            Receipt.failure(code=Code.MEDIA_TYPE, info="Content-Type 应为 application/xml", http_status=415)
        )
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > max_message_bytes():
        raise Refusal(Receipt.failure(code=Code.TOO_LARGE, info="报文过大", http_status=413))
    return bytes(request.body)


def max_batch_messages() -> int:
    return int(getattr(settings, "BDCDJ_HUB_MAX_BATCH_MESSAGES", DEFAULT_MAX_BATCH_MESSAGES))


def _refusal(code: str, info: str, status: int) -> Refusal:
    return Refusal(Receipt.failure(code=code, info=info, http_status=status))


def _batch_body(request: HttpRequest) -> list[bytes]:
    """The batch's messages (base64 in JSON), refusing the whole batch for transport errors."""
    if (request.content_type or "") != "application/json":
        raise _refusal(Code.MEDIA_TYPE, "Content-Type 应为 application/json", 415)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if limit and declared > limit:
        raise _refusal(Code.TOO_LARGE, f"批量请求过大（上限 {limit} 字节）", 413)
    try:
        payload = json.loads(request.body)
        encoded = payload["messages"] if isinstance(payload, dict) else None
        if not isinstance(encoded, list) or not encoded or not all(isinstance(m, str) for m in encoded):
            raise ValueError
        messages = [base64.b64decode(m, validate=True) for m in encoded]
    except (ValueError, KeyError, binascii.Error):
        info = '批量请求格式错误：应为 {"messages": [Base64 编码的报文, …]}'
        raise _refusal(Code.FORMAT, info, 400) from None
    if len(messages) > max_batch_messages():
        raise _refusal(Code.TOO_LARGE, f"批量报文过多：每次至多 {max_batch_messages()} 条", 413)
    return messages


@router.post(
    "/messages/batch",
    summary="批量接收下级节点的接入报文",
    description='请求体为 JSON {"messages": [Base64 编码的接入报文, …]}，头部同单条上报。每条报文'
    '单独验签、XSD 校验、质检，一个事务内逐条保存（每条一个保存点）。应答 {"receipts": [...]}，'
    "与请求顺序一致，每项含该条单独上报时的 HTTP 状态（status）与 Rep 响应报文（xml）。"
    "整批被拒（认证、格式、过大）时应答为 Rep 响应报文。",
    response={200: None, 400: None, 401: None, 403: None, 413: None, 415: None},
)
@csrf_exempt
def receive_batch(request: HttpRequest) -> HttpResponse:
    try:
        node = node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
        receipts = messages_receive_batch(node=node, messages=_batch_body(request))
    except Refusal as refusal:
        return receipt_response(refusal.receipt)
    body = {
        "receipts": [
            {
                "biz_msg_id": r.biz_msg_id,
                "success_flag": r.success_flag,
                "response_code": r.response_code,
                "status": r.http_status,
                # 503 (not stored, retry): no <Rep>, so a relay keeps the message pending.
                "xml": r.to_xml().decode("utf-8") if r.http_status < 500 else "",
            }
            for r in receipts
        ]
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["X-Bdcdj-Node"] = str(settings.BDCDJ_REGION_CODE)
    return response


class UpstreamReceiptOut(Schema):
    biz_msg_id: str
    success_flag: str
    response_code: str
    response_info: str
    rejected_by: str
    rejected_at: str


class UpstreamReceiptsOut(Schema):
    items: list[UpstreamReceiptOut]


class ConfirmIn(Schema):
    biz_msg_ids: list[str]


class ConfirmOut(Schema):
    confirmed: int


class NodeErrorOut(Schema):
    code: str
    message: str


def _node_or_refusal(request: HttpRequest) -> LowerNode | Status:
    try:
        return node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
    except Refusal as refusal:
        body = {"code": "node_unauthorized", "message": refusal.receipt.response_info}
        return Status(refusal.receipt.http_status, body)


@router.get(
    "/upstream-receipts",
    response={200: UpstreamReceiptsOut, 401: NodeErrorOut, 403: NodeErrorOut},
    summary="下级节点拉取上级拒收回执（转发后被更高一级拒收的报文）",
    description="头部与上报报文相同（X-Bdcdj-Node、Bearer 令牌）。列出该节点上报、经本节点转发后"
    "被更高一级拒收且尚未确认的回执（SuccessFlag 2）；下级应用后以 POST …/confirm 确认。",
)
def upstream_receipts(request: HttpRequest) -> Status:
    node = _node_or_refusal(request)
    if isinstance(node, Status):
        return node
    items = [
        {
            "biz_msg_id": item.message.biz_msg_id,
            "success_flag": "2",
            "response_code": item.upstream_code,
            "response_info": item.upstream_info,
            "rejected_by": item.upstream_rejected_by,
            "rejected_at": item.upstream_rejected_at.isoformat() if item.upstream_rejected_at else "",
        }
        for item in rejections_outstanding(node=node)
    ]
    return Status(200, {"items": items})


@router.post(
    "/upstream-receipts/confirm",
    response={200: ConfirmOut, 401: NodeErrorOut, 403: NodeErrorOut},
    summary="下级节点确认已应用上级拒收回执",
)
@csrf_exempt
def upstream_receipts_confirm(request: HttpRequest, body: ConfirmIn) -> Status:
    node = _node_or_refusal(request)
    if isinstance(node, Status):
        return node
    return Status(200, {"confirmed": rejections_confirm(node=node, biz_msg_ids=body.biz_msg_ids)})
