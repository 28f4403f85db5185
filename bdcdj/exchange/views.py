"""The outbox page: list (status filter, search, pages, XLSX export, overdue badge), detail
with the message, its errors, attempts and receipt, and the 重新发送 action."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from lxml import etree

from bdcdj.accounts.decorators import page_required
from bdcdj.accounts.selectors import user_can
from bdcdj.accounts.services import audit_record
from bdcdj.core.errors import DomainError
from bdcdj.core.xlsx import xlsx_bytes, xlsx_response
from bdcdj.exchange.messages.parse import MessageError, parse_xml
from bdcdj.exchange.models import OutboxStatus, ResendReason
from bdcdj.exchange.selectors import (
    OutboxFilter,
    is_overdue,
    outbox_get,
    outbox_messages,
    outbox_overdue,
    resend_requests,
)
from bdcdj.exchange.services import outbox_resend
from bdcdj.exchange.services.outbox import RESENDABLE

PAGE = "exchange.outbox"
PAGE_SIZE = 50
COLUMNS = (
    "业务报文ID",
    "业务编码",
    "不动产单元号",
    "业务号",
    "状态",
    "发送次数",
    "最近错误",
    "回执信息",
    "生成时间",
)


def _filters(request: HttpRequest) -> OutboxFilter:
    status = request.GET.get("status", "")
    return OutboxFilter(
        status=status if status in OutboxStatus.values else "", search=request.GET.get("q", "")[:100]
    )


@page_required(PAGE)
def outbox(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    page = Paginator(outbox_messages(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page_obj": page,
        "rows": [(m, is_overdue(m)) for m in page],
        "filters": filters,
        "statuses": OutboxStatus.choices,
        "overdue_count": len(outbox_overdue(user=request.user)),
        "query": query.urlencode(),
        "resend_requests": resend_requests(user=request.user)[:200],
    }
    template = "exchange/_outbox_table.html" if getattr(request, "htmx", False) else "exchange/outbox.html"
    return render(request, template, context)


@page_required(PAGE)
def outbox_export(request: HttpRequest) -> HttpResponse:
    messages = outbox_messages(user=request.user, filters=_filters(request))
    rows = (
        [
            m.biz_msg_id,
            m.rectype,
            m.unit_code,
            m.case_number,
            m.get_status_display(),
            m.attempts,
            m.last_error,
            m.response_info,
            m.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        ]
        for m in messages.iterator()
    )
    content, count = xlsx_bytes(sheet_title="上报报文", headers=COLUMNS, rows=rows)
    audit_record(actor=request.user, action="exchange.outbox_export", detail={"rows": count})
    return xlsx_response(filename="上报报文.xlsx", content=content)


def _pretty(xml: bytes) -> str:
    if not xml:
        return ""
    try:
        return etree.tostring(parse_xml(xml), pretty_print=True, encoding="unicode")
    except MessageError:
        return xml.decode("utf-8", errors="replace")


@page_required(PAGE)
def outbox_detail(request: HttpRequest, message_id: int, error: str = "") -> HttpResponse:
    message = outbox_get(user=request.user, message_id=message_id)
    audit_record(actor=request.user, action="exchange.outbox_view", detail={"biz_msg_id": message.biz_msg_id})
    context = {
        "message": message,
        "xml": _pretty(message.xml_bytes),
        "overdue": is_overdue(message),
        "can_resend": message.status in RESENDABLE
        and not message.superseded
        and user_can(user=request.user, page=PAGE, write=True),
        "reasons": ResendReason.choices,
        "error": error,
    }
    return render(request, "exchange/outbox_detail.html", context, status=409 if error else 200)


@require_POST
@page_required(PAGE, write=True)
def outbox_resend_view(request: HttpRequest, message_id: int) -> HttpResponse:
    message = outbox_get(user=request.user, message_id=message_id)
    try:
        new = outbox_resend(message=message, reason=request.POST.get("reason", ""), by=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        return outbox_detail(request, message_id, error=exc.message)
    return redirect("exchange:outbox_detail", message_id=new.pk)
