"""Outbox endpoints (`/api/exchange/v1/outbox/`): list, detail, re-send. The receiving
endpoint of the upper node lives in the hub app."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Schema

from bdcdj.exchange.models import OutboxMessage
from bdcdj.exchange.selectors import OutboxFilter, is_overdue, outbox_get, outbox_messages
from bdcdj.exchange.services import outbox_resend

router = Router(tags=["上报报文"])


class OutboxOut(Schema):
    id: int
    biz_msg_id: str
    region_code: str
    rectype: str
    unit_code: str
    case_number: str
    status: str
    status_label: str
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    errors: list[str]
    success_flag: str
    response_code: str
    response_info: str
    created_at: dt.datetime
    sent_at: dt.datetime | None
    acked_at: dt.datetime | None
    superseded: bool
    overdue: bool


class OutboxDetailOut(OutboxOut):
    xml: str


class OutboxPage(Schema):
    total: int
    page: int
    items: list[OutboxOut]


class ResendIn(Schema):
    reason: str


def _out(message: OutboxMessage) -> dict[str, object]:
    return {
        **{name: getattr(message, name) for name in OutboxOut.model_fields if hasattr(message, name)},
        "status_label": message.get_status_display(),
        "overdue": is_overdue(message),
    }


@router.get("/", response=OutboxPage, summary="上报报文列表")
def list_outbox(request: HttpRequest, status: str = "", search: str = "", page: int = 1) -> dict[str, object]:
    query = outbox_messages(user=request.user, filters=OutboxFilter(status=status, search=search))
    paginator = Paginator(query, 50)
    current = paginator.get_page(page)
    return {"total": paginator.count, "page": current.number, "items": [_out(m) for m in current]}


@router.get("/{message_id}", response=OutboxDetailOut, summary="上报报文详情")
def get_outbox(request: HttpRequest, message_id: int) -> dict[str, object]:
    message = outbox_get(user=request.user, message_id=message_id)
    return {**_out(message), "xml": message.xml_bytes.decode("utf-8")}


@router.post("/{message_id}/resend", response=OutboxOut, summary="重新发送（补报/重报）")
def resend_outbox(request: HttpRequest, message_id: int, payload: ResendIn) -> dict[str, object]:
    message = outbox_get(user=request.user, message_id=message_id)
    return _out(outbox_resend(message=message, reason=payload.reason, by=request.user))  # type: ignore[arg-type]
