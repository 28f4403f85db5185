import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from bdcdj.cases.tests.helpers import mortgage, titled_house
from bdcdj.exchange import signing
from bdcdj.exchange.models import OutboxStatus
from bdcdj.monitor.models import DailyLog, DailyLogStatus
from bdcdj.monitor.services import daily_log as daily_log_module
from bdcdj.monitor.services import daily_log_build, daily_log_send, daily_log_store
from bdcdj.monitor.services.daily_log import Answer
from bdcdj.monitor.services.logxml import registration_bucket
from bdcdj.monitor.tests.conftest import outbox

COUNTY = "340121"


@pytest.fixture
def registered(registrar):
    """Two 首次登记 (100) and one 抵押 (100 as well in the factories) registered today."""
    first = titled_house(registrar)
    second = titled_house(registrar)
    loan = mortgage(registrar, first[0][0])
    return [first[0][1], second[0][1], loan]


def _root(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_daily_log_has_the_standard_layout(registered):
    today = timezone.localdate()
    root = _root(daily_log_build(region_code=COUNTY, day=today))
    assert root.tag == "AccessLogs"
    log = root.find("AccessLog")
    assert [child.tag for child in log] == [
        "AreaCode",
        "AreaName",
        "AccessDate",
        "Remark",
        "RegisterInfo",
        "AccessInfo",
        "RegisterList",
        "AccessList",
    ]
    assert log.findtext("AreaCode") == COUNTY
    assert log.findtext("AreaName") == "长丰县"
    assert log.findtext("AccessDate") == today.strftime("%Y%m%d")


def test_register_info_counts_each_business_once_by_registration_type(registered):
    info = _root(daily_log_build(region_code=COUNTY, day=timezone.localdate())).find("AccessLog/RegisterInfo")
    expected: dict[str, int] = {}
    for right in registered:
        bucket = registration_bucket(right.registration_type)
        expected[bucket] = expected.get(bucket, 0) + 1
    assert info.get("totalNum") == "3"
    assert info.get("firstReg") == str(expected.get("100", 0))
    assert info.get("transferReg") == str(expected.get("200", 0))
    assert info.get("businessTypeCount") == str(len(expected))
    assert (
        sum(
            int(info.get(a))
            for a in (
                "firstReg",
                "transferReg",
                "changeReg",
                "logoutReg",
                "riviseReg",
                "dissentingReg",
                "advanceReg",
                "seizeReg",
                "otherReg",
            )
        )
        == 3
    )


def test_register_list_reports_message_and_certificate(registered):
    house, other, _ = registered
    message = outbox(case_number=house.business_number, sent_at=timezone.now())
    outbox(case_number=other.business_number, status=OutboxStatus.INVALID)
    root = _root(daily_log_build(region_code=COUNTY, day=timezone.localdate()))
    rows = {r.get("YWH"): r for r in root.iterfind("AccessLog/RegisterList/Register")}
    assert root.find("AccessLog/RegisterList").get("totalNum") == "3"
    assert rows[house.business_number].get("SFSB") == "1"
    assert rows[house.business_number].get("BWID") == message.biz_msg_id
    assert rows[house.business_number].get("BDCDYH") == house.unit.code
    assert rows[house.business_number].get("QLLX") == house.right_type
    assert rows[house.business_number].get("DJLX") == house.registration_type
    assert rows[other.business_number].get("SFSB") == "0"  # an invalid message was never sent
    assert rows[other.business_number].get("BWID") == ""


def test_access_info_counts_messages_that_reached_the_platform_that_day(registered):
    now = timezone.now()
    outbox(case_number="A-1", sent_at=now)  # acked, 100
    outbox(case_number="A-2", sent_at=now, status=OutboxStatus.REJECTED, rectype="2000402")
    outbox(case_number="A-3", sent_at=now, status=OutboxStatus.PENDING)  # no receipt yet
    outbox(case_number="A-4", sent_at=now - dt.timedelta(days=2))
    root = _root(daily_log_build(region_code=COUNTY, day=timezone.localdate()))
    info = root.find("AccessLog/AccessInfo")
    assert (info.get("totalNum"), info.get("firstReg"), info.get("transferReg")) == ("2", "1", "1")
    assert [a.get("YWH") for a in root.iterfind("AccessLog/AccessList/Access")] == ["A-1", "A-2"]


def test_other_days_and_districts_are_not_in_the_log(registered):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    root = _root(daily_log_build(region_code=COUNTY, day=yesterday))
    assert root.find("AccessLog/RegisterInfo").get("totalNum") == "0"
    assert root.find("AccessLog/RegisterInfo").get("businessTypeCount") == "0"
    other = _root(daily_log_build(region_code="340122", day=timezone.localdate()))
    assert other.find("AccessLog/RegisterList").get("totalNum") == "0"


def test_stored_log_is_signed_with_the_node_key(registered):
    log = daily_log_store(region_code=COUNTY, day=timezone.localdate())
    assert log.status == DailyLogStatus.BUILT and log.register_total == 3
    assert signing.verify(
        public_key_hex=signing.node_public_key_hex(), data=bytes(log.xml), signature_hex=log.signature
    )
    assert not signing.verify(
        public_key_hex=signing.node_public_key_hex(), data=bytes(log.xml) + b" ", signature_hex=log.signature
    )
    again = daily_log_store(region_code=COUNTY, day=timezone.localdate())
    assert again.pk == log.pk and DailyLog.objects.count() == 1


def _respond(code: str) -> bytes:
    return (
        f"<RespondLog><responseLogCode>{code}</responseLogCode>"
        f"<responseLogInfo>ok</responseLogInfo></RespondLog>"
    ).encode()


def test_send_retries_network_errors_and_keeps_the_answer(districts, monkeypatch):
    answers = [
        Answer(0, b"", "网络错误：ConnectionRefusedError"),
        Answer(503, b"", "HTTP 503"),
        Answer(200, _respond("0200"), ""),
    ]
    seen = []

    def fake_post(url, body, *, region_code, signature):
        seen.append((url, region_code, signature))
        return answers.pop(0)

    monkeypatch.setattr(daily_log_module, "post_log", fake_post)
    log = daily_log_store(region_code=COUNTY, day=timezone.localdate())
    sleeps: list[float] = []
    log = daily_log_send(log=log, upstream_url="http://upper.test/", retries=3, sleep=sleeps.append)
    assert log.status == DailyLogStatus.ACKED and log.response_code == "0200" and log.attempts == 3
    assert seen[0][0] == "http://upper.test/api/monitor/v1/daily-logs"
    assert seen[0][2] == log.signature
    assert sleeps == [30, 60]


def test_send_without_upstream_keeps_the_log_built(districts, settings):
    settings.BDCDJ_UPSTREAM_URL = ""
    log = daily_log_send(log=daily_log_store(region_code=COUNTY, day=timezone.localdate()))
    assert log.status == DailyLogStatus.BUILT and "BDCDJ_UPSTREAM_URL" in log.response


def test_refused_log_is_marked_sent_not_acked(districts, monkeypatch):
    monkeypatch.setattr(
        daily_log_module, "post_log", lambda *a, **k: Answer(403, _respond("0403"), "HTTP 403")
    )
    log = daily_log_send(
        log=daily_log_store(region_code=COUNTY, day=timezone.localdate()), upstream_url="http://x"
    )
    assert log.status == DailyLogStatus.SENT and log.response_code == "0403" and log.attempts == 1


def test_command_builds_the_log(registered, capsys):
    call_command("daily_log", "--day", timezone.localdate().isoformat(), "--print")
    out = capsys.readouterr().out
    assert "登簿 3 件" in out and "<AccessLogs>" in out
    assert DailyLog.objects.filter(region_code=COUNTY).count() == 1


def test_daily_task_builds_and_tries_to_send_yesterdays_log(districts, settings):
    from bdcdj.monitor.tasks import daily_log_send_yesterday, metrics_recompute_yesterday

    settings.BDCDJ_UPSTREAM_URL = ""
    result = daily_log_send_yesterday.call(COUNTY)
    assert result["day"] == (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert result["status"] == DailyLogStatus.BUILT
    assert metrics_recompute_yesterday.call() == 0  # no lower nodes registered here


def test_certificate_numbers_are_listed_per_business(registered):
    from bdcdj.register.models import Right

    house = registered[0]
    Right.objects.filter(pk=house.pk).update(certificate_number="皖(2024)长丰县不动产权第0000001号")
    root = _root(daily_log_build(region_code=COUNTY, day=timezone.localdate()))
    rows = {r.get("YWH"): r for r in root.iterfind("AccessLog/RegisterList/Register")}
    assert rows[house.business_number].get("ZSZMH") == "皖(2024)长丰县不动产权第0000001号"
