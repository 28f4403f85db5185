"""Handling alerts: acknowledge and close with a comment, audited, within one's districts; the
event-time check after a real 受理 and 审核 by the same person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from bdcdj.accounts.models import AuditLog
from bdcdj.cases.models import EventKind
from bdcdj.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from bdcdj.supervision.models import Alert, AlertStatus
from bdcdj.supervision.selectors import AlertFilter, alert_counts, alert_get, alerts_list
from bdcdj.supervision.services import alert_acknowledge, alert_close, rules_run
from bdcdj.supervision.tasks import supervision_run_case
from bdcdj.supervision.tests.factories import OTHER, approve, at, event

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 20, 15)


@pytest.fixture
def overdue(make_case):
    """One overdue case in each district, run through the rules."""
    make_case(accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9))
    make_case(region=OTHER, accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9))
    rules_run(codes=["case_overdue"], now=NOW)
    return Alert.objects.get(region_code="340121")


def test_acknowledge_then_close_records_notes_and_audit(overdue, supervisor):
    alert = alert_acknowledge(alert_id=overdue.pk, by=supervisor, comment="  调取案卷核查 ")
    assert alert.status == AlertStatus.ACKNOWLEDGED and alert.handled_by == supervisor
    alert = alert_close(alert_id=overdue.pk, by=supervisor, comment="申请人补充材料延误，已督办")
    _, notes = alert_get(user=supervisor, alert_id=overdue.pk)
    assert alert.status == AlertStatus.CLOSED
    assert [(n.action, n.comment) for n in notes] == [
        ("acknowledge", "调取案卷核查"),
        ("close", "申请人补充材料延误，已督办"),
    ]
    audits = AuditLog.objects.filter(
        object_type="supervision.alert", object_id=str(overdue.pk), actor=supervisor
    )
    assert sorted(audits.values_list("action", flat=True)) == [
        "supervision.alert_acknowledge",
        "supervision.alert_close",
    ]


def test_a_comment_is_required_and_a_closed_alert_cannot_be_handled_again(overdue, supervisor):
    with pytest.raises(InvalidInput):
        alert_close(alert_id=overdue.pk, by=supervisor, comment="   ")
    alert_close(alert_id=overdue.pk, by=supervisor, comment="已核实")
    with pytest.raises(Conflict):
        alert_acknowledge(alert_id=overdue.pk, by=supervisor, comment="再次核查")


def test_a_closed_alert_stays_closed_when_the_rule_finds_the_subject_again(overdue, supervisor):
    alert_close(alert_id=overdue.pk, by=supervisor, comment="已核实")
    assert rules_run(codes=["case_overdue"], now=NOW + dt.timedelta(days=1)).created == 0
    overdue.refresh_from_db()
    assert overdue.status == AlertStatus.CLOSED


def test_alerts_of_another_district_are_neither_listed_nor_handled(overdue, supervisor, other_supervisor):
    assert list(alerts_list(user=supervisor)) == [overdue]
    assert alert_counts(user=other_supervisor)["open"] == 1
    assert overdue not in alerts_list(user=other_supervisor)
    with pytest.raises(NotFound):
        alert_get(user=other_supervisor, alert_id=overdue.pk)
    with pytest.raises(Forbidden):
        alert_close(alert_id=overdue.pk, by=other_supervisor, comment="越权")


def test_read_only_role_cannot_handle_alerts(overdue, make_user):
    leader = make_user("leader1", "leader")
    assert alerts_list(user=leader, filters=AlertFilter(status="open")).count() == 1
    with pytest.raises(Forbidden):
        alert_acknowledge(alert_id=overdue.pk, by=leader, comment="看看")


def test_approval_queues_the_event_time_check(make_case, clerk, django_capture_on_commit_callbacks):
    case = make_case()
    event(case, EventKind.ACCEPTED, clerk, at(2026, 11, 18, 9))
    with django_capture_on_commit_callbacks(execute=True):
        approve(case, clerk, at(2026, 11, 18, 11))
    queued = DBTaskResult.objects.get(task_path="bdcdj.supervision.tasks.supervision_run_case")
    assert queued.args_kwargs["args"] == ["340121", case.pk, ["self_approval"]]
    assert supervision_run_case.call("340121", case.pk, ["self_approval"]) == 1
    assert Alert.objects.get(rule_code="self_approval").case_id == case.pk


def test_command_runs_every_rule_for_the_given_district(make_case, capsys):
    make_case(accepted_at=at(2020, 1, 2), deadline=dt.date(2020, 1, 9))
    call_command("supervision_run", "--region", "340121")
    assert "新预警 1 条" in capsys.readouterr().out
    assert Alert.objects.filter(rule_code="case_overdue").count() == 1


def test_real_acceptance_and_approval_by_one_person_raise_the_alert_at_event_time(
    make_user, django_capture_on_commit_callbacks, settings, tmp_path
):
    from bdcdj.cases.services import case_accept, case_review
    from bdcdj.cases.tests import helpers as h

    settings.MEDIA_ROOT = tmp_path / "media"
    registrar = make_user("registrar1", "registrar")
    both = make_user("both1", "clerk", "reviewer")
    [(unit, _)] = h.titled_house(registrar)
    staff = h.Staff(clerk=both, reviewer=both, registrar=registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )
    h.add_required_materials(case, both)
    case = case_accept(case=case, by=both)
    with django_capture_on_commit_callbacks(execute=True):
        case_review(case=case, by=both, result="1")
    task = DBTaskResult.objects.get(task_path="bdcdj.supervision.tasks.supervision_run_case")
    supervision_run_case.call(*task.args_kwargs["args"])
    alert = Alert.objects.get(rule_code="self_approval")
    assert alert.case_id == case.pk and alert.staff_id == both.pk
