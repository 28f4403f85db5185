"""National side: task creation rules (legal basis, deadline ≤ 15 working days), results
received once and readable only here, retries and the pull fallback, on-time rates."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from bdcdj.core.errors import InvalidInput, NotFound
from bdcdj.core.workdays import add_workdays
from bdcdj.demo.dataset import OTHER_REGION, REGION
from bdcdj.precise import envelope
from bdcdj.precise.models import Assignment, AssignmentStatus, InboxTask, QueryLog, QueryTask
from bdcdj.precise.selectors import node_rates, task_results
from bdcdj.precise.services import (
    MAX_DEADLINE_DAYS,
    deliver_due,
    pull_answer,
    task_create,
    task_receive,
)
from bdcdj.precise.tests.conftest import COUNTY_KEY, NATIONAL, OTHER_KEY, PERSON_ID
from bdcdj.precise.tests.helpers import post, result_envelope

pytestmark = pytest.mark.django_db

UNIT = {"unit_code": "340121001001GB00001F00010001", "location": "双凤大道88号1幢101", "restrictions": []}


def _create(sides, user, **changes) -> QueryTask:
    fields = {
        "authority": "某市中级人民法院",
        "legal_basis": "《民事诉讼法》第二百五十三条",
        "purpose": "执行查控",
        "target_kind": "person",
        "target_id": PERSON_ID,
    }
    fields.update(changes)
    with sides.national():
        return task_create(by=user, **fields)


def test_task_goes_to_every_active_county_with_a_working_day_deadline(sides, endpoints, national_user):
    task = _create(sides, national_user)
    assert sorted(task.assignments.values_list("region_code", flat=True)) == [REGION, OTHER_REGION]
    expected = add_workdays(timezone.localtime(task.created_at).date(), 7)
    assert timezone.localtime(task.deadline).date() == expected
    assert task.target_masked == "1101**********002X" and PERSON_ID not in task.target_enc
    log = QueryLog.objects.get()
    assert (log.event, log.count, log.task_serial) == ("issued", 2, task.serial)


def test_deadline_is_at_most_fifteen_working_days(sides, endpoints, national_user):
    assert _create(sides, national_user, deadline_days=MAX_DEADLINE_DAYS).deadline_days == 15
    for days in (0, 16):
        with pytest.raises(InvalidInput) as refused:
            _create(sides, national_user, deadline_days=days)
        assert "deadline_days" in refused.value.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [("legal_basis", ""), ("authority", " "), ("purpose", ""), ("target_id", "110105194912310021")],
)
def test_task_without_required_content_is_refused(sides, endpoints, national_user, field, value):
    with pytest.raises(InvalidInput) as refused:
        _create(sides, national_user, **{field: value})
    assert field in refused.value.fields
    assert not QueryTask.objects.exists()


def test_selected_counties_only(sides, endpoints, national_user):
    task = _create(sides, national_user, regions=[OTHER_REGION])
    assert list(task.assignments.values_list("region_code", flat=True)) == [OTHER_REGION]
    with pytest.raises(InvalidInput):
        _create(sides, national_user, regions=["450102"])


def test_result_is_stored_once_and_decrypts_only_here(sides, endpoints, national_user):
    task = _create(sides, national_user)
    raw = result_envelope(task.serial, [UNIT])
    with sides.national():
        assert post(Client(), "/results", raw).status_code == 200
        replay = post(Client(), "/results", raw)
        again = post(Client(), "/results", result_envelope(task.serial, [UNIT]))
        answers = task_results(user=national_user, task=task)
    assert replay.status_code == 409 and replay.json()["code"] == "envelope_replayed"
    assert again.status_code == 409 and again.json()["code"] == "result_duplicate"
    assignment = Assignment.objects.get(task=task, region_code=REGION)
    assert assignment.status == AssignmentStatus.ANSWERED and assignment.unit_count == 1
    assert UNIT["unit_code"].encode() not in bytes(assignment.result_envelope)
    assert [a["units"][0]["unit_code"] for a in answers] == [UNIT["unit_code"]]
    assert not any(UNIT["unit_code"] in json.dumps(row, default=str) for row in QueryLog.objects.values())


def test_result_from_an_unregistered_or_forged_county_is_refused(sides, endpoints, national_user):
    task = _create(sides, national_user)
    with sides.national():
        unknown = post(Client(), "/results", result_envelope(task.serial, [], region="450102"))
        forged = post(Client(), "/results", result_envelope(task.serial, [], key=OTHER_KEY))
        not_assigned = post(Client(), "/results", result_envelope("JQ-NONE", []))
    assert unknown.status_code == 403 and unknown.json()["code"] == "node_unknown"
    assert forged.status_code == 403 and forged.json()["code"] == "signature_invalid"
    assert not_assigned.status_code == 404


def test_results_endpoint_is_closed_on_county_nodes(sides, endpoints, national_user):
    task = _create(sides, national_user)
    with sides.county():
        response = post(Client(), "/results", result_envelope(task.serial, []))
    assert response.status_code == 404 and response.json()["code"] == "not_national"


def test_unreachable_county_is_retried_later_and_can_pull(sides, endpoints, national_user, make_user):
    task = _create(sides, national_user)
    with sides.national():
        report = deliver_due()
    assert report.retried == [f"{task.serial}→{REGION}"] and not report.delivered
    pushed = Assignment.objects.get(task=task, region_code=REGION)
    assert pushed.attempts == 1 and pushed.next_attempt_at > timezone.now() and pushed.last_error
    with sides.national():
        assert deliver_due().retried == []  # not due again yet
    pull = envelope.seal(
        kind="pull",
        sender=REGION,
        recipient=NATIONAL,
        task="",
        payload=None,
        recipient_public_key_hex="",
        signing_key_hex=COUNTY_KEY,
    )
    with sides.national():
        sealed = pull_answer(raw=pull)
    assert len(sealed) == 1
    pushed.refresh_from_db()
    assert (pushed.status, pushed.delivered_via) == (AssignmentStatus.DELIVERED, "pull")
    with sides.county():
        received = task_receive(raw=sealed[0].encode(), via="pull")
    assert received.serial == task.serial and InboxTask.objects.count() == 1


def test_on_time_rate_counts_late_and_overdue_answers(sides, endpoints, national_user):
    early = _create(sides, national_user)
    late = _create(sides, national_user)
    with sides.national():
        post(Client(), "/results", result_envelope(early.serial, [UNIT]))
        QueryTask.objects.filter(pk=late.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
        post(Client(), "/results", result_envelope(late.serial, []))
    rates = {r.region_code: r for r in node_rates(user=national_user)}
    county, other = rates[REGION], rates[OTHER_REGION]
    assert (county.on_time, county.late, county.rate) == (1, 1, 50.0)
    assert (other.answered, other.overdue_open, other.rate) == (0, 1, 0.0)


def test_national_tasks_are_invisible_to_county_users(sides, endpoints, national_user, post_a):
    from bdcdj.precise.selectors import task_get

    task = _create(sides, national_user)
    with pytest.raises(NotFound):
        task_get(user=post_a, task_id=task.pk)
