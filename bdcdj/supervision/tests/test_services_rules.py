"""Each integrity rule fires on a crafted case and stays quiet on a clean one; alerts are
deduplicated per rule and subject; settings change what the rules see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bdcdj.accounts.models import AuditLog
from bdcdj.accounts.services import audit_record
from bdcdj.cases.models import CaseStatus, EventKind
from bdcdj.core.errors import InvalidInput
from bdcdj.supervision.models import Alert, RuleSetting
from bdcdj.supervision.services import rule_setting_update, rules_run
from bdcdj.supervision.tests.factories import REGION, approve, at, event, fee, voided_versions

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 20, 15)  # a Friday, working day


def _alerts(rule: str) -> list[Alert]:
    return list(Alert.objects.filter(rule_code=rule).order_by("id"))


def test_overdue_case_raises_an_alert_and_a_case_within_its_limit_does_not(make_case):
    late = make_case(accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9))
    make_case(accepted_at=at(2026, 11, 18), deadline=dt.date(2026, 11, 25))
    make_case(accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9), completed_at=at(2026, 11, 6))
    result = rules_run(codes=["case_overdue"], now=NOW)
    [alert] = _alerts("case_overdue")
    assert result.created == 1 and alert.case_id == late.pk and alert.severity == "high"
    assert alert.detail["late_workdays"] == 9 and alert.region_code == REGION


def test_suspended_case_past_its_deadline_is_not_overdue(make_case):
    make_case(accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9), status=CaseStatus.SUSPENDED)
    assert rules_run(codes=["case_overdue"], now=NOW).created == 0


def test_registration_on_a_saturday_or_at_night_is_flagged_but_not_in_office_hours(make_case, reviewer):
    weekend, night, daytime = make_case(), make_case(), make_case()
    event(weekend, EventKind.REGISTERED, reviewer, at(2026, 11, 14, 10))  # Saturday
    event(night, EventKind.REGISTERED, reviewer, at(2026, 11, 18, 21, 30))
    event(daytime, EventKind.REGISTERED, reviewer, at(2026, 11, 18, 10))
    rules_run(codes=["register_after_hours"], now=NOW)
    flagged = {a.case_id: a for a in _alerts("register_after_hours")}
    assert set(flagged) == {weekend.pk, night.pk}
    assert "非工作日" in flagged[weekend.pk].message and flagged[night.pk].staff_id == reviewer.pk


def test_adjusted_working_saturday_counts_as_a_working_day(make_case, reviewer):
    case = make_case()
    event(case, EventKind.REGISTERED, reviewer, at(2026, 10, 10, 10))  # a Saturday
    from bdcdj.core.models import CalendarOverride

    CalendarOverride.objects.create(day=dt.date(2026, 10, 10), is_workday=True, name="调休上班")
    assert rules_run(codes=["register_after_hours"], now=at(2026, 10, 12, 9)).created == 0


def test_approving_a_case_one_accepted_oneself_is_flagged(make_case, clerk, reviewer):
    mine, proper = make_case(), make_case()
    event(mine, EventKind.ACCEPTED, clerk, at(2026, 11, 18, 9))
    approve(mine, clerk, at(2026, 11, 18, 11))
    event(proper, EventKind.ACCEPTED, clerk, at(2026, 11, 18, 9))
    approve(proper, reviewer, at(2026, 11, 18, 11))
    rules_run(codes=["self_approval"], now=NOW)
    [alert] = _alerts("self_approval")
    assert alert.case_id == mine.pk and alert.staff_id == clerk.pk


def test_the_system_user_of_automatic_review_is_not_flagged(make_case, make_user):
    machine = make_user("system-340121", "clerk", "reviewer")
    machine.set_unusable_password()
    machine.save(update_fields=["password"])
    case = make_case()
    event(case, EventKind.ACCEPTED, machine, at(2026, 11, 18, 9))
    approve(case, machine, at(2026, 11, 18, 9, 1))
    assert rules_run(codes=["self_approval"], now=NOW).created == 0


def _queries(monkeypatch, user, moment: dt.datetime, n: int) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for _ in range(n):
        audit_record(actor=user, action="register.owner_search", object_type="register.unit")
    monkeypatch.undo()


def test_query_volume_above_the_daily_threshold_is_flagged(monkeypatch, reviewer, clerk, make_user):
    admin = make_user("boss", "admin")
    rule_setting_update(
        code="query_volume", enabled=True, severity="medium", params={"daily_threshold": "5"}, by=admin
    )
    _queries(monkeypatch, reviewer, at(2026, 11, 20, 9), 6)
    _queries(monkeypatch, clerk, at(2026, 11, 20, 9), 5)
    rules_run(codes=["query_volume"], now=NOW)
    [alert] = _alerts("query_volume")
    assert alert.staff_id == reviewer.pk and alert.subject_key == f"staff:{reviewer.pk}:2026-11-20"
    assert alert.detail["count"] == 6


def test_query_volume_far_above_ones_own_baseline_is_flagged(monkeypatch, reviewer):
    for day in range(10, 20):
        _queries(monkeypatch, reviewer, at(2026, 11, day, 9), 2)
    _queries(monkeypatch, reviewer, at(2026, 11, 20, 9), 12)  # below the default 50/day
    rules_run(codes=["query_volume"], now=NOW)
    [alert] = _alerts("query_volume")
    assert alert.detail["z"] >= 3 and "异常值" in alert.message


def test_steady_query_volume_is_not_flagged(monkeypatch, reviewer):
    for day in range(10, 21):
        _queries(monkeypatch, reviewer, at(2026, 11, day, 9), 3)
    assert rules_run(codes=["query_volume"], now=NOW).created == 0
    assert AuditLog.objects.filter(action="register.owner_search").count() == 33


def test_large_fee_waiver_is_flagged_small_or_unwaived_ones_are_not(make_case, clerk):
    big, small, paid = (make_case(accepted_at=at(2026, 11, 18)) for _ in range(3))
    fee(big, "550.00", waived=True, by=clerk)
    fee(small, "80.00", waived=True, by=clerk)
    fee(paid, "550.00", waived=False)
    rules_run(codes=["fee_waiver"], now=NOW)
    [alert] = _alerts("fee_waiver")
    assert alert.case_id == big.pk and alert.detail["amount"] == "550.00" and alert.staff_id == clerk.pk


def test_certificate_number_voided_twice_is_flagged(make_case, clerk):
    voided_versions(make_case(), "皖(2026)长丰县不动产权第0000001号", 2, clerk, at(2026, 11, 10))
    voided_versions(make_case(), "皖(2026)长丰县不动产权第0000002号", 1, clerk, at(2026, 11, 10))
    rules_run(codes=["cert_void_repeated"], now=NOW)
    [alert] = _alerts("cert_void_repeated")
    assert alert.subject_key == "cert:皖(2026)长丰县不动产权第0000001号" and alert.detail["voids"] == 2


def test_a_second_run_does_not_duplicate_the_alert_but_refreshes_it(make_case):
    make_case(accepted_at=at(2026, 11, 2), deadline=dt.date(2026, 11, 9))
    first = rules_run(codes=["case_overdue"], now=NOW)
    second = rules_run(codes=["case_overdue"], now=NOW + dt.timedelta(hours=1))
    [alert] = _alerts("case_overdue")
    assert (first.created, second.created, second.hits) == (1, 0, 1)
    assert alert.last_seen_at == NOW + dt.timedelta(hours=1) and alert.first_seen_at == NOW
    assert AuditLog.objects.filter(action="supervision.alert_raise").count() == 1


def test_disabled_rule_does_not_run_and_thresholds_are_editable(make_case, clerk, make_user):
    admin = make_user("boss", "admin")
    case = make_case(accepted_at=at(2026, 11, 18))
    fee(case, "300.00", waived=True, by=clerk)
    assert rules_run(codes=["fee_waiver"], now=NOW).created == 0
    rule_setting_update(
        code="fee_waiver", enabled=False, severity="high", params={"min_amount": "200"}, by=admin
    )
    assert rules_run(codes=["fee_waiver"], now=NOW).created == 0
    rule_setting_update(
        code="fee_waiver", enabled=True, severity="high", params={"min_amount": "200"}, by=admin
    )
    assert rules_run(codes=["fee_waiver"], now=NOW).created == 1
    assert _alerts("fee_waiver")[0].severity == "high"
    assert AuditLog.objects.filter(action="supervision.rule_update", object_id="fee_waiver").count() == 2


def test_invalid_parameters_are_refused_with_field_messages(make_user):
    admin = make_user("boss", "admin")
    with pytest.raises(InvalidInput) as info:
        rule_setting_update(
            code="register_after_hours",
            enabled=True,
            severity="medium",
            params={"work_start": "18:00", "work_end": "08:00", "lookback_days": "-1"},
            by=admin,
        )
    assert set(info.value.fields) == {"work_end", "lookback_days"}
    assert not RuleSetting.objects.exists()
