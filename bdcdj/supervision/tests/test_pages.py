"""The alert queue, one alert's handling, and the rule settings pages."""

from __future__ import annotations

import datetime as dt

import pytest

from bdcdj.accounts.models import AuditLog
from bdcdj.supervision.models import Alert, AlertStatus, RuleSetting
from bdcdj.supervision.services import rules_run
from bdcdj.supervision.tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts(make_case):
    for day in (2, 3, 4):
        make_case(accepted_at=at(2026, 11, day), deadline=dt.date(2026, 11, day + 7))
    rules_run(codes=["case_overdue"], now=at(2026, 11, 20, 15))
    return list(Alert.objects.order_by("id"))


def test_queue_lists_filters_and_sorts_alerts(client, supervisor, alerts):
    client.force_login(supervisor)
    page = client.get("/supervision/alerts/").content.decode()
    assert page.count("/supervision/alerts/") >= 3 and "业务超期未办结" in page
    assert 'data-testid="count-open">3<' in page
    body = client.get("/supervision/alerts/", {"sort": "occurred"}).content.decode()
    first, last = alerts[0].subject_label, alerts[-1].subject_label
    assert body.index(first) < body.index(last)
    body = client.get("/supervision/alerts/", {"sort": "-occurred"}).content.decode()
    assert body.index(last) < body.index(first)
    assert "没有符合条件的预警" in client.get("/supervision/alerts/", {"status": "closed"}).content.decode()
    assert client.get("/supervision/alerts/", {"status": "nonsense"}).status_code == 400


def test_pages_need_their_permission(client, clerk, make_user, alerts):
    client.force_login(clerk)
    assert client.get("/supervision/alerts/").status_code == 403
    assert client.get(f"/supervision/alerts/{alerts[0].pk}/").status_code == 403
    assert client.get("/supervision/rules/").status_code == 403
    client.force_login(make_user("leader1", "leader"))
    assert client.get("/supervision/alerts/").status_code == 200
    response = client.post(f"/supervision/alerts/{alerts[0].pk}/close", {"comment": "越权"})
    assert response.status_code == 403
    assert Alert.objects.get(pk=alerts[0].pk).status == AlertStatus.OPEN


def test_supervisor_acknowledges_and_closes_on_the_alert_page(client, supervisor, alerts):
    client.force_login(supervisor)
    url = f"/supervision/alerts/{alerts[0].pk}/"
    page = client.get(url).content.decode()
    assert (
        'hx-confirm="确认核查该预警？"' in page
        and "hx-confirm=" in page.split('data-testid="close"')[1][:400]
    )
    assert client.post(url + "acknowledge", {"comment": ""}).status_code == 400
    assert client.post(url + "acknowledge", {"comment": "调阅案卷"}).status_code == 302
    response = client.post(url + "close", {"comment": "已督促办结"}, follow=True)
    assert "已关闭" in response.content.decode() and "已督促办结" in response.content.decode()
    assert client.post(url + "close", {"comment": "再关一次"}).status_code == 409
    assert AuditLog.objects.filter(action="supervision.alert_close", actor=supervisor).count() == 1


def test_other_district_alert_page_is_not_found(client, other_supervisor, alerts):
    client.force_login(other_supervisor)
    assert client.get(f"/supervision/alerts/{alerts[0].pk}/").status_code == 404


def test_administrator_changes_a_threshold_and_bad_input_is_shown(client, make_user, supervisor):
    client.force_login(supervisor)
    assert client.get("/supervision/rules/").status_code == 200
    assert client.post("/supervision/rules/fee_waiver/", {"severity": "high"}).status_code == 403
    client.force_login(make_user("boss", "admin"))
    page = client.get("/supervision/rules/").content.decode()
    assert "大额收费减免" in page and "减免金额阈值（元）=500" in page
    bad = client.post(
        "/supervision/rules/fee_waiver/", {"enabled": "1", "severity": "high", "min_amount": "abc"}
    )
    assert bad.status_code == 400 and "应为非负金额" in bad.content.decode()
    ok = client.post(
        "/supervision/rules/fee_waiver/",
        {"enabled": "1", "severity": "high", "min_amount": "200", "lookback_days": "30"},
    )
    assert ok.status_code == 302
    setting = RuleSetting.objects.get(code="fee_waiver")
    assert setting.params == {"min_amount": "200", "lookback_days": "30"} and setting.severity == "high"
