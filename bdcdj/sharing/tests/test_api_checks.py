"""The staff API and pages: run and list a case's checks, district isolation, bad input."""

import pytest
from django.test import Client

from bdcdj.cases.services import case_create
from bdcdj.sharing.services import planned_checks
from bdcdj.sharing.tests.conftest import demo_user

pytestmark = pytest.mark.django_db
API = "/api/sharing/v1"


@pytest.fixture
def transfer(demo):
    """A sale to the demo's joint owners' neighbours: joint buyers, so marriage is checked too."""
    (a_name, a_id), (b_name, b_id) = demo.holders[:2]
    return case_create(
        region_code="340121",
        business_type="house_transfer_sale",
        unit_codes=[demo.unit_code],
        parties=[
            {"role": "holder", "name": a_name, "id_type": "1", "id_number": a_id},
            {"role": "holder", "name": b_name, "id_type": "1", "id_number": b_id},
            {"role": "obligor", "name": a_name, "id_type": "1", "id_number": a_id},
        ],
        data={"co_ownership": "1", "price": "120"},
        by=demo_user("clerk"),
    )


def _client(username: str) -> Client:
    client = Client()
    client.force_login(demo_user(username))
    return client


def test_transfer_plans_identity_marriage_and_tax(transfer):
    kinds = [kind for kind, _ in planned_checks(transfer)]
    assert kinds.count("identity.id_card") == 3
    assert kinds.count("info.marriage") == 2
    assert kinds.count("collab.tax_status") == 1


def test_staff_runs_the_case_checks_and_lists_them(sim, transfer):
    client = _client("reviewer")
    response = client.post(f"{API}/cases/{transfer.pk}/checks", {}, content_type="application/json")
    assert response.status_code == 200, response.json()
    rows = response.json()
    assert {r["kind"] for r in rows} == {"identity.id_card", "info.marriage", "collab.tax_status"}
    assert all(r["status"] in {"ok", "mismatch"} for r in rows)
    identity = [r for r in rows if r["kind"] == "identity.id_card"]
    assert all(r["status"] == "ok" and "*" in r["subject"] for r in identity)
    listed = client.get(f"{API}/cases/{transfer.pk}/checks").json()
    assert len(listed) == len(rows)
    assert all(transfer.parties.first().id_masked != r["subject"] or "*" in r["subject"] for r in listed)


def test_one_named_check_for_a_case(sim, transfer):
    response = _client("clerk").post(
        f"{API}/cases/{transfer.pk}/checks",
        {"kind": "info.place_name", "params": {"name": "双凤大道"}},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()[0]["status"] == "ok"


@pytest.mark.parametrize(
    ("payload", "status", "text"),
    [
        ({"kind": "identity.passport", "params": {}}, 400, "不支持的核验类型"),
        ({"kind": "identity.id_card", "params": {"name": "张三"}}, 400, "必填"),
        (
            {"kind": "identity.id_card", "params": {"name": "张三", "id_number": "1" * 300}},
            400,
            "长度超出限制",
        ),
        ({"kind": "identity.id_card", "params": "不是对象"}, 422, "格式有误"),
    ],
)
def test_bad_input_gets_4xx_in_chinese(sim, transfer, payload, status, text):
    response = _client("clerk").post(
        f"{API}/cases/{transfer.pk}/checks", payload, content_type="application/json"
    )
    assert response.status_code == status
    assert text in str(response.json())


def test_another_district_cannot_see_or_run_a_case_checks(sim, transfer):
    from bdcdj.accounts.services import user_create

    _client("reviewer").post(f"{API}/cases/{transfer.pk}/checks", {}, content_type="application/json")
    neighbour = user_create(
        username="feixi-reviewer",
        password="Qz7#mountain-Lake-2026",
        display_name="肥西县审核员",
        organisation=None,
        roles=["reviewer"],
        region_codes=["340122"],
    )
    other = Client()
    other.force_login(neighbour)
    listed = other.get(f"{API}/cases/{transfer.pk}/checks")
    assert listed.status_code == 404 and listed.json()["message"].startswith("未找到业务")
    assert (
        other.post(f"{API}/cases/{transfer.pk}/checks", {}, content_type="application/json").status_code
        == 404
    )
    panel = other.get(f"/sharing/cases/{transfer.pk}/checks")
    assert (
        panel.status_code == 404
        and "共享核验" in panel.content.decode()
        and "一致" not in panel.content.decode()
    )
    assert _client("other").get(f"{API}/cases/{transfer.pk}/checks").status_code in {403, 404}


def test_anonymous_api_is_401(transfer):
    assert Client().get(f"{API}/cases/{transfer.pk}/checks").status_code == 401


def test_panel_shows_summary_and_run_button(sim, transfer):
    client = _client("reviewer")
    empty = client.get(f"/sharing/cases/{transfer.pk}/checks").content.decode()
    assert "尚未核验" in empty and "运行相关核验" in empty
    ran = client.post(f"/sharing/cases/{transfer.pk}/checks/run").content.decode()
    assert "身份证核验" in ran and "婚姻登记信息" in ran and "完税状态" in ran
    inquirer_panel = _client("inquirer").get(f"/sharing/cases/{transfer.pk}/checks")
    assert inquirer_panel.status_code in {403, 404}


def test_case_page_loads_the_panel(sim, transfer):
    page = _client("reviewer").get(f"/cases/{transfer.pk}/").content.decode()
    assert f"/sharing/cases/{transfer.pk}/checks" in page


def test_interface_page_and_test_connection(sim, demo):
    admin = _client("admin")
    page = admin.get("/sharing/interfaces/?days=30").content.decode()
    assert "公安" in page and "总对总" in page and "测试连接" in page and "近 30 天" in page
    from bdcdj.sharing.models import Interface

    interface = Interface.objects.get(kind="identity.id_card")
    response = admin.post(f"/sharing/interfaces/{interface.pk}/test", {"days": "7"}, follow=True)
    assert "连接正常" in response.content.decode()
    sim.control("outage", {"down": True})
    response = admin.post(f"/sharing/interfaces/{interface.pk}/test", {"days": "7"}, follow=True)
    assert "连接失败" in response.content.decode()
    page = admin.get("/sharing/interfaces/").content.decode()
    assert "ms" in page  # latency of the successful probe
    assert _client("inquirer").get("/sharing/interfaces/").status_code == 403
    reviewer = _client("reviewer")
    assert reviewer.get("/sharing/interfaces/").status_code == 200
    assert reviewer.post(f"/sharing/interfaces/{interface.pk}/test").status_code == 403
