import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from bdcdj.hub.services import node_register
from bdcdj.hub.tests.factories import public_key_hex
from bdcdj.monitor.models import DailyLog, DiscrepancyKind, LogDiscrepancy, ReceivedDailyLog
from bdcdj.monitor.services import metrics_compute_range
from bdcdj.monitor.tests.conftest import received

TODAY = timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_nodes(county_node):
    other = node_register(region_code="340122", name="肥东县", public_key_hex=public_key_hex()).node
    for node in (county_node.node, other):
        received(node, ywh=f"{node.region_code}-1", day=TODAY, received_at=timezone.now())
    metrics_compute_range(day_from=TODAY, day_to=TODAY)
    return county_node.node, other


def _log(node, day: dt.date, *, missing: int = 0) -> ReceivedDailyLog:
    log = ReceivedDailyLog.objects.create(
        region_code=node.region_code,
        node=node,
        day=day,
        xml=b"<AccessLogs/>",
        digest="0" * 64,
        signature="",
        register_total=2,
        matched=2 - missing,
        missing_count=missing,
    )
    for i in range(missing):
        LogDiscrepancy.objects.create(
            log=log,
            region_code=node.region_code,
            kind=DiscrepancyKind.MISSING_ACCESS,
            business_number=f"MISS-{node.region_code}-{i}",
            reason="未接收到该业务的报文",
            needs_resend=True,
        )
    return log


def test_dashboard_shows_charts_data_and_ranking_without_inline_script(make_user, two_nodes):
    response = _client(make_user("admin", regions=("340121", "340122"))).get("/monitor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="monitor-series"' in html and "echarts.min.js" in html and "monitor/dashboard.js" in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "肥东县" in html and "月度排名" in html and 'class="monitor-chart"' in html


def test_dashboard_only_shows_the_users_districts(make_user, two_nodes):
    html = _client(make_user("county_admin")).get("/monitor/").content.decode()
    assert "长丰县" in html and "肥东县" not in html


def test_dashboard_empty_state(make_user, districts):
    html = _client(make_user("admin")).get("/monitor/").content.decode()
    assert "所选期间没有监测数据" in html and "本月还没有可排名的节点" in html


def test_dashboard_rejects_bad_range(make_user, districts):
    response = _client(make_user("admin")).get("/monitor/?date_from=2024-05-10&date_to=2024-05-01")
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.content.decode()


def test_reviewer_reads_the_dashboard_but_not_the_logs(make_user, districts):
    reviewer = _client(make_user("reviewer", roles=("reviewer",)))
    assert reviewer.get("/monitor/").status_code == 200
    assert reviewer.get("/monitor/logs/").status_code == 403
    assert _client(make_user("clerk", roles=("clerk",))).get("/monitor/").status_code == 403
    assert reviewer.post("/monitor/recompute").status_code == 403


def test_ranking_export(make_user, two_nodes):
    response = _client(make_user("admin", regions=("340121", "340122"))).get("/monitor/ranking.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "名次" and len(rows) == 3 and {rows[1][1], rows[2][1]} == {"340121", "340122"}


def test_recompute_and_drill_down(make_user, two_nodes):
    client = _client(make_user("admin"))
    response = client.post(
        "/monitor/recompute", {"date_from": TODAY.isoformat(), "date_to": TODAY.isoformat()}
    )
    assert response.status_code == 302
    page = client.get(f"/monitor/nodes/340121/{TODAY.isoformat()}/")
    assert page.status_code == 200 and "340121-1" in page.content.decode()
    assert "/hub/messages/?node=340121" in page.content.decode()
    assert client.get(f"/monitor/nodes/340122/{TODAY.isoformat()}/").status_code == 404
    assert client.get("/monitor/nodes/340121/not-a-day/").status_code == 404


def test_metrics_api_returns_series(make_user, two_nodes):
    client = _client(make_user("admin"))
    data = client.get(f"/api/monitor/v1/metrics?date_from={TODAY}&date_to={TODAY}").json()
    assert data["days"] == [TODAY.isoformat()]
    assert [n["region"] for n in data["nodes"]] == ["340121"]
    assert data["nodes"][0]["series"]["stability"] == [100.0]
    assert client.get("/api/monitor/v1/metrics?date_from=2024-05-10&date_to=2024-01-01").status_code == 400
    ranking = client.get(f"/api/monitor/v1/ranking?month={TODAY:%Y-%m}").json()
    assert ranking[0]["rank"] == 1 and ranking[0]["region"] == "340121"
    assert Client().get("/api/monitor/v1/metrics").status_code == 401


def test_logs_page_paginates_filters_and_isolates_tenants(make_user, two_nodes):
    mine, other = two_nodes
    for i in range(55):
        _log(mine, TODAY - dt.timedelta(days=i), missing=1 if i == 0 else 0)
    _log(other, TODAY, missing=2)
    client = _client(make_user("admin"))
    first = client.get("/monitor/logs/").content.decode()
    assert "共 55 条" in first and "MISS-340121-0" in first and "MISS-340122" not in first
    assert "第 2 / 2 页" in client.get("/monitor/logs/?page=2").content.decode()
    only = client.get("/monitor/logs/?discrepancies_only=on").content.decode()
    assert "共 1 条" in only
    assert client.get("/monitor/logs/?region=12").status_code == 400
    foreign = ReceivedDailyLog.objects.get(region_code="340122")
    assert client.get(f"/monitor/logs/{foreign.pk}/").status_code == 404
    detail = client.get(f"/monitor/logs/{ReceivedDailyLog.objects.get(region_code='340121', day=TODAY).pk}/")
    assert detail.status_code == 200 and "MISS-340121-0" in detail.content.decode()


def test_logs_export(make_user, two_nodes):
    _log(two_nodes[0], TODAY, missing=1)
    response = _client(make_user("admin")).get("/monitor/logs/export.xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "日志日期" and len(rows) == 2 and rows[1][6] == "1"


def test_county_sees_its_own_sent_logs(make_user, districts):
    DailyLog.objects.create(region_code="340121", day=TODAY, xml=b"<AccessLogs/>", signature="0" * 128)
    DailyLog.objects.create(region_code="340122", day=TODAY, xml=b"<AccessLogs/>", signature="0" * 128)
    html = _client(make_user("admin")).get("/monitor/logs/").content.decode()
    assert "没有符合条件的登簿日志" in html and "本节点生成/上报的登簿日志" in html
    assert html.count("已生成") == 1
