"""The audit viewer at /accounts/audit/: access, filters, paging, sorting, export, scope."""

import io
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.services import audit_record
from bdcdj.accounts.tests.conftest import HOME, OTHER

URL = reverse("accounts:audit")
EXPORT = reverse("accounts:audit_export")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def record_at(when: datetime, **kwargs):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(**kwargs)


@pytest.fixture
def signed_in(client, auditor):
    client.force_login(auditor)
    return client


def rows(response):
    return list(response.context["page_obj"].object_list)


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("console:login"))


def test_user_without_the_audit_page_is_refused(client, clerk):
    client.force_login(clerk)
    response = client.get(URL)
    assert response.status_code == 403
    assert "没有查看“审计日志”的权限" in response.content.decode()
    assert client.get(EXPORT).status_code == 403


def test_empty_state(signed_in):
    response = signed_in.get(URL, {"action": "nothing.here"})
    assert response.status_code == 200
    assert "没有符合条件的审计记录" in response.content.decode()


def test_lists_rows_of_the_district_newest_first(signed_in, clerk, make_user):
    record_at(datetime(2024, 5, 1, 9, tzinfo=SHANGHAI), actor=clerk, action="cases.accept", region_code=HOME)
    record_at(datetime(2024, 5, 2, 9, tzinfo=SHANGHAI), actor=clerk, action="cases.review", region_code=HOME)
    stranger = make_user("stranger", regions=(OTHER,))
    record_at(
        datetime(2024, 5, 3, 9, tzinfo=SHANGHAI), actor=stranger, action="cases.accept", region_code=OTHER
    )
    response = signed_in.get(URL, {"action": "cases."})
    assert [r.action for r in rows(response)] == ["cases.review", "cases.accept"]
    body = response.content.decode()
    assert "2024-05-02 09:00:00" in body and "stranger" not in body


def test_sorting_oldest_first(signed_in, clerk):
    for day in (3, 1, 2):
        record_at(datetime(2024, 5, day, tzinfo=SHANGHAI), actor=clerk, action="t.sort", object_id=str(day))
    response = signed_in.get(URL, {"action": "t.sort", "sort": "at"})
    assert [r.object_id for r in rows(response)] == ["1", "2", "3"]
    assert "sort=-at" in response.context["sort_query"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "CLERK"}, {"a1", "a2", "a3"}),
        ({"action": "cases.accept"}, {"a1"}),
        ({"action": "cases."}, {"a1", "a2"}),
        ({"object_type": "case"}, {"a1", "a2"}),
        ({"object_id": "a3"}, {"a3"}),
        ({"region_code": HOME}, {"a1", "a2"}),
        ({"outcome": "failed"}, {"a3"}),
        ({"date_from": "2024-05-02"}, {"a2", "a3"}),
        ({"date_to": "2024-05-01"}, {"a1"}),
        ({"date_from": "2024-05-02", "date_to": "2024-05-02"}, {"a2"}),
    ],
)
def test_filters(signed_in, clerk, params, expected):
    record_at(
        datetime(2024, 5, 1, 23, 59, tzinfo=SHANGHAI),
        actor=clerk,
        action="cases.accept",
        object_type="case",
        object_id="a1",
        region_code=HOME,
    )
    record_at(
        datetime(2024, 5, 2, 0, 0, tzinfo=SHANGHAI),
        actor=clerk,
        action="cases.review",
        object_type="case",
        object_id="a2",
        region_code=HOME,
    )
    record_at(
        datetime(2024, 5, 3, 12, tzinfo=SHANGHAI),
        actor=clerk,
        action="auth.login",
        object_id="a3",
        outcome="failed",
    )
    ids = {r.object_id for r in rows(signed_in.get(URL, params)) if r.object_id}
    assert ids == expected


def test_invalid_filters_show_errors_and_no_rows(signed_in, clerk):
    audit_record(actor=clerk, action="x.y", region_code=HOME)
    response = signed_in.get(URL, {"region_code": "abc", "date_from": "2024-05-03", "date_to": "2024-05-01"})
    body = response.content.decode()
    assert "应为 6 位数字" in body and "截止日期不能早于起始日期" in body
    assert "查询条件有误" in body
    assert signed_in.get(EXPORT, {"region_code": "abc"}).status_code == 400


def test_pagination_is_fifty_per_page(signed_in, clerk):
    AuditLog.objects.bulk_create(
        [AuditLog(actor=clerk, actor_name="clerk1", action="t.page", object_id=str(i)) for i in range(120)]
    )
    first = signed_in.get(URL, {"action": "t.page"})
    assert len(rows(first)) == 50
    assert "共 120 条，第 1 / 3 页" in first.content.decode()
    assert "action=t.page&amp;page=2" in first.content.decode()
    third = signed_in.get(URL, {"action": "t.page", "page": 3})
    assert len(rows(third)) == 20
    assert len(rows(signed_in.get(URL, {"action": "t.page", "page": 99}))) == 20  # clamps to last


def test_htmx_request_gets_only_the_results(signed_in, clerk):
    audit_record(actor=clerk, action="x.y", region_code=HOME)
    response = signed_in.get(URL, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<table>" in body and "<html" not in body


def test_export_is_an_xlsx_of_the_filtered_list(signed_in, clerk, make_user):
    record_at(
        datetime(2024, 5, 1, 8, 30, tzinfo=SHANGHAI), actor=clerk, action="cases.accept", region_code=HOME
    )
    audit_record(actor=clerk, action="cases.review", region_code=HOME)
    audit_record(actor=make_user(regions=(OTHER,)), action="cases.accept", region_code=OTHER)
    response = signed_in.get(EXPORT, {"action": "cases.accept"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''audit-")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("时间", "操作人账号", "操作")
    assert values[1:] == [
        ("2024-05-01 08:30:00", "clerk1", "cases.accept", None, None, HOME, None, None, "成功", None)
    ]  # empty cells read back as None


def test_export_writes_formula_like_values_as_text(signed_in, clerk):
    audit_record(actor=clerk, action="t.inject", object_id='=HYPERLINK("x")', region_code=HOME)
    response = signed_in.get(EXPORT, {"action": "t.inject"})
    cell = load_workbook(io.BytesIO(response.content)).active["E2"]
    assert cell.value == '=HYPERLINK("x")'
    assert cell.data_type == "s"


def test_export_is_itself_audited(signed_in, auditor, clerk):
    audit_record(actor=clerk, action="cases.accept", region_code=HOME)
    signed_in.get(EXPORT, {"action": "cases.accept"})
    entry = AuditLog.objects.get(action="accounts.audit_export")
    assert entry.actor == auditor
    assert entry.detail == {"rows": 1, "filters": {"action": "cases.accept"}}


def test_superuser_sees_every_district(client, superuser, clerk, make_user):
    audit_record(actor=clerk, action="cases.accept", region_code=HOME)
    audit_record(actor=make_user(regions=(OTHER,)), action="cases.accept", region_code=OTHER)
    client.force_login(superuser)
    assert {r.region_code for r in rows(client.get(URL, {"action": "cases.accept"}))} == {HOME, OTHER}
