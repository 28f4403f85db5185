"""Time limits in working days: 国庆 holiday week, 调休 Saturdays, administrator overrides,
and 补正 suspensions that stop the clock."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bdcdj.cases import clock
from bdcdj.cases.selectors import case_sla, cases_near_deadline, cases_overdue, sla_summary
from bdcdj.cases.services import case_accept, case_request_correction, case_resume
from bdcdj.cases.tests import helpers as h
from bdcdj.core.models import CalendarOverride

pytestmark = pytest.mark.django_db
CHINA = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at(monkeypatch):
    def move(day: date, hour: int = 10) -> None:
        moment = datetime(day.year, day.month, day.day, hour, tzinfo=CHINA)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move


@pytest.fixture
def sale(staff):
    [(unit, _)] = h.titled_house(staff.registrar)
    case = h.new_case(
        staff,
        "house_transfer_sale",
        [unit.code],
        [h.BUYER.party("holder"), h.SELLER.party("obligor")],
        {"price": "90"},
    )
    h.add_required_materials(case, staff.clerk)
    return case


def test_national_day_week_does_not_count(staff, sale, at):
    at(date(2025, 9, 30))  # Tuesday before 国庆 (10-01..10-08 off, Saturday 10-11 worked)
    case = case_accept(case=sale, by=staff.clerk)
    # 10-09, 10-10, 10-11 (调休), 10-13, 10-14
    assert case.deadline == date(2025, 10, 14)
    at(date(2025, 10, 8))
    assert case_sla(case) == (0, 5, 5)
    at(date(2025, 10, 11))
    assert case_sla(case) == (3, 2, 5)
    assert "受理通知书" in case.notices.get().get_kind_display()


def test_suspension_for_correction_extends_the_deadline(staff, sale, at):
    at(date(2025, 9, 30))
    case = case_accept(case=sale, by=staff.clerk)
    at(date(2025, 10, 9))
    case = case_request_correction(case=case, by=staff.clerk, items=["补充婚姻状况证明"])
    assert case.status == "3" and case.notices.filter(kind="correction").get().items == ["补充婚姻状况证明"]
    at(date(2025, 10, 12))
    assert case_sla(case) == (1, 4, 5)  # frozen at 10-09 while suspended
    at(date(2025, 10, 13))
    case = case_resume(case=case, by=staff.clerk)
    # suspended working days: 10-10, 10-11 (调休), 10-13
    assert case.suspended_workdays == 3 and case.status == "1"
    assert case.deadline == date(2025, 10, 17)
    at(date(2025, 10, 15))
    assert case_sla(case) == (3, 2, 5)


def test_administrator_override_adds_a_local_closure(staff, sale, at):
    CalendarOverride.objects.create(day=date(2025, 10, 10), is_workday=False, name="系统升级停办")
    at(date(2025, 9, 30))
    case = case_accept(case=sale, by=staff.clerk)
    assert case.deadline == date(2025, 10, 15)


def test_near_deadline_and_overdue_lists(staff, sale, at):
    at(date(2025, 9, 30))
    case = case_accept(case=sale, by=staff.clerk)
    at(date(2025, 10, 9))
    assert cases_near_deadline(user=staff.clerk) == [] and cases_overdue(user=staff.clerk) == []
    at(date(2025, 10, 13))
    assert cases_near_deadline(user=staff.clerk) == [case]
    assert cases_near_deadline(user=staff.clerk, within_workdays=0) == []
    at(date(2025, 10, 15))
    assert cases_overdue(user=staff.clerk) == [case] and case_sla(case) == (6, -1, 5)
    summary = sla_summary(user=staff.clerk)
    assert summary.overdue == 1 and summary.by_stage == {"accepted": 1}


def test_suspended_cases_are_not_overdue(staff, sale, at):
    at(date(2025, 9, 30))
    case = case_accept(case=sale, by=staff.clerk)
    case_request_correction(case=case, by=staff.clerk, items=["补充材料"])
    at(date(2025, 11, 3))
    assert cases_overdue(user=staff.clerk) == []
    assert sla_summary(user=staff.clerk).suspended == 1


def test_other_districts_cases_are_not_in_the_lists(staff, sale, at, outsider):
    at(date(2025, 9, 30))
    case_accept(case=sale, by=staff.clerk)
    at(date(2025, 11, 3))
    assert cases_overdue(user=outsider) == []
