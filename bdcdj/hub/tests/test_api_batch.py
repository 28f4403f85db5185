"""The batch receiver: per-message receipts in order, each message checked on its own, one bad
message refused or rejected without taking the others down, whole-batch limits."""

from __future__ import annotations

import base64
import json

import pytest
from lxml import etree

from bdcdj.hub.models import DeliveryFailure, MessageStatus, MirrorRecord, ReceivedMessage
from bdcdj.hub.tests.factories import OTHER_PRIVATE_KEY, message_xml

pytestmark = pytest.mark.django_db

BATCH_URL = "/api/exchange/v1/messages/batch"
UNIT_B = "340121001001GB00001F00010002"


def post_batch(sender, messages: list[bytes], *, token: str | None = None, content_type="application/json"):
    body = json.dumps({"messages": [base64.b64encode(m).decode() for m in messages]})
    headers = {"X-Bdcdj-Node": sender.region, "Authorization": f"Bearer {token or sender.token}"}
    return sender.client.post(BATCH_URL, data=body, content_type=content_type, headers=headers)


def rep(xml: str) -> dict[str, str]:
    return {child.tag: child.text or "" for child in etree.fromstring(xml.encode())}


def test_mixed_batch_answers_each_message_in_order_and_stores_only_what_a_single_delivery_would(sender):
    earlier = sender.post(message_xml(biz_msg_id="340121240506000009", ywh="2024-000009"))
    good = message_xml(biz_msg_id="340121240506000001", ywh="2024-000001")
    duplicate_of_earlier = message_xml(biz_msg_id="340121240506000009", ywh="2024-000009")
    schema_invalid = message_xml(biz_msg_id="340121240506000002", rectype="10004X2", ywh="2024-000002")
    forged = message_xml(biz_msg_id="340121240506000003", private_key=OTHER_PRIVATE_KEY, ywh="2024-000003")
    second_good = message_xml(biz_msg_id="340121240506000004", ywh="2024-000004", unit=UNIT_B)
    repeated_in_batch = good
    response = post_batch(
        sender, [good, duplicate_of_earlier, schema_invalid, forged, second_good, repeated_in_batch]
    )
    assert response.status_code == 200 and response["X-Bdcdj-Node"]
    items = response.json()["receipts"]
    assert [i["biz_msg_id"] for i in items] == [
        "340121240506000001",
        "340121240506000009",
        "340121240506000002",
        "340121240506000003",
        "340121240506000004",
        "340121240506000001",
    ]
    assert [(i["status"], i["success_flag"], i["response_code"]) for i in items] == [
        (200, "1", "0000"),
        (200, "1", "0000"),
        (200, "2", "1002"),
        (403, "2", "1003"),
        (200, "1", "0000"),
        (200, "1", "0000"),
    ]
    assert items[1]["xml"].encode() == earlier.content  # the original receipt, byte for byte
    assert rep(items[5]["xml"]) == rep(items[0]["xml"])
    assert "XSD" in rep(items[2]["xml"])["ResponseInfo"]
    stored = dict(ReceivedMessage.objects.values_list("biz_msg_id", "status"))
    assert stored == {
        "340121240506000009": MessageStatus.ACCEPTED,
        "340121240506000001": MessageStatus.ACCEPTED,
        "340121240506000002": MessageStatus.REJECTED,
        "340121240506000004": MessageStatus.ACCEPTED,
    }
    assert bytes(ReceivedMessage.objects.get(biz_msg_id="340121240506000001").xml) == good
    assert DeliveryFailure.objects.filter(biz_msg_id="340121240506000003").count() == 1
    mirrored = set(MirrorRecord.objects.values_list("updated_by_message__biz_msg_id", flat=True))
    assert mirrored == {"340121240506000009", "340121240506000001", "340121240506000004"}


def test_batch_receipts_match_single_delivery_receipts(sender):
    xml = message_xml()
    items = post_batch(sender, [xml]).json()["receipts"]
    assert sender.post(xml).content == items[0]["xml"].encode()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "1001"),
        ('{"messages": []}', 400, "1001"),
        ('{"messages": ["%%%"]}', 400, "1001"),
        ('{"other": 1}', 400, "1001"),
    ],
)
def test_malformed_batch_is_refused_whole(sender, body, status, code):
    headers = {"X-Bdcdj-Node": sender.region, "Authorization": f"Bearer {sender.token}"}
    response = sender.client.post(BATCH_URL, data=body, content_type="application/json", headers=headers)
    assert response.status_code == status and rep(response.content.decode())["ResponseCode"] == code
    assert not ReceivedMessage.objects.exists()


def test_batch_limits_and_credentials_are_enforced(sender, settings):
    settings.BDCDJ_HUB_MAX_BATCH_MESSAGES = 2
    messages = [message_xml(biz_msg_id=f"34012124050600000{n}", ywh=f"2024-00000{n}") for n in range(3)]
    too_many = post_batch(sender, messages)
    assert too_many.status_code == 413 and "至多 2 条" in rep(too_many.content.decode())["ResponseInfo"]
    assert post_batch(sender, messages[:2], content_type="application/xml").status_code == 415
    assert post_batch(sender, messages[:2], token="bdn_wrong").status_code == 401
    assert not ReceivedMessage.objects.exists()
    assert post_batch(sender, messages[:2]).status_code == 200
    assert ReceivedMessage.objects.count() == 2
