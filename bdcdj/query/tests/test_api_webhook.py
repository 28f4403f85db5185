"""Express shipments and the courier webhook: HMAC-SM3 over courier, time, nonce and body;
tampered, stale and replayed calls are refused."""

import json
import secrets
import time

import pytest
from django.test import Client

from bdcdj.cases.tests import helpers as h
from bdcdj.certs.tests.helpers import sale
from bdcdj.core.errors import InvalidInput
from bdcdj.query.models import Shipment
from bdcdj.query.services.shipping import courier_keys, shipment_create, signature_of

pytestmark = pytest.mark.django_db
URL = "/api/query/v1/shipments/webhook"


@pytest.fixture
def shipment(staff) -> Shipment:
    case = sale(staff)
    return shipment_create(
        case=case,
        courier="EMS",
        tracking_number="EA123456789CN",
        recipient=h.BUYER.name,
        phone="13800001234",
        address="安徽省合肥市长丰县双凤大道88号",
        by=staff.clerk,
    )


def _call(body: dict, *, courier="EMS", timestamp=None, nonce=None, tamper=None):
    raw = json.dumps(body).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(8)
    signature = signature_of(key=courier_keys()["EMS"], courier=courier, timestamp=ts, nonce=nonce, body=raw)
    headers = {
        "HTTP_X_COURIER": courier,
        "HTTP_X_TIMESTAMP": ts,
        "HTTP_X_NONCE": nonce,
        "HTTP_X_SIGNATURE": signature,
    }
    return Client().post(URL, tamper or raw, content_type="application/json", **headers), nonce


EVENT = {
    "tracking_number": "EA123456789CN",
    "status": "in_transit",
    "occurred_at": "2026-03-02T10:00:00+08:00",
    "place": "合肥转运中心",
}


def test_signed_event_updates_the_shipment_and_the_tracking_page(staff, shipment):
    answer, _ = _call(EVENT)
    assert answer.status_code == 200 and answer.json()["shipment_status"] == "in_transit"
    shipment.refresh_from_db()
    assert shipment.status == "in_transit" and shipment.events.count() == 1
    assert (
        h.BUYER.name not in shipment.recipient_masked
        and shipment.address_enc
        and "88号" not in shipment.address_masked
    )
    client = Client()
    client.force_login(staff.clerk)
    page = client.get(f"/query/shipments/{shipment.pk}/").content.decode()
    assert "运输中" in page and "合肥转运中心" in page and h.BUYER.name not in page
    assert Client().get(f"/query/shipments/{shipment.pk}/").status_code == 404  # not for anonymous visitors


def test_tampered_body_is_refused(shipment):
    tampered = json.dumps({**EVENT, "status": "delivered"}).encode()
    answer, _ = _call(EVENT, tamper=tampered)
    assert answer.status_code == 401 and answer.json()["message"] == "签名校验失败"
    shipment.refresh_from_db()
    assert shipment.status == "created" and not shipment.events.exists()


def test_replayed_nonce_and_stale_timestamp_are_refused(shipment):
    first, nonce = _call(EVENT)
    replay, _ = _call(EVENT, nonce=nonce)
    stale, _ = _call(EVENT, timestamp=int(time.time()) - 3600)
    assert first.status_code == 200 and replay.status_code == 409 and replay.json()["code"] == "replayed"
    assert stale.status_code == 401 and "时间戳" in stale.json()["message"]
    unknown, _ = _call(EVENT, courier="SF")
    assert unknown.status_code == 401 and unknown.json()["message"] == "未对接的快递公司"
    assert Shipment.objects.get().events.count() == 1


def test_bad_event_and_bad_shipment_input_are_answered_in_chinese(staff, shipment):
    bad, _ = _call({"tracking_number": "EA123456789CN", "status": "lost", "occurred_at": "yesterday"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"status", "occurred_at"}
    with pytest.raises(InvalidInput) as refused:
        shipment_create(
            case=shipment.case,
            courier="XX",
            tracking_number="1",
            recipient="",
            phone="x",
            address="",
            by=staff.clerk,
        )
    assert set(refused.value.fields) == {"courier", "tracking_number", "recipient", "phone", "address"}
