import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from bdcdj.exchange import signing
from bdcdj.hub.models import DeliveryFailure, MessageStatus
from bdcdj.hub.services import node_register
from bdcdj.hub.tests.factories import OTHER_PRIVATE_KEY, sign
from bdcdj.monitor.models import DiscrepancyKind, LogDiscrepancy, ReceivedDailyLog
from bdcdj.monitor.services import daily_log as daily_log_module
from bdcdj.monitor.services import daily_log_send, daily_log_store, logxml
from bdcdj.monitor.services.daily_log import Answer
from bdcdj.monitor.services.logxml import AccessItem, DailyLogContent, RegisterItem
from bdcdj.monitor.tests.conftest import URL, received

COUNTY = "340121"
DAY = dt.date(2024, 5, 6)


def _log(*items: RegisterItem, area: str = COUNTY, day: dt.date = DAY) -> bytes:
    return logxml.render(
        DailyLogContent(
            area_code=area,
            area_name="长丰县",
            day=day,
            registered=list(items),
            accessed=[
                AccessItem(
                    business_number=i.business_number,
                    unit_code=i.unit_code,
                    biz_msg_id=i.biz_msg_id,
                    registration_type=i.registration_type,
                )
                for i in items
                if i.reported
            ],
        )
    )


def _item(ywh: str, bwid: str = "", reported: bool = True) -> RegisterItem:
    return RegisterItem(
        business_number=ywh,
        registration_type="100",
        right_type="4",
        unit_code="340121001001GB00001F00010001",
        certificates="皖(2024)长丰县不动产权第0000001号",
        reported=reported,
        biz_msg_id=bwid,
    )


def _answer(response) -> tuple[str, str]:
    root = etree.fromstring(response.content)
    assert root.tag == "RespondLog"
    return root.findtext("responseLogCode"), root.findtext("responseLogInfo")


def test_log_is_compared_with_received_messages(poster, county_node):
    node = county_node.node
    ok = received(node, ywh="2024-000001", day=DAY)
    rejected = received(node, ywh="2024-000002", day=DAY, status=MessageStatus.REJECTED)
    stray = received(node, ywh="2024-000009", day=DAY)  # 接入未登簿
    received(node, ywh="2024-000010", day=DAY + dt.timedelta(days=1))  # another day
    xml = _log(
        _item("2024-000001", ok.biz_msg_id),
        _item("2024-000002", rejected.biz_msg_id),
        _item("2024-000003", "340121240506000099"),  # BWID never received
        _item("2024-000004", reported=False),
    )
    response = poster.post(xml)
    assert response.status_code == 200, response.content
    code, info = _answer(response)
    assert code == "0200" and "登簿未接入 3 件" in info and "接入未登簿 1 件" in info
    log = ReceivedDailyLog.objects.get()
    assert (log.region_code, log.day, log.register_total, log.matched) == (COUNTY, DAY, 4, 1)
    assert log.register_counts["100"] == 4
    missing = {d.business_number: d for d in log.discrepancies.filter(kind=DiscrepancyKind.MISSING_ACCESS)}
    assert set(missing) == {"2024-000002", "2024-000003", "2024-000004"}
    assert all(d.needs_resend for d in missing.values())
    assert "接入失败" in missing["2024-000002"].reason
    assert "未被接收" in missing["2024-000003"].reason
    assert "SFSB=0" in missing["2024-000004"].reason
    unregistered = log.discrepancies.get(kind=DiscrepancyKind.UNREGISTERED)
    assert unregistered.biz_msg_id == stray.biz_msg_id and not unregistered.needs_resend


def test_an_accepted_resend_matches_the_logged_message_id(poster, county_node):
    original = "340121240506000007"
    received(county_node.node, ywh="X-1", day=DAY, biz_msg_id=original, status=MessageStatus.REJECTED)
    received(county_node.node, ywh="X-1", day=DAY, biz_msg_id=original + "CBXZ")
    assert poster.post(_log(_item("X-1", original))).status_code == 200
    log = ReceivedDailyLog.objects.get()
    assert log.matched == 1 and log.missing_count == 0 and log.unregistered_count == 0


