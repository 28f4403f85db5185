"""Reads of the outbox, always limited to the acting user's districts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, require_page, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.core.workdays import add_workdays
from bdcdj.exchange.models import OutboxMessage, OutboxStatus, ResendRequest, ResendStatus

PAGE = "exchange.outbox"


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    search: str = ""


def outbox_messages(*, user: AnyUser, filters: OutboxFilter | None = None) -> QuerySet[OutboxMessage]:
    """Messages of the user's districts, newest first; search by BizMsgID, unit code or 业务号."""
    require_page(user=user, page=PAGE)
    filters = filters or OutboxFilter()
    query = OutboxMessage.objects.filter(region_code__in=tenant_codes(user=user)).defer("xml")
    if filters.status:
        query = query.filter(status=filters.status)
    term = filters.search.strip()
    if term:
        query = query.filter(
            Q(biz_msg_id__icontains=term) | Q(unit_code__icontains=term) | Q(case_number__icontains=term)
        )
    return query.order_by("-created_at", "-id")


def outbox_get(*, user: AnyUser, message_id: int) -> OutboxMessage:
    require_page(user=user, page=PAGE)
    found = OutboxMessage.objects.filter(pk=message_id, region_code__in=tenant_codes(user=user)).first()
    if found is None:
        raise NotFound(code="outbox_not_found", message="上报报文不存在")
    return found


def ack_deadline(created_at: dt.datetime) -> dt.datetime:
    """The moment a message should be acknowledged by: one working day after its creation."""
    local = timezone.localtime(created_at)
    day = add_workdays(local.date(), 1)
    return local.replace(year=day.year, month=day.month, day=day.day)


def is_overdue(message: OutboxMessage, *, now: dt.datetime | None = None) -> bool:
    if message.status == OutboxStatus.ACKED or message.superseded:
        return False
    return (now or timezone.now()) > ack_deadline(message.created_at)


def outbox_overdue(*, user: AnyUser, now: dt.datetime | None = None) -> list[OutboxMessage]:
    """Messages not acknowledged within 1 working day of creation (the alert of the outbox page)."""
    now = now or timezone.now()
    candidates = (
        outbox_messages(user=user)
        .exclude(status=OutboxStatus.ACKED)
        .filter(superseded=False, created_at__lt=now - dt.timedelta(hours=23))
    )
    return [m for m in candidates if is_overdue(m, now=now)]


def resend_requests(*, user: AnyUser, include_cleared: bool = False) -> QuerySet[ResendRequest]:
    """The upper node's 补报 requests for the user's districts with the message serving each."""
    require_page(user=user, page=PAGE)
    query = ResendRequest.objects.filter(region_code__in=tenant_codes(user=user)).select_related("message")
    if not include_cleared:
        query = query.exclude(status=ResendStatus.CLEARED)
    return query.defer("message__xml").order_by("-requested_at", "-id")
