"""Reads of the hub, always scoped to the acting user's districts (tenants).

A message belongs to the district of its AreaCode; a node to its own region code. A province
user whose tenants are the province and its counties therefore sees the counties' messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bdcdj.accounts.selectors import AnyUser, require_tenant, tenant_codes
from bdcdj.core.errors import NotFound
from bdcdj.hub.models import Clearance, LowerNode, MessageStatus, MirrorRecord, ReceivedMessage


@dataclass(frozen=True, kw_only=True)
class MessageFilter:
    node: str = ""  # region code of the sending node
    rectype: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""  # BizMsgID, 不动产单元号 or 业务流水号 (prefix)
    clearance_open: bool = False


def messages_for_user(*, user: AnyUser, filters: MessageFilter | None = None) -> QuerySet[ReceivedMessage]:
    f = filters or MessageFilter()
    qs = ReceivedMessage.objects.filter(region_code__in=tenant_codes(user=user)).select_related("node")
    if f.node:
        qs = qs.filter(node__region_code=f.node)
    if f.rectype:
        qs = qs.filter(rectype=f.rectype)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.date_from:
        qs = qs.filter(received_at__gte=_start(f.date_from))
    if f.date_to:
        qs = qs.filter(received_at__lt=_start(f.date_to + timedelta(days=1)))
    if f.search:
        term = f.search.strip()
        qs = qs.filter(
            Q(biz_msg_id__startswith=term) | Q(estate_num__startswith=term) | Q(rec_flow_id__startswith=term)
        )
    if f.clearance_open:
        qs = qs.filter(status=MessageStatus.REJECTED, clearance=Clearance.OPEN)
    return qs.defer("xml")


def _start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def message_get(*, user: AnyUser, message_id: int) -> ReceivedMessage:
    message = (
        ReceivedMessage.objects.select_related("node", "corrects", "cleared_by").filter(pk=message_id).first()
    )
    if message is None or message.region_code not in tenant_codes(user=user):
        raise NotFound(code="message_not_found", message="报文不存在或无权查看")
    return message


def nodes_for_user(*, user: AnyUser) -> QuerySet[LowerNode]:
    """Nodes of the user's districts with counts: received, accepted, rejected, security failures."""
    return (
        LowerNode.objects.filter(region_code__in=tenant_codes(user=user))
        .annotate(
            received=Count("messages", distinct=True),
            accepted=Count("messages", filter=Q(messages__status=MessageStatus.ACCEPTED), distinct=True),
            rejected=Count("messages", filter=Q(messages__status=MessageStatus.REJECTED), distinct=True),
            signature_failures=Count("failures", filter=Q(failures__kind="signature"), distinct=True),
            refused=Count("failures", distinct=True),
        )
        .order_by("region_code")
    )


def mirror_unit(*, user: AnyUser, region_code: str, unit_code: str) -> QuerySet[MirrorRecord]:
    """Every mirrored row (current first) of one unit of a lower node's register."""
    require_tenant(user=user, region_code=region_code)
    return MirrorRecord.objects.filter(region_code=region_code, unit_code=unit_code).order_by(
        "status", "table", "row_key"
    )
