"""The receiver over the Django test client: receipts, status codes, idempotency, nothing partial."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from bdcdj.hub.models import Clearance, DeliveryFailure, MessageStatus, MirrorRecord, ReceivedMessage
from bdcdj.hub.tests.factories import COUNTY, OTHER_PRIVATE_KEY, message_xml, ownership_rows
from bdcdj.quality.models import QualityFinding

pytestmark = pytest.mark.django_db


def receipt(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == "Rep"
    return {child.tag: child.text or "" for child in root}


def test_signed_message_is_accepted_stored_and_mirrored(sender):
    xml = message_xml()
    response = sender.post(xml)
    body = receipt(response)
    assert response.status_code == 200, body
    assert body["SuccessFlag"] == "1" and body["ResponseCode"] == "0000"
    assert body["BizMsgID"] == "340121240506000001"
    message = ReceivedMessage.objects.get()
    assert message.status == MessageStatus.ACCEPTED and message.signature_ok
    assert message.region_code == COUNTY and message.rectype == "1000402"
    assert bytes(message.xml) == xml
    assert MirrorRecord.objects.filter(updated_by_message=message).count() == 2


def test_duplicate_returns_the_original_receipt_and_stores_nothing_new(sender):
    first = sender.post(message_xml())
    mirror_before = list(MirrorRecord.objects.values_list("id", "record_hash", "updated_at"))
    changed = message_xml(rows=ownership_rows(FDZL="长丰县水湖镇另一条路2号"))
    second = sender.post(changed)
    assert second.status_code == 200
    assert second.content == first.content
    assert ReceivedMessage.objects.count() == 1
    assert list(MirrorRecord.objects.values_list("id", "record_hash", "updated_at")) == mirror_before


def test_quality_blocking_findings_reject_with_the_list_and_keep_it_for_clearance(sender):
    rows = ownership_rows(TDSYQSSJ="2090-01-01T00:00:00")
    response = sender.post(message_xml(rows=rows))
    body = receipt(response)
    assert response.status_code == 200
    assert body["SuccessFlag"] == "2" and body["ResponseCode"] == "1004"
    assert "数据质检不通过" in body["ResponseInfo"]
    message = ReceivedMessage.objects.get()
    assert message.status == MessageStatus.REJECTED and message.clearance == Clearance.OPEN
    assert message.findings
    assert QualityFinding.objects.filter(subject_type="message", subject_ref=message.biz_msg_id).exists()
    assert not MirrorRecord.objects.exists()


def test_schema_invalid_message_is_rejected_with_xsd_errors(sender):
    response = sender.post(message_xml(rectype="10004X2"))
    body = receipt(response)
    assert response.status_code == 200
    assert (body["SuccessFlag"], body["ResponseCode"]) == ("2", "1002")
    assert "XSD" in body["ResponseInfo"]
    assert ReceivedMessage.objects.get().status == MessageStatus.REJECTED
    assert not MirrorRecord.objects.exists()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Message><Head><BizMsgID>&lol3;</BizMsgID></Head><Data/></Message>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Message><Head><BizMsgID>&xxe;</BizMsgID></Head><Data/></Message>"""
DOCTYPE_ONLY = b'<?xml version="1.0"?><!DOCTYPE Message><Message><Head/><Data/></Message>'


@pytest.mark.parametrize(
    ("xml", "status", "code"),
    [
        (b"<Message><Head>", 400, "1001"),
        (b"", 400, "1001"),
        (b"\xff\xfe not xml", 400, "1001"),
        (XXE, 400, "1001"),
        (BILLION_LAUGHS, 400, "1001"),
        (DOCTYPE_ONLY, 400, "1001"),
        (b"<Other/>", 400, "1001"),
        (message_xml(biz_msg_id="bad id!<>"), 400, "1001"),
        (message_xml(private_key=OTHER_PRIVATE_KEY), 403, "1003"),
        (message_xml(private_key=None), 403, "1003"),
        (message_xml(area="340122", unit="340122001001GB00001F00010001"), 403, "1007"),
    ],
    ids=[
        "truncated",
        "empty",
        "binary",
        "xxe",
        "billion-laughs",
        "doctype",
        "wrong-root",
        "bad-biz-msg-id",
        "wrong-signature",
        "unsigned",
        "wrong-area",
    ],
)
def test_bad_input_gets_a_clear_receipt_and_stores_nothing(sender, xml, status, code):
    response = sender.post(xml)
    body = receipt(response)
    assert response.status_code == status
    assert body["SuccessFlag"] == "2" and body["ResponseCode"] == code
    assert body["ResponseInfo"]
    assert not ReceivedMessage.objects.exists()
    assert not MirrorRecord.objects.exists()
    assert DeliveryFailure.objects.filter(response_code=code).count() == 1


def test_tampered_content_fails_the_signature(sender):
    xml = message_xml().replace("张小三".encode(), "李小四".encode())
    response = sender.post(xml)
    assert response.status_code == 403 and receipt(response)["ResponseCode"] == "1003"
    assert DeliveryFailure.objects.get().kind == "signature"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"token": "bdn_wrong"}, 401),
        ({"region": "340199"}, 401),
        ({"token": " "}, 401),
    ],
    ids=["wrong-token", "unknown-node", "empty-token"],
)
def test_unauthorised_node_is_refused(sender, headers, status):
    response = sender.post(message_xml(), **headers)
    body = receipt(response)
    assert response.status_code == status
    assert (body["SuccessFlag"], body["ResponseCode"]) == ("2", "1005")
    assert not ReceivedMessage.objects.exists()


def test_missing_authorization_header_is_refused(sender):
    response = sender.client.post(
        "/api/exchange/v1/messages", data=message_xml(), content_type="application/xml"
    )
    assert response.status_code == 401 and receipt(response)["ResponseCode"] == "1005"


def test_inactive_node_is_forbidden(sender):
    from bdcdj.hub.services import node_set_active

    node_set_active(region_code=COUNTY, active=False)
    response = sender.post(message_xml())
    assert response.status_code == 403 and receipt(response)["ResponseCode"] == "1005"
    assert not ReceivedMessage.objects.exists()


def test_oversized_message_is_refused_before_parsing(sender, settings):
    settings.BDCDJ_HUB_MAX_MESSAGE_BYTES = 2048
    response = sender.post(message_xml() + b" " * 4096)
    assert response.status_code == 413 and receipt(response)["ResponseCode"] == "1006"
    assert not ReceivedMessage.objects.exists()


def test_wrong_content_type_is_refused(sender):
    response = sender.client.post(
        "/api/exchange/v1/messages",
        data=message_xml(),
        content_type="application/json",
        headers={"X-Bdcdj-Node": COUNTY, "Authorization": f"Bearer {sender.token}"},
    )
    assert response.status_code == 415 and receipt(response)["ResponseCode"] == "1009"


def test_session_user_gets_no_shortcut_past_node_auth(sender, make_user, client):
    client.force_login(make_user("admin1"))
    response = client.post("/api/exchange/v1/messages", data=message_xml(), content_type="application/xml")
    assert response.status_code == 401


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda t: f"<Message><Head>{t}</Head><Data/></Message>".encode()),
    )
)
def test_arbitrary_bytes_never_cause_a_server_error(sender, body):
    response = sender.post(body)
    assert response.status_code in {400, 403}
    assert receipt(response)["SuccessFlag"] == "2"
    assert not ReceivedMessage.objects.exists()
