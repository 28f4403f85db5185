"""Writes of the exchange app: the outbox (enqueue at 登簿, re-send, forwarding of lower nodes'
messages) and the relay."""

from bdcdj.exchange.services.forward import outbox_enqueue_raw
from bdcdj.exchange.services.outbox import (
    biz_msg_id_next,
    outbox_enqueue_record,
    outbox_enqueue_registration,
    outbox_resend,
)
from bdcdj.exchange.services.relay import RelayReport, relay_once
from bdcdj.exchange.services.resend import ResendNeed, resend_requests_apply, resend_requests_settle

__all__ = [
    "RelayReport",
    "ResendNeed",
    "biz_msg_id_next",
    "outbox_enqueue_raw",
    "outbox_enqueue_record",
    "outbox_enqueue_registration",
    "outbox_resend",
    "relay_once",
    "resend_requests_apply",
    "resend_requests_settle",
]