def test_resent_log_replaces_the_comparison(poster, county_node):
    assert poster.post(_log(_item("Y-1", "340121240506000001"))).status_code == 200
    received(county_node.node, ywh="Y-1", day=DAY, biz_msg_id="340121240506000001")
    assert poster.post(_log(_item("Y-1", "340121240506000001"))).status_code == 200
    log = ReceivedDailyLog.objects.get()
    assert log.revisions == 2 and log.missing_count == 0
    assert LogDiscrepancy.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<AccessLogs><AccessLog>", "不是格式正确的 XML"),
        (b"", "为空"),
        (
            b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><AccessLogs>&x;</AccessLogs>',
            "DOCTYPE",
        ),
        (b"<Message/>", "根元素应为 AccessLogs"),
        (
            b"<AccessLogs><AccessLog><AreaCode>340121</AreaCode><AccessDate>2024-05-06</AccessDate>"
            b"</AccessLog></AccessLogs>",
            "AccessDate",
        ),
        (
            b"<AccessLogs><AccessLog><AreaCode>340121</AreaCode><AccessDate>20240506</AccessDate>"
            b'<RegisterInfo totalNum="1" firstReg="1"/><AccessInfo/><RegisterList totalNum="2"/>'
            b"</AccessLog></AccessLogs>",
            "totalNum",
        ),
        (
            b"<AccessLogs><AccessLog><AreaCode>340121</AreaCode><AccessDate>20240506</AccessDate>"
            b'<RegisterInfo firstReg="x"/><AccessInfo/></AccessLog></AccessLogs>',
            "非负整数",
        ),
    ],
)
def test_bad_logs_are_refused_with_a_clear_message(poster, body, expected):
    response = poster.post(body)
    assert response.status_code == 400
    code, info = _answer(response)
    assert code == "0400" and expected in info
    assert ReceivedDailyLog.objects.count() == 0
    assert DeliveryFailure.objects.filter(kind="format").count() == 1


def test_wrong_signature_is_refused_and_counted(poster):
    xml = _log(_item("Z-1"))
    response = poster.post(xml, signature=sign(xml, OTHER_PRIVATE_KEY))
    assert response.status_code == 403
    assert _answer(response)[0] == "0403" and "签名无效" in _answer(response)[1]
    assert poster.post(xml, signature="").status_code == 403
    assert poster.post(xml, signature="zz" * 64).status_code == 403
    assert ReceivedDailyLog.objects.count() == 0
    assert DeliveryFailure.objects.filter(kind="signature").count() == 3


def test_unknown_node_and_wrong_token_are_unauthorized(poster):
    xml = _log(_item("Z-1"))
    for response in (poster.post(xml, region="999999"), poster.post(xml, token="bdn_wrong")):
        assert response.status_code == 401
        assert _answer(response)[0] == "0401"
    assert ReceivedDailyLog.objects.count() == 0


def test_a_log_for_another_district_is_refused(poster):
    response = poster.post(_log(_item("Z-1"), area="340122"))
    assert response.status_code == 403 and "区划不符" in _answer(response)[1]
    assert ReceivedDailyLog.objects.count() == 0


def test_future_day_and_wrong_media_type_are_refused(poster):
    future = timezone.localdate() + dt.timedelta(days=2)
    assert poster.post(_log(_item("Z-1"), day=future)).status_code == 400
    assert poster.post(_log(_item("Z-1")), content_type="application/json").status_code == 415
    assert ReceivedDailyLog.objects.count() == 0


def test_oversized_log_is_refused(poster, settings):
    settings.BDCDJ_MONITOR_MAX_LOG_BYTES = 100
    response = poster.post(_log(_item("Z-1")))
    assert response.status_code == 413 and _answer(response)[0] == "0413"


def test_session_users_cannot_post_logs(make_user, county_node):
    client = Client()
    client.force_login(make_user("admin"))
    response = client.post(URL, data=_log(_item("Z-1")), content_type="application/xml")
    assert response.status_code == 401


def test_county_sends_and_upper_node_verifies_with_tongsuo(registrar, settings, monkeypatch):
    """Sender signs with the node key (Tongsuo); the receiver verifies with the registered key."""
    from bdcdj.cases.tests.helpers import titled_house

    titled_house(registrar)
    registration = node_register(
        region_code=COUNTY, name="长丰县", public_key_hex=signing.node_public_key_hex()
    )
    settings.BDCDJ_NODE_TOKEN = registration.token
    client = Client()

    def through_client(url, body, *, region_code, signature):
        response = client.post(
            URL,
            data=body,
            content_type="application/xml",
            headers={
                "X-Bdcdj-Node": region_code,
                "Authorization": f"Bearer {registration.token}",
                "X-Bdcdj-Signature": signature,
            },
        )
        return Answer(response.status_code, response.content, "")

    monkeypatch.setattr(daily_log_module, "post_log", through_client)
    log = daily_log_send(
        log=daily_log_store(region_code=COUNTY, day=timezone.localdate()), upstream_url="http://upper"
    )
    assert log.status == "acked", log.response
    stored = ReceivedDailyLog.objects.get()
    assert stored.register_total == 1 and stored.missing_count == 1  # no message was delivered
