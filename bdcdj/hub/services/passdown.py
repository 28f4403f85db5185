"""A higher level's rejection of a forwarded message, passed down to the node that delivered it.

A city (or province) accepts a county's message and forwards it unchanged; if the province (or
the national node) refuses it, the county must learn it. The forwarding node keeps the receipt
against the message it forwarded (`forward_rejection_record`, the exchange's rejection hook,
called when its own relay stores the rejection or when a rejection from further up was passed
down to it) and the lower node fetches what is outstanding (`rejections_outstanding`) and
confirms what it applied (`rejections_confirm`) — over `GET/POST
/api/exchange/v1/upstream-receipts`, with the same node credentials as deliveries. A chain of
levels passes the rejection down one level per fetch.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage
from bdcdj.hub.models import ForwardItem, LowerNode

MAX_CONFIRM = 1000


def forward_rejection_record(message: OutboxMessage, rejected_by: str) -> int:
    """Keep a rejection of a forwarded message (no case: it came from a lower node) against the
    message received from below; a rejection received again is listed again."""
    if message.case_id is not None:
        return 0
    return ForwardItem.objects.filter(message__biz_msg_id=message.biz_msg_id).update(
        upstream_rejected_at=message.upstream_rejected_at or message.acked_at or timezone.now(),
        upstream_rejected_by=(message.upstream_rejected_by or rejected_by)[:6],
        upstream_code=message.response_code[:50],
        upstream_info=message.response_info,
        passed_down_at=None,
    )


def rejections_outstanding(*, node: LowerNode, limit: int = 500) -> QuerySet[ForwardItem]:
    """Rejections from above of messages `node` delivered, not yet confirmed by it."""
    return (
        ForwardItem.objects.filter(
            message__node=node, upstream_rejected_at__isnull=False, passed_down_at__isnull=True
        )
        .select_related("message")
        .defer("message__xml")
        .order_by("upstream_rejected_at", "id")[:limit]
    )


def rejections_confirm(*, node: LowerNode, biz_msg_ids: Iterable[str]) -> int:
    """Mark the listed rejections as passed down (only the node's own)."""
    ids = list(dict.fromkeys(biz_msg_ids))[:MAX_CONFIRM]
    return ForwardItem.objects.filter(
        message__node=node, message__biz_msg_id__in=ids, upstream_rejected_at__isnull=False
    ).update(passed_down_at=timezone.now())
