"""Monitor API: the 登簿日志 receiver (node auth, XML) and chart data for the dashboard (session)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import Router, Schema, Status

from bdcdj.accounts.selectors import require_page
from bdcdj.core.errors import InvalidInput
from bdcdj.hub.services import Refusal, node_authenticate
from bdcdj.monitor.selectors import dashboard_series, ranking_month
from bdcdj.monitor.services import LogAnswer, LogCode, LogRefusal, daily_log_receive
from bdcdj.monitor.services.daily_log import SIGNATURE_HEADER
from bdcdj.monitor.services.receive import max_log_bytes
from bdcdj.monitor.services.resend import open_items

router = Router(tags=["监测与登簿日志"])

XML_TYPE = "application/xml; charset=utf-8"
ACCEPTED_TYPES = {"application/xml", "text/xml"}
MAX_RANGE_DAYS = 366


def _answer(answer: LogAnswer) -> HttpResponse:
    return HttpResponse(answer.to_xml(), content_type=XML_TYPE, status=answer.http_status)


@router.post(
    "/daily-logs",
    auth=None,
    summary="接收下级节点的登簿日志",
    description="请求体为登簿日志 XML（AccessLogs）；头部 X-Bdcdj-Node、Authorization: Bearer 令牌、"
    "X-Bdcdj-Signature（对请求体的 SM2 签名，r‖s 十六进制）。应答为 RespondLog（0200 成功）。",
    response={200: None, 400: None, 401: None, 403: None, 413: None, 415: None},
    openapi_extra={"requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}}},
)
@csrf_exempt
def receive_daily_log(request: HttpRequest) -> HttpResponse:
    try:
        node = node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
    except Refusal as refusal:
        status = refusal.receipt.http_status
        code = LogCode.UNAUTHORIZED if status == 401 else LogCode.FORBIDDEN
        return _answer(LogAnswer(code=code, info=refusal.receipt.response_info, http_status=status))
    content_type = request.content_type or ""
    if content_type and content_type not in ACCEPTED_TYPES:
        return _answer(LogAnswer(LogCode.MEDIA_TYPE, "Content-Type 应为 application/xml", 415))
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > max_log_bytes():
        return _answer(LogAnswer(LogCode.TOO_LARGE, "日志过大", 413))
    try:
        answer = daily_log_receive(
            node=node, xml=bytes(request.body), signature=request.headers.get(SIGNATURE_HEADER, "")
        )
    except LogRefusal as refusal:
        return _answer(refusal.answer)
    return _answer(answer)


class ResendItemOut(Schema):
    day: dt.date | None
    business_number: str
    unit_code: str
    biz_msg_id: str
    registration_type: str
    reason: str


class ResendListOut(Schema):
    region: str
    items: list[ResendItemOut]


class NodeErrorOut(Schema):
    code: str
    message: str


@router.get(
    "/resend-items",
    auth=None,
    response={200: ResendListOut, 401: NodeErrorOut, 403: NodeErrorOut},
    summary="下级节点拉取待补报（登簿未接入）清单",
    description="头部 X-Bdcdj-Node 与 Authorization: Bearer 令牌（与上报报文相同）。"
    "返回该节点尚未补报到达的全部条目；补报报文接入成功后条目自动移出清单。",
)
def resend_items(request: HttpRequest) -> Status:
    try:
        node = node_authenticate(
            region_code=request.headers.get("X-Bdcdj-Node", "").strip(),
            authorization=request.headers.get("Authorization", ""),
        )
    except Refusal as refusal:
        receipt = refusal.receipt
        return Status(receipt.http_status, {"code": "node_unauthorized", "message": receipt.response_info})
    return Status(200, {"region": node.region_code, "items": open_items(node=node)})


class DimensionOut(Schema):
    key: str
    label: str


class NodeSeriesOut(Schema):
    region: str
    name: str
    series: dict[str, list[float | None]]


class SeriesOut(Schema):
    days: list[str]
    dimensions: list[DimensionOut]
    nodes: list[NodeSeriesOut]


def _range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    end = date_to or timezone.localdate()
    start = date_from or end - dt.timedelta(days=29)
    if start > end or (end - start).days > MAX_RANGE_DAYS:
        raise InvalidInput(code="range_invalid", message="日期范围无效（开始不晚于结束，最长一年）")
    return start, end


@router.get("/metrics", response=SeriesOut, summary="各节点逐日监测指标（图表数据）")
def metrics(request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict:
    require_page(user=request.user, page="monitor.dashboard")
    start, end = _range(date_from, date_to)
    return dashboard_series(user=request.user, date_from=start, date_to=end)


class RankOut(Schema):
    rank: int
    region: str
    name: str
    days: int
    score: float | None
    dimensions: dict[str, float | None]


@router.get("/ranking", response=list[RankOut], summary="月度排名")
def ranking(request: HttpRequest, month: str = "") -> list:
    require_page(user=request.user, page="monitor.dashboard")
    try:
        first = dt.date.fromisoformat(f"{month}-01") if month else timezone.localdate().replace(day=1)
    except ValueError as exc:
        raise InvalidInput(code="month_invalid", message="月份应为 YYYY-MM") from exc
    return ranking_month(user=request.user, month=first)
