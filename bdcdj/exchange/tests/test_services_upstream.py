"""The county applies a rejection passed down from a higher level: its outbox shows
"上级拒收: <reason>" and the message can be fixed and re-sent with CBXZ (销账)."""

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services import outbox_resend
from bdcdj.exchange.services.upstream import upstream_receipts_pull, upstream_rejection_apply
from bdcdj.hub.models import ForwardItem, LowerNode, ReceivedMessage

pytestmark = pytest.mark.django_db


def test_the_county_applies_a_passed_down_rejection_once(registered):
    _case, message = registered("transfer")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.ACKED, success_flag="1")
    assert upstream_rejection_apply(
        biz_msg_id=message.biz_msg_id,
        response_code="1002",
        response_info="XSD校验失败：…",
        rejected_by="340000",
        rejected_at=None,
    )
    message.refresh_from_db()
    assert message.status == OutboxStatus.REJECTED and message.success_flag == "2"
    assert message.last_error == "上级拒收: XSD校验失败：…" and message.upstream_rejected_by == "340000"
    assert upstream_rejection_apply(
        biz_msg_id=message.biz_msg_id,
        response_code="1004",
        response_info="x",
        rejected_by="1",
        rejected_at=None,
    )
    message.refresh_from_db()
    assert message.response_code == "1002"  # applied once; a repeat changes nothing


def test_the_pull_applies_and_confirms_and_the_page_shows_the_reason(registered, upstream, outbox_admin):
    _case, message = registered("mortgage")
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.ACKED, success_flag="1")
    # What the city (here: this same database) holds: the county's message as received and
    # forwarded, then refused by the province.
    received = ReceivedMessage.objects.create(
        region_code="340121",
        biz_msg_id=message.biz_msg_id,
        node=LowerNode.objects.get(region_code="340121"),
        xml=message.xml_bytes,
        digest="0" * 64,
        status="accepted",
        success_flag="1",
        response_code="0000",
    )
    ForwardItem.objects.create(
        message=received,
        status="queued",
        upstream_rejected_at=timezone.now(),
        upstream_rejected_by="340000",
        upstream_code="1004",
        upstream_info="数据质检不通过：抵押权第1行：……",
    )
    pulled = upstream_receipts_pull(upstream_url="http://city", region_code="340121")
    assert pulled.ok and pulled.applied == [message.biz_msg_id] and pulled.confirmed == 1
    assert ForwardItem.objects.get().passed_down_at is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.REJECTED and message.last_error.startswith(
        "上级拒收: 数据质检不通过"
    )

    client = Client()
    client.force_login(outbox_admin)
    listing = client.get("/exchange/outbox/").content.decode()
    assert "上级拒收: 数据质检不通过" in listing
    detail = client.get(f"/exchange/outbox/{message.pk}/").content.decode()
    assert "上级拒收" in detail and "重新发送" in detail
    resent = outbox_resend(message=message, reason="CBXZ", by=outbox_admin)
    assert resent.biz_msg_id == message.biz_msg_id[:18] + "CBXZ" and resent.status == OutboxStatus.PENDING
    again = upstream_receipts_pull(upstream_url="http://city", region_code="340121")
    assert again.ok and again.applied == []
