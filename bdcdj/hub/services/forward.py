"""Forwarding accepted messages upward when this node has an upstream (BDCDJ_UPSTREAM_URL).

The exchange outbox is the one sender. If `bdcdj.exchange.services` offers a function that
enqueues a ready message (`outbox_enqueue_raw`), the message is handed over in the receiving
transaction; otherwise a pending `ForwardItem` is kept until that integration exists.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from django.conf import settings

from bdcdj.hub.models import ForwardItem, ForwardStatus, ReceivedMessage

ENQUEUE_NAME = "outbox_enqueue_raw"


def forwarding_enabled() -> bool:
    return bool(getattr(settings, "BDCDJ_UPSTREAM_URL", ""))


def _outbox_enqueue() -> Callable[..., object] | None:
    try:
        services = importlib.import_module("bdcdj.exchange.services")
    except ImportError:
        return None
    enqueue = getattr(services, ENQUEUE_NAME, None)
    return enqueue if callable(enqueue) else None


def forward_enqueue(*, message: ReceivedMessage) -> ForwardItem | None:
    """Queue an accepted message for the upstream node; call inside the receiving transaction."""
    if not forwarding_enabled():
        return None
    item = ForwardItem(message=message)
    enqueue = _outbox_enqueue()
    if enqueue is not None:
        enqueue(
            biz_msg_id=message.biz_msg_id,
            region_code=message.region_code,
            rectype=message.rectype,
            xml=bytes(message.xml),
        )
        item.status = ForwardStatus.QUEUED
    item.save()
    return item
