"""What comes back down from the upper node: rejections by a higher level of messages the
upper node had accepted and forwarded (docs/exchange.md §上级拒收).

`upstream_receipts_pull` fetches the outstanding ones (`GET /api/exchange/v1/upstream-receipts`),
applies each to the outbox row with that BizMsgID (`upstream_rejection_apply`) and confirms what
it applied. An applied row is rejected like a direct refusal — shown as "上级拒收: <reason>",
re-sendable with CBXZ after the fix (销账) — and, when it is itself a forwarded message, the
exchange's rejection hook passes it on to the node below. Calls leave the process; none runs
inside a transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services.hooks import run_rejected

logger = logging.getLogger(__name__)

RECEIPTS_ENDPOINT = "/api/exchange/v1/upstream-receipts"
TIMEOUT_SECONDS = 30
MAX_BODY = 10 * 1024 * 1024
PREFIX = "上级拒收: "


def _request(url: str, *, region_code: str, data: bytes | None = None) -> tuple[object | None, str]:
    headers = {"X-Bdcdj-Node": region_code, "Authorization": f"Bearer {settings.BDCDJ_NODE_TOKEN}"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(
        url, data=data, method="POST" if data is not None else "GET", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read(MAX_BODY)), ""
    except urllib.error.HTTPError as exc:
        return None, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError, ValueError) as exc:
        return None, f"网络或应答错误：{type(exc).__name__}"


def get_json(url: str, *, region_code: str) -> tuple[object | None, str]:
    """GET a JSON document from the upper node with this node's credentials: (body, error)."""
    return _request(url, region_code=region_code)


def post_json(url: str, payload: object, *, region_code: str) -> tuple[object | None, str]:
    return _request(url, region_code=region_code, data=json.dumps(payload).encode())


def upstream_rejection_apply(
    *,
    biz_msg_id: str,
    response_code: str,
    response_info: str,
    rejected_by: str,
    rejected_at: dt.datetime | None,
) -> bool:
    """Apply one passed-down rejection; True when it is settled here (applied now, applied
    before, or nothing left to apply) and may be confirmed, False to see it again later."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(biz_msg_id=biz_msg_id).first()
        if message is None or message.superseded or message.upstream_rejected_at is not None:
            return True
        if message.status != OutboxStatus.ACKED:
            return message.status in {OutboxStatus.REJECTED, OutboxStatus.FAILED, OutboxStatus.INVALID}
        message.status = OutboxStatus.REJECTED
        message.success_flag = "2"
        message.response_code = response_code[:50]
        message.response_info = response_info
        message.last_error = f"{PREFIX}{response_info}"[:2000]
        message.upstream_rejected_by = rejected_by[:6]
        message.upstream_rejected_at = rejected_at or timezone.now()
        message.save(
            update_fields=[
                "status",
                "success_flag",
                "response_code",
                "response_info",
                "last_error",
                "upstream_rejected_by",
                "upstream_rejected_at",
            ]
        )
        run_rejected(message, rejected_by=message.upstream_rejected_by)
    logger.info("upstream rejection applied biz_msg_id=%s by=%s", biz_msg_id, rejected_by or "-")
    return True


@dataclass
class ReceiptsPull:
    ok: bool
    applied: list[str] = field(default_factory=list)
    confirmed: int = 0
    error: str = ""


def _when(raw: object) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def upstream_receipts_pull(
    *, upstream_url: str | None = None, region_code: str | None = None
) -> ReceiptsPull:
    """Fetch, apply and confirm the rejections the upper node holds for this node."""
    base = (upstream_url if upstream_url is not None else settings.BDCDJ_UPSTREAM_URL).rstrip("/")
    region = region_code or str(settings.BDCDJ_REGION_CODE)
    if not base:
        return ReceiptsPull(ok=False, error="未配置上级节点地址")
    body, error = get_json(base + RECEIPTS_ENDPOINT, region_code=region)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return ReceiptsPull(ok=False, error=error or "应答格式有误")
    report = ReceiptsPull(ok=True)
    settled = []
    for item in items:
        if not isinstance(item, dict) or not str(item.get("biz_msg_id") or ""):
            continue
        biz_msg_id = str(item["biz_msg_id"])[:40]
        done = upstream_rejection_apply(
            biz_msg_id=biz_msg_id,
            response_code=str(item.get("response_code") or ""),
            response_info=str(item.get("response_info") or ""),
            rejected_by=str(item.get("rejected_by") or ""),
            rejected_at=_when(item.get("rejected_at")) if item.get("rejected_at") else None,
        )
        if done:
            settled.append(biz_msg_id)
            report.applied.append(biz_msg_id)
    if settled:
        answer, error = post_json(
            base + RECEIPTS_ENDPOINT + "/confirm", {"biz_msg_ids": settled}, region_code=region
        )
        if not isinstance(answer, dict):
            return ReceiptsPull(ok=False, applied=report.applied, error=error or "确认失败")
        report.confirmed = int(answer.get("confirmed") or 0)
    return report
