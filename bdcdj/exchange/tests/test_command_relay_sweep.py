import io

import pytest
from django.core.management import call_command

from bdcdj.exchange.models import OutboxMessage
from bdcdj.hub.models import ForwardItem, ForwardStatus
from bdcdj.hub.tests.conftest import county_node, sender  # noqa: F401  (fixtures)
from bdcdj.hub.tests.factories import message_xml

pytestmark = pytest.mark.django_db


def test_the_relay_round_hands_over_forward_items_left_pending(sender, settings):  # noqa: F811
    """An accepted message the outbox refused to forward (this node's region was misconfigured)
    stays pending; once the configuration is right, the next relay round forwards it."""
    settings.BDCDJ_UPSTREAM_URL = "http://127.0.0.1:9"  # nothing listens: delivery is retried later
    settings.BDCDJ_REGION_CODE = "340200"  # does not cover the county 340121
    assert b"<SuccessFlag>1</SuccessFlag>" in sender.post(message_xml()).content
    item = ForwardItem.objects.get()
    assert item.status == ForwardStatus.PENDING and not OutboxMessage.objects.exists()

    settings.BDCDJ_REGION_CODE = "340100"
    out = io.StringIO()
    call_command("relay", "--once", stdout=out)
    item.refresh_from_db()
    assert item.status == ForwardStatus.QUEUED
    row = OutboxMessage.objects.get()
    assert row.biz_msg_id == item.message.biz_msg_id and row.region_code == "340100"
    assert "转交待转发报文 1 条" in out.getvalue()
