"""The relay sending its backlog as batches to this database's own receiver (the hub's batch
endpoint over the test client): receipts per message, per-unit order kept, a refused message
holding back only its own unit."""

import datetime as dt

import pytest

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services import relay_once
from bdcdj.hub.models import MessageStatus, ReceivedMessage

pytestmark = pytest.mark.django_db

BATCH = "/api/exchange/v1/messages/batch"
SINGLE = "/api/exchange/v1/messages"


def _behind(message: OutboxMessage, first: OutboxMessage) -> None:
    """Put `message` on `first`'s unit, after it in the unit's order."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        unit_code=first.unit_code, ordered_at=first.ordered_at + dt.timedelta(seconds=1)
    )


def test_backlog_goes_as_batches_one_message_per_unit_per_round(registered, upstream):
    _, first = registered("transfer")
    _, second = registered("mortgage")
    _, other = registered("transfer")
    _behind(second, first)

    report = relay_once(upstream_url="http://upper")
    assert upstream.posts == [BATCH]  # first and other; second waits for first's receipt
    assert sorted(report.acked) == sorted([first.biz_msg_id, other.biz_msg_id])
    assert report.blocked == [second.biz_msg_id]

    assert relay_once(upstream_url="http://upper").acked == [second.biz_msg_id]
    assert upstream.posts == [BATCH, SINGLE]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.ACKED}
    received = list(ReceivedMessage.objects.order_by("id").values_list("biz_msg_id", "status"))
    assert [b for b, _ in received].index(first.biz_msg_id) < [b for b, _ in received].index(
        second.biz_msg_id
    )
    assert {s for _, s in received} == {MessageStatus.ACCEPTED}
    first.refresh_from_db()
    assert first.response_code == "0000" and first.attempts == 1 and first.acked_at is not None


def test_a_refused_message_in_a_batch_blocks_only_its_unit(registered, upstream):
    _, first = registered("transfer")
    _, second = registered("mortgage")
    _, other = registered("transfer")
    _behind(second, first)
    forged = first.xml_bytes.replace(b'QXDM="340121"', b'QXDM="340122"', 1)
    assert forged != first.xml_bytes
    OutboxMessage.objects.filter(pk=first.pk).update(xml=forged)

    report = relay_once(upstream_url="http://upper")

    assert upstream.posts == [BATCH]
    assert report.rejected == [first.biz_msg_id] and report.acked == [other.biz_msg_id]
    assert report.blocked == [second.biz_msg_id]
    assert relay_once(upstream_url="http://upper").blocked == [second.biz_msg_id]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutboxStatus.REJECTED and first.response_code == "1003"
    assert second.status == OutboxStatus.PENDING and second.attempts == 0
    assert set(ReceivedMessage.objects.values_list("biz_msg_id", flat=True)) == {other.biz_msg_id}


def test_a_single_due_message_goes_alone(registered, upstream):
    _, message = registered("mortgage")
    assert relay_once(upstream_url="http://upper").acked == [message.biz_msg_id]
    assert upstream.posts == [SINGLE]
