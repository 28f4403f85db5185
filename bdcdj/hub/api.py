"""The receiver endpoint lower nodes (and their relay) POST access messages to.

Authentication is the node's own (X-Bdcdj-Node + bearer token), not the session: the router
is mounted with auth=None and every answer is a `Rep` receipt in XML.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import Router

from bdcdj.hub.services import Code, Receipt, Refusal, message_receive, node_authenticate
from bdcdj.hub.services.receive import max_message_bytes

router = Router(tags=["报文接收"], auth=None)

XML_TYPE = "application/xml; charset=utf-8"
ACCEPTED_TYPES = {"application/xml", "text/xml"}


def receipt_response(receipt: Receipt) -> HttpResponse:
    return HttpResponse(receipt.to_xml(), content_type=XML_TYPE, status=receipt.http_status)


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
