"""Pages: navigation by page permission, task creation form, dashboard, inbox A/B actions."""

from __future__ import annotations

import pytest
from django.test import Client

from bdcdj.accounts.selectors import page_level
from bdcdj.console.nav import visible_nav
from bdcdj.demo.dataset import REGION
from bdcdj.precise.models import InboxStatus, InboxTask, QueryTask
from bdcdj.precise.services import task_receive
from bdcdj.precise.tests.conftest import PERSON_ID
from bdcdj.precise.tests.helpers import post, result_envelope, task_envelope

pytestmark = pytest.mark.django_db


def _links(user) -> set[str]:
    from bdcdj.accounts.pages import PAGES

    pages = {p: lvl for p in PAGES if (lvl := page_level(user=user, page=p))}
    return {link.label for group in visible_nav(pages=pages, is_staff=False) for link in group.links}


def test_navigation_shows_each_post_its_pages(national_user, post_a, post_b):
    assert "精准查询任务" in _links(national_user) and "精准查询待办" not in _links(national_user)
    assert "精准查询待办" in _links(post_a) and "精准查询任务" not in _links(post_a)
    assert "精准查询待办" in _links(post_b)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_task_form_creates_a_task_and_shows_errors_in_chinese(sides, endpoints, national_user):
    client = _client(national_user)
    data = {
        "authority": "某市中级人民法院",
        "legal_basis": "",
        "purpose": "执行查控",
        "target_kind": "person",
        "target_id": PERSON_ID,
        "deadline_days": "16",
        "all_counties": "on",
    }
    with sides.national():
        refused = client.post("/precise/tasks/new/", data)
        assert refused.status_code == 400
        assert "15" in refused.content.decode() and not QueryTask.objects.exists()
        fixed = {**data, "legal_basis": "《民事诉讼法》", "deadline_days": "7"}
        created = client.post("/precise/tasks/new/", fixed)
    task = QueryTask.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/precise/tasks/{task.pk}/"
    page = client.get(created["Location"]).content.decode()
    assert task.serial in page and PERSON_ID not in page and "1101**********002X" in page


def test_dashboard_shows_on_time_rate_per_county(sides, endpoints, national_user):
    with sides.national():
        client = _client(national_user)
        client.post(
            "/precise/tasks/new/",
            {
                "authority": "法院",
                "legal_basis": "《民事诉讼法》",
                "purpose": "查控",
                "target_kind": "person",
                "target_id": PERSON_ID,
                "deadline_days": "7",
                "all_counties": "on",
            },
        )
        task = QueryTask.objects.get()
        assert post(Client(), "/results", result_envelope(task.serial, [])).status_code == 200
        page = client.get("/precise/dashboard/").content.decode()
        detail = client.get(f"/precise/tasks/{task.pk}/?results=1").content.decode()
    row = page.split("340121 长丰县</td>", 1)[1].split("</tr>", 1)[0]
    assert "100.0%" in row
    assert 'id="precise-chart"' in page and "vendor/echarts/echarts.min.js" in page
    assert "按时" in detail and "1 / 2" in detail
    assert "该节点登记簿中没有查询对象的现势权利。" in detail  # the county answered "no record"


def test_inbox_pages_walk_a_task_through_both_posts(sides, demo, post_a, post_b):
    with sides.county():
        task = task_receive(raw=task_envelope())
        a, b = _client(post_a), _client(post_b)
        assert "检索本地登记簿" in a.get(f"/precise/inbox/{task.pk}/").content.decode()
        assert b.post(f"/precise/inbox/{task.pk}/prepare").status_code == 403
        a.post(f"/precise/inbox/{task.pk}/prepare")
        assert InboxTask.objects.get().status == InboxStatus.PREPARED
        assert a.post(f"/precise/inbox/{task.pk}/send").status_code == 403
        b.post(f"/precise/inbox/{task.pk}/send")
    task.refresh_from_db()
    assert task.status == InboxStatus.SENT and task.reviewed_by == post_b and task.prepared_by == post_a
    assert "只有国家级节点能够解密" in b.get(f"/precise/inbox/{task.pk}/").content.decode()


def test_other_district_cannot_open_the_task(sides, make_user):
    with sides.county():
        task = task_receive(raw=task_envelope())
    other = make_user("other-b", roles=("inquiry_b",), regions=("340122",))
    assert _client(other).get(f"/precise/inbox/{task.pk}/").status_code == 404
    assert task.region_code == REGION
