"""The itemised 补报 list: kept at the upper node, handed back to the county, cleared on arrival.

Upper node: the open 登簿未接入 items of a node (`open_items`) go back in the answer to its
daily log (`RespondLog/ResendList`) and on `GET /api/monitor/v1/resend-items`; when an accepted
message of such a business arrives, the hub's acceptance hook (`resend_items_clear`) closes the
item in the same transaction.

County: `resend_list_apply` hands the items to the outbox (`exchange.services.resend_requests_apply`,
which re-sends exactly those businesses); `resend_list_pull` fetches the list from the upper node
and also marks the requests it no longer lists as cleared.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from bdcdj.exchange.services import ResendNeed, resend_requests_apply, resend_requests_settle, upstream
from bdcdj.hub.models import LowerNode, ReceivedMessage
from bdcdj.monitor.models import LogDiscrepancy
from bdcdj.monitor.services.logxml import ResendItem

logger = logging.getLogger(__name__)

PULL_ENDPOINT = "/api/monitor/v1/resend-items"
BASE_ID_LENGTH = 18


def open_discrepancies(*, node: LowerNode) -> QuerySet[LogDiscrepancy]:
    """The node's 登簿未接入 items still waiting for their 补报."""
    return (
        LogDiscrepancy.objects.filter(log__node=node, needs_resend=True, resolved_at__isnull=True)
        .select_related("log")
        .order_by("log__day", "business_number", "id")
    )


def as_items(rows: Iterable[LogDiscrepancy]) -> list[ResendItem]:
    return [
        ResendItem(
            day=row.log.day,
            business_number=row.business_number,
            unit_code=row.unit_code,
            biz_msg_id=row.biz_msg_id,
            registration_type=row.registration_type,
            reason=row.reason,
        )
        for row in rows
    ]


def open_items(*, node: LowerNode) -> list[ResendItem]:
    return as_items(open_discrepancies(node=node))


def resend_items_clear(message: ReceivedMessage) -> int:
    """Close the open 补报 items an accepted message answers (same 业务号, or a BizMsgID of the
    same family); called by the hub inside the receiving transaction."""
    match = Q()
    if message.rec_flow_id:
        match |= Q(business_number=message.rec_flow_id)
    if len(message.biz_msg_id) >= BASE_ID_LENGTH:
        match |= Q(biz_msg_id__startswith=message.biz_msg_id[:BASE_ID_LENGTH])
    if not match:
        return 0
    return (
        LogDiscrepancy.objects.filter(match, region_code=message.region_code, needs_resend=True)
        .filter(resolved_at__isnull=True)
        .update(resolved_at=timezone.now(), resolved_by=message.biz_msg_id[:40])
    )


def _needs(items: Iterable[ResendItem]) -> list[ResendNeed]:
    return [
        ResendNeed(
            business_number=item.business_number,
            day=item.day,
            unit_code=item.unit_code,
            biz_msg_id=item.biz_msg_id,
            registration_type=item.registration_type,
            reason=item.reason,
        )
        for item in items
    ]


def resend_list_apply(*, region_code: str, items: list[ResendItem]) -> int:
    """County side: queue the 补报 of the listed businesses; returns how many were listed."""
    if items:
        resend_requests_apply(region_code=region_code, needs=_needs(items))
    return len(items)


@dataclass(frozen=True)
class PullResult:
    ok: bool
    listed: int
    cleared: int = 0
    error: str = ""


def _item(raw: dict[str, object]) -> ResendItem | None:
    if not isinstance(raw, dict) or not str(raw.get("business_number") or "").strip():
        return None
    try:
        day = dt.date.fromisoformat(str(raw.get("day"))) if raw.get("day") else None
    except ValueError:
        day = None
    return ResendItem(
        day=day,
        business_number=str(raw.get("business_number")).strip()[:64],
        unit_code=str(raw.get("unit_code") or "")[:40],
        biz_msg_id=str(raw.get("biz_msg_id") or "")[:40],
        registration_type=str(raw.get("registration_type") or "")[:4],
        reason=str(raw.get("reason") or "")[:200],
    )


def resend_list_pull(*, upstream_url: str | None = None, region_code: str | None = None) -> PullResult:
    """Fetch this node's open 补报 items from the upper node (outside any transaction), queue
    them and settle the requests the upper node no longer lists."""
    base = (upstream_url if upstream_url is not None else settings.BDCDJ_UPSTREAM_URL).rstrip("/")
    region = region_code or str(settings.BDCDJ_REGION_CODE)
    if not base:
        return PullResult(ok=False, listed=0, error="未配置上级节点地址")
    body, error = upstream.get_json(base + PULL_ENDPOINT, region_code=region)
    if not isinstance(body, dict):
        return PullResult(ok=False, listed=0, error=error or "应答格式有误")
    raw_items = body.get("items")
    items = [i for i in (_item(r) for r in (raw_items if isinstance(raw_items, list) else [])) if i]
    resend_list_apply(region_code=region, items=items)
    cleared = resend_requests_settle(region_code=region, listed=[i.business_number for i in items])
    logger.info("resend list pulled region=%s items=%s cleared=%s", region, len(items), cleared)
    return PullResult(ok=True, listed=len(items), cleared=cleared)
