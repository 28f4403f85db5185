"""补报 at the county: the upper node's itemised 登簿未接入 list comes back (in the answer to the
daily log, or pulled), and the outbox re-sends exactly those businesses (reference §4.7, §4.8).

Per item, the business's current outbox message decides:
* pending or sending — not delivered yet: it is the 补报 (no new row, no suffix);
* acked, failed or invalid — rebuilt from the register as it is now under BizMsgID[:18]+BBXZ;
* rejected — rebuilt under BizMsgID[:18]+CBXZ (the upper level answered "failed");
* a re-send with that suffix exists already — it is linked, not duplicated;
* no message at all — the request is kept as 无法自动补报 with the reason.
The new rows join the outbox (same relay, same per-unit order). Items the upper node no longer
lists are marked 上级已销项. Nothing here leaves the process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from bdcdj.core.errors import Conflict
from bdcdj.exchange.models import OutboxMessage, OutboxStatus, ResendReason, ResendRequest, ResendStatus
from bdcdj.exchange.services.outbox import BASE_ID_LENGTH, resend_locked

logger = logging.getLogger(__name__)

BY_NAME = "上级要求补报"
WAITING = frozenset({OutboxStatus.PENDING, OutboxStatus.SENDING})


@dataclass(frozen=True)
class ResendNeed:
    """One item of the upper node's list."""

    business_number: str
    day: dt.date | None = None
    unit_code: str = ""
    biz_msg_id: str = ""
    registration_type: str = ""
    reason: str = ""


def _current(region_code: str, need: ResendNeed) -> OutboxMessage | None:
    rows = OutboxMessage.objects.filter(region_code=region_code, superseded=False).defer("xml")
    if need.biz_msg_id:
        found = rows.filter(biz_msg_id__startswith=need.biz_msg_id[:BASE_ID_LENGTH]).order_by("-id").first()
        if found is not None:
            return found
    return rows.filter(case_number=need.business_number).order_by("-created_at", "-id").first()


def _suffix(message: OutboxMessage) -> str:
    return ResendReason.CBXZ if message.status == OutboxStatus.REJECTED else ResendReason.BBXZ


def _serve(request: ResendRequest, need: ResendNeed) -> None:
    current = _current(request.region_code, need)
    if current is None:
        request.status, request.message, request.note = (
            ResendStatus.IMPOSSIBLE,
            None,
            "本节点没有该业务的上报报文",
        )
        return
    if current.status in WAITING:
        request.status, request.message, request.note = (
            ResendStatus.QUEUED,
            current,
            "原报文尚未送达，随队列发送",
        )
        return
    if request.message_id == current.pk and current.resend_reason:
        return  # already served by this re-send; the upper node will clear the item on arrival
    locked = OutboxMessage.objects.select_for_update().get(pk=current.pk)
    reason = _suffix(locked)
    existing = OutboxMessage.objects.filter(
        biz_msg_id=locked.biz_msg_id[:BASE_ID_LENGTH] + reason, superseded=False
    ).first()
    if existing is not None:
        request.status, request.message, request.note = (
            ResendStatus.QUEUED,
            existing,
            "已有同一原因的补报报文",
        )
        return
    try:
        row = resend_locked(old=locked, reason=reason, by_name=BY_NAME)
    except Conflict as exc:
        request.status, request.message, request.note = ResendStatus.IMPOSSIBLE, locked, exc.message[:200]
        return
    note = f"已按 {reason} 重新生成" + (
        "，但校验未通过，需更正后重新发送" if row.status == OutboxStatus.INVALID else ""
    )
    request.status, request.message, request.note = ResendStatus.QUEUED, row, note


def resend_requests_apply(*, region_code: str, needs: Iterable[ResendNeed]) -> list[ResendRequest]:
    """Record the upper node's list for one district and queue the 补报; one transaction."""
    served: list[ResendRequest] = []
    with transaction.atomic():
        for need in needs:
            if not need.business_number:
                continue
            request, _created = ResendRequest.objects.select_for_update().get_or_create(
                region_code=region_code, business_number=need.business_number[:64]
            )
            request.day = need.day or request.day
            request.unit_code = need.unit_code[:40]
            request.biz_msg_id = need.biz_msg_id[:40]
            request.registration_type = need.registration_type[:4]
            request.reason = need.reason[:200]
            _serve(request, need)
            request.full_clean()
            request.save()
            served.append(request)
    logger.info("resend list applied region=%s items=%s", region_code, len(served))
    return served


def resend_requests_settle(*, region_code: str, listed: Iterable[str]) -> int:
    """Mark the district's open requests the upper node no longer lists as cleared (上级已销项)."""
    still = set(listed)
    open_rows = ResendRequest.objects.filter(
        region_code=region_code, status__in=[ResendStatus.OPEN, ResendStatus.QUEUED]
    )
    cleared = [r.pk for r in open_rows.only("pk", "business_number") if r.business_number not in still]
    return ResendRequest.objects.filter(pk__in=cleared).update(status=ResendStatus.CLEARED)
