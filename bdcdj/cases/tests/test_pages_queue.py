"""The work queue and the time-limit dashboard: tabs per role, search (ID numbers only by
POST), sorting, pagination, XLSX export, SLA badges and empty states."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from openpyxl import load_workbook

from bdcdj.cases import clock
from bdcdj.cases.services import case_accept
from bdcdj.cases.tests import helpers as h

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")
SALE_PARTIES = [h.BUYER.party("holder"), h.SELLER.party("obligor")]


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    return make


def _sales(staff, count: int):
    units = h.titled_house(staff.registrar, households=count)
    return [
        h.new_case(staff, "house_transfer_sale", [u.code], SALE_PARTIES, {"price": "90"}) for u, _ in units
    ]


def _tabs(html: str) -> list[str]:
    start = html.index('aria-label="工作队列"')
    return re.findall(r">([^<]+)</a>", html[start : html.index("</nav>", start)])


def test_each_role_sees_only_the_queues_it_may_work(staff, login):
    clerk = login(staff.clerk).get("/cases/").content.decode()
    reviewer = login(staff.reviewer).get("/cases/").content.decode()
    registrar = login(staff.registrar).get("/cases/").content.decode()
    assert _tabs(clerk) == ["受理", "缮证", "发证", "归档", "全部"]
    assert _tabs(reviewer) == ["审核", "全部"]
    assert _tabs(registrar) == ["登簿", "全部"]
    assert "收件</a>" in clerk and "收件</a>" not in reviewer


def test_queue_lists_its_cases_with_the_time_limit_badge(staff, login):
    waiting, accepted = _sales(staff, 2)
    h.add_required_materials(accepted, staff.clerk)
    case_accept(case=accepted, by=staff.clerk)
    clerk = login(staff.clerk).get("/cases/?queue=accept").content.decode()
    assert waiting.number in clerk and accepted.number not in clerk and "未受理" in clerk
    reviewer = login(staff.reviewer).get("/cases/").content.decode()
    assert accepted.number in reviewer and "剩余 5 个工作日" in reviewer


def test_queue_is_paginated_and_sorted(staff, login):
    cases = _sales(staff, 23)
    client = login(staff.clerk)
    first = client.get("/cases/?queue=accept&order=number").content.decode()
    assert first.count('data-testid="case-link"') == 20 and "共 23 件，第 1 / 2 页" in first
    assert first.index(cases[0].number) < first.index(cases[1].number)
    second = client.get("/cases/?queue=accept&order=number&page=2").content.decode()
    assert second.count('data-testid="case-link"') == 3 and cases[-1].number in second
    newest = client.get("/cases/?queue=accept&order=-created").content.decode()
    assert newest.index(cases[-1].number) < newest.index(cases[-2].number)


def test_htmx_gets_only_the_results(staff, login):
    _sales(staff, 1)
    response = login(staff.clerk).get("/cases/?queue=accept", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'data-testid="case-link"' in html


def test_search_by_number_and_by_id_number_through_post(staff, login):
    first, second = _sales(staff, 2)
    client = login(staff.clerk)
    found = client.get(f"/cases/?queue=all&q={first.number}").content.decode()
    assert first.number in found and second.number not in found
    by_id = client.post("/cases/", {"queue": "all", "id_number": h.BUYER.id_number}).content.decode()
    assert first.number in by_id and second.number in by_id
    assert h.BUYER.id_number in by_id  # kept only in the POST form of the export, never a link
    assert f"id_number={h.BUYER.id_number}" not in by_id
    nothing = client.post("/cases/", {"queue": "all", "id_number": h.HEIR.id_number}).content.decode()
    assert 'data-testid="queue-empty"' in nothing and "没有符合检索条件的业务" in nothing


def test_export_gives_the_filtered_list_as_xlsx(staff, login):
    cases = _sales(staff, 3)
    client = login(staff.clerk)
    response = client.get("/cases/export.xlsx?queue=accept&order=number")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "业务号" and [r[0] for r in rows[1:]] == [c.number for c in cases]
    posted = client.post("/cases/export.xlsx", {"queue": "all", "id_number": h.BUYER.id_number})
    assert len(list(load_workbook(io.BytesIO(posted.content)).active.iter_rows())) == 4


def test_empty_queue_says_so(staff, login):
    html = login(staff.registrar).get("/cases/").content.decode()
    assert "本队列暂无待办业务" in html


def test_people_without_a_cases_page_are_refused(make_user, login):
    inquirer = make_user("inquirer1", roles=("inquirer",))
    response = login(inquirer).get("/cases/")
    assert response.status_code == 403 and "没有查看登记业务的权限" in response.content.decode()
    assert login(inquirer).get("/cases/sla/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, districts):
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_sla_dashboard_counts_and_lists_overdue_cases(staff, login, monkeypatch):
    late, fresh = _sales(staff, 2)
    long_ago = datetime.now(tz=CHINA) - timedelta(days=30)
    for case in (late, fresh):
        h.add_required_materials(case, staff.clerk)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    case_accept(case=late, by=staff.clerk)
    monkeypatch.undo()
    case_accept(case=fresh, by=staff.clerk)
    client = login(staff.reviewer)
    html = client.get("/cases/sla/").content.decode()
    assert 'data-testid="sla-overdue">1<' in html and 'data-testid="sla-running">2<' in html
    overdue = html[html.index('data-testid="overdue-list"') : html.index('data-testid="near-list"')]
    assert late.number in overdue and fresh.number not in overdue and "已超期" in overdue
    queue = client.get("/cases/?queue=review").content.decode()
    assert "已超期" in queue and "剩余 5 个工作日" in queue
    export = client.get("/cases/sla/export.xlsx?list=overdue")
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [late.number]
    searched = client.get(f"/cases/sla/?q={fresh.number}").content.decode()
    assert "没有超期的业务" in searched


def test_sla_dashboard_of_an_empty_district(staff, login):
    html = login(staff.clerk).get("/cases/sla/").content.decode()
    assert "没有超期的业务" in html and "近期没有到期的业务" in html and "暂无在办业务" in html


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "-1", "abc", ""])
def test_odd_page_numbers_and_orders_never_break_the_queue(staff, login, raw):
    client = login(staff.clerk)
    assert client.get("/cases/", {"page": raw, "order": raw, "queue": raw}).status_code == 200
    assert client.get("/cases/sla/", {"within": raw, "near_page": raw}).status_code == 200


def test_a_missing_case_is_a_404_fragment_for_htmx(staff, login):
    response = login(staff.clerk).get("/cases/999999/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 404 and "<html" not in html and 'role="alert"' in html
