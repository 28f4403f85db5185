"""Forwarding accepted messages upward when this node has an upstream (BDCDJ_UPSTREAM_URL), and
the key that verifies a forwarded message.

Sender side: `forward_enqueue` runs inside the receiving transaction and hands the message,
byte for byte, to the exchange outbox (`outbox_enqueue_raw`): the message is forwarded if and
only if it was stored, and the outbox is idempotent on BizMsgID. A `ForwardItem` records the
hand-over (status queued). Items left pending (stored before forwarding was configured, or
refused by the outbox) are handed over by `forward_sweep`, which is idempotent too.

Receiver side: a city or province forwards the county's message unchanged, so the signature
is the county's. `origin_public_key` picks the key of the most specific active registered node
between the message's district and the authenticated (forwarding) node; the upper node must
therefore register every county below it with `node_register` (its public key; the token
issued for a key-only registration is not used) — docs/operations.md "Multi-node".
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction

from bdcdj.core.errors import InvalidInput
from bdcdj.exchange.services import outbox_enqueue_raw
from bdcdj.hub.models import ForwardItem, ForwardStatus, LowerNode, ReceivedMessage
from bdcdj.hub.services.nodes import region_covers

logger = logging.getLogger(__name__)


def forwarding_enabled() -> bool:
    return bool(getattr(settings, "BDCDJ_UPSTREAM_URL", ""))


def _hand_over(item: ForwardItem) -> bool:
    message = item.message
    try:
        outbox_enqueue_raw(
            biz_msg_id=message.biz_msg_id,
            region_code=message.region_code,
            rectype=message.rectype,
            unit_code=message.estate_num,
            xml=bytes(message.xml),
        )
    except InvalidInput as exc:  # kept pending and visible; the message itself stays accepted
        logger.warning("forward refused biz_msg_id=%s code=%s", message.biz_msg_id, exc.code)
        return False
    item.status = ForwardStatus.QUEUED
    return True


def forward_enqueue(*, message: ReceivedMessage) -> ForwardItem | None:
    """Queue an accepted message for the upstream node; call inside the receiving transaction."""
    if not forwarding_enabled():
        return None
    item = ForwardItem(message=message)
    _hand_over(item)
    item.save()
    return item


def forward_sweep(*, limit: int = 500) -> int:
    """Hand pending forward items to the outbox; returns how many were handed over. Safe to run
    any time, repeatedly (the outbox is idempotent on BizMsgID, each item is locked)."""
    if not forwarding_enabled():
        return 0
    handed = 0
    pending = ForwardItem.objects.filter(status=ForwardStatus.PENDING).order_by("created_at", "id")
    for item_id in pending.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            item = ForwardItem.objects.select_for_update().select_related("message").get(pk=item_id)
            if item.status != ForwardStatus.PENDING:
                continue
            if _hand_over(item):
                item.save(update_fields=["status"])
                handed += 1
    return handed


def _ancestors(area_code: str) -> list[str]:
    """The district and the regions above it, most specific first (340121, 340100, 340000)."""
    chain = [area_code, area_code[:4] + "00", area_code[:2] + "0000"]
    return list(dict.fromkeys(chain))


def origin_public_key(*, node: LowerNode, area_code: str) -> str:
    """The SM2 key a message of `area_code` delivered by `node` must be signed with: that of
    the most specific active node registered here for the district or a region above it,
    stopping at the delivering node (whose own key is the fallback). The caller has already
    checked that `node` covers `area_code`."""
    for region in _ancestors(area_code):
        if region == node.region_code:
            break
        if not region_covers(node.region_code, region):
            continue
        key = (
            LowerNode.objects.filter(region_code=region, is_active=True)
            .values_list("public_key_hex", flat=True)
            .first()
        )
        if key:
            return str(key)
    return node.public_key_hex
