"""A department outage: the case's check waits visibly and completes once the department is back."""

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from bdcdj.cases.services import case_create
from bdcdj.sharing.models import SharingCheck
from bdcdj.sharing.services import check, check_retry
from bdcdj.sharing.services.checks import backoff_seconds
from bdcdj.sharing.tests.conftest import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(demo):
    name, number = demo.holders[0]
    return case_create(
        region_code="340121",
        business_type="seizure",
        unit_codes=[demo.unit_code],
        parties=[{"role": "seized_person", "name": name, "id_type": "1", "id_number": number}],
        data={
            "authority": "长丰县人民法院",
            "document_number": "（2026）皖0121执1号",
            "seizure_kind": "1",
            "start": "2026-01-01",
            "end": "2029-01-01",
            "scope": "全部",
        },
        by=demo_user("clerk"),
    )


def test_outage_leaves_the_check_pending_then_it_completes(
    sim, demo, case, django_capture_on_commit_callbacks
):
    name, number = demo.holders[0]
    sim.control("outage", {"down": True})
    with django_capture_on_commit_callbacks(execute=True):
        outcome = check(
            kind="identity.id_card", params={"name": name, "id_number": number}, operator="clerk", case=case
        )
    assert outcome.status == "pending"
    assert outcome.message == "等待部门核验，已重试 0 次"
    row = SharingCheck.objects.get(pk=outcome.check_id)
    assert row.case == case and row.attempts == 1 and "503" in row.last_error
    task = DBTaskResult.objects.filter(task_path__endswith="sharing_check_retry").latest("enqueued_at")
    assert task.args_kwargs["args"] == [row.pk] and task.run_after is not None

    client = Client()
    client.force_login(demo_user("reviewer"))
    panel = client.get(f"/sharing/cases/{case.pk}/checks").content.decode()
    assert "等待部门核验，已重试 0 次" in panel

    with django_capture_on_commit_callbacks(execute=True):
        again = check_retry(check_id=row.pk)
    assert again.status == "pending" and again.message == "等待部门核验，已重试 1 次"
    assert "已重试 1 次" in client.get(f"/sharing/cases/{case.pk}/checks").content.decode()

    sim.control("outage", {"down": False})
    done = check_retry(check_id=row.pk)
    assert done.status == "ok"
    row.refresh_from_db()
    assert row.attempts == 3 and row.completed_at is not None
    assert check_retry(check_id=row.pk).status == "ok"  # a late duplicate task changes nothing
    assert "全部核验一致" in client.get(f"/sharing/cases/{case.pk}/checks").content.decode()


def test_without_a_case_an_outage_answers_unavailable_at_once(sim, demo):
    name, number = demo.holders[0]
    sim.control("outage", {"seconds": 60})
    outcome = check(
        kind="identity.id_card", params={"name": name, "id_number": number}, operator="portal:139****0000"
    )
    assert outcome.status == "unavailable"
    assert SharingCheck.objects.get(pk=outcome.check_id).status == "unavailable"


def test_a_slow_department_times_out_into_pending(sim, demo, case):
    from bdcdj.sharing.models import Department

    Department.objects.filter(code="police").update(timeout_seconds=1)
    sim.control("latency", {"ms": 2500})
    name, number = demo.holders[0]
    outcome = check(
        kind="identity.id_card", params={"name": name, "id_number": number}, operator="clerk", case=case
    )
    assert outcome.status == "pending"
    assert SharingCheck.objects.get(pk=outcome.check_id).last_error == "部门接口超时"


def test_backoff_grows_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [10, 20, 40]
    assert backoff_seconds(30) == 600


def test_disabled_interface_is_unavailable_and_makes_no_call(sim, demo):
    from bdcdj.sharing.models import Interface

    Interface.objects.filter(kind="info.place_name").update(enabled=False)
    before = sim.control("stats")["calls"].get("info.place_name", 0)
    outcome = check(kind="info.place_name", params={"name": "双凤大道"}, operator="clerk")
    assert outcome.status == "unavailable" and "未启用" in outcome.message
    assert sim.control("stats")["calls"].get("info.place_name", 0) == before
