"""A higher level's rejection of a forwarded message is kept against the message and passed down
to the node that delivered it; the county's outbox then shows it and can re-send (销账)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bdcdj.exchange.models import OutboxMessage, OutboxStatus
from bdcdj.exchange.services import relay as relay_module
from bdcdj.exchange.services import relay_once
from bdcdj.exchange.services.relay import Answer
from bdcdj.hub.models import ForwardItem
from bdcdj.hub.services.receipts import Receipt
from bdcdj.hub.tests.factories import COUNTY, message_xml

pytestmark = pytest.mark.django_db

URL = "/api/exchange/v1/upstream-receipts"


@pytest.fixture
def city(settings, sender):
    """This node is the city 340100 forwarding to its province; the county 340121 delivers here."""
    settings.BDCDJ_REGION_CODE = "340100"
    settings.BDCDJ_UPSTREAM_URL = "http://province.test"
    return sender


def _province_refuses(monkeypatch, info: str = "XSD校验失败：不应出现登记登簿信息（DJF_DJ_DB）") -> None:
    def refuse(url, body, *, region_code, **_):
        biz = body.split(b"<BizMsgID>")[1].split(b"</BizMsgID>")[0].decode()
        receipt = Receipt.failure(code="1002", info=info, http_status=200, biz_msg_id=biz)
        return Answer(200, receipt.to_xml(), "", "340000")

    monkeypatch.setattr(relay_module, "post", refuse)


def _get(token: str, region: str = COUNTY):
    return Client().get(URL, headers={"X-Bdcdj-Node": region, "Authorization": f"Bearer {token}"})


def test_a_rejection_from_above_is_kept_and_listed_for_the_county(city, monkeypatch):
    assert b"<SuccessFlag>1</SuccessFlag>" in city.post(message_xml()).content
    _province_refuses(monkeypatch)
    report = relay_once()
    [forwarded] = OutboxMessage.objects.all()
    assert report.rejected == [forwarded.biz_msg_id] and forwarded.status == OutboxStatus.REJECTED
    item = ForwardItem.objects.get()
    assert (item.upstream_rejected_by, item.upstream_code) == ("340000", "1002")
    assert "DJF_DJ_DB" in item.upstream_info and item.passed_down_at is None

    listed = _get(city.token).json()["items"]
    assert [(i["biz_msg_id"], i["success_flag"], i["rejected_by"]) for i in listed] == [
        (forwarded.biz_msg_id, "2", "340000")
    ]
    confirm = Client().post(
        URL + "/confirm",
        data=json.dumps({"biz_msg_ids": [forwarded.biz_msg_id, "not-mine"]}),
        content_type="application/json",
        headers={"X-Bdcdj-Node": COUNTY, "Authorization": f"Bearer {city.token}"},
    )
    assert confirm.json() == {"confirmed": 1}
    assert _get(city.token).json()["items"] == []


def test_strangers_get_nothing(city):
    response = _get("bdn_wrong")
    assert response.status_code == 401 and response.json()["code"] == "node_unauthorized"


def test_a_forwarded_resend_supersedes_the_refused_forward_and_is_not_held_back(city, monkeypatch):
    city.post(message_xml(biz_msg_id="340121240601000001"))
    _province_refuses(monkeypatch)
    relay_once()
    city.post(message_xml(biz_msg_id="340121240601000001CBXZ"))
    original, resend = OutboxMessage.objects.order_by("id")
    assert original.superseded and resend.resend_of_id == original.pk
    assert resend.ordered_at == original.ordered_at and resend.status == OutboxStatus.PENDING
    monkeypatch.setattr(
        relay_module,
        "post",
        lambda url, body, **_: Answer(
            200, Receipt("340121240601000001CBXZ", "1", "0000", "接入成功").to_xml(), "", "340000"
        ),
    )
    assert relay_once().acked == ["340121240601000001CBXZ"]
