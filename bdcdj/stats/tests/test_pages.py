"""Statistics pages: permission, dashboard with chart data, drill-down tables, XLSX export."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from bdcdj.accounts.models import AuditLog
from bdcdj.stats.tests.test_selectors import dataset  # noqa: F401

pytestmark = pytest.mark.django_db
NOV = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def leader_client(client, make_user):
    client.force_login(make_user("leader1", "leader"))
    return client


def test_pages_need_the_statistics_permission(client, clerk, districts):
    client.force_login(clerk)
    assert client.get("/stats/").status_code == 403
    assert client.get("/stats/r/completion/").status_code == 403
    assert client.get("/stats/r/completion/export.xlsx").status_code == 403


def test_dashboard_shows_tiles_and_chart_data(leader_client, dataset):  # noqa: F811
    page = leader_client.get("/stats/", NOV).content.decode()
    assert 'data-testid="tile-received">3<' in page and "vendor/echarts/echarts.min.js" in page
    island = page.split('id="stats-chart" type="application/json">')[1].split("</script>")[0]
    chart = json.loads(island)
    assert chart["months"] == ["2026-11"] and chart["received"] == [3]
    assert sorted(chart["on_time"]) == [0, 1] and sorted(chart["late"]) == [0, 1]
    assert "/stats/r/completion/?start=2026-11-01" in page


def test_empty_range_and_bad_range(leader_client, districts):
    page = leader_client.get("/stats/", {"start": "2001-01-01", "end": "2001-01-31"}).content.decode()
    assert "该区间没有收件" in page and "stats-chart" not in page
    assert "该区间没有数据" in leader_client.get("/stats/r/fees/", NOV).content.decode()
    bad = leader_client.get("/stats/", {"start": "2026-12-01", "end": "2026-11-01"})
    assert bad.status_code == 400 and "开始日期不能晚于结束日期" in bad.content.decode()
    assert leader_client.get("/stats/", {"start": "yesterday"}).status_code == 400
    assert leader_client.get("/stats/r/nope/").status_code == 404


def test_drill_down_table_sorts_and_pages(leader_client, dataset):  # noqa: F811
    body = leader_client.get("/stats/r/completion/", {**NOV, "sort": "-rate"}).content.decode()
    assert body.index("100.0") < body.index("<td>0.0</td>")
    assert "sort=rate" in body  # clicking the sorted column reverses it
    body = leader_client.get("/stats/r/completion/", {**NOV, "sort": "rate"}).content.decode()
    assert body.index("<td>0.0</td>") < body.index("100.0")
    partial = leader_client.get("/stats/r/completion/", NOV, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="report"' in partial


def test_xlsx_export_has_the_table_in_the_shown_order_and_is_audited(leader_client, dataset):  # noqa: F811
    response = leader_client.get("/stats/r/completion/export.xlsx", {**NOV, "sort": "-rate"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["业务类型", "法定时限（工作日）", "办结", "按时办结", "超期办结", "按时率（%）"]
    assert rows[1] == ["国有建设用地使用权及房屋所有权转移登记（买卖）", "5", "1", "1", "0", "100.0"]
    assert rows[2][1:] == ["1", "1", "0", "1", "0.0"]
    entry = AuditLog.objects.get(action="stats.export")
    assert (
        entry.object_id == "completion"
        and entry.detail["rows"] == 2
        and entry.detail["regions"] == ["340121"]
    )
