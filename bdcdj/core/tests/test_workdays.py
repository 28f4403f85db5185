import datetime as dt

import pytest

from bdcdj.core.models import CalendarOverride
from bdcdj.core.workdays import add_workdays, is_workday, workdays_between

pytestmark = pytest.mark.django_db


def test_national_day_holiday_is_not_a_workday():
    assert not is_workday(dt.date(2026, 10, 1))


def test_adjusted_saturday_before_national_day_is_a_workday():
    # 2026-09-20 is a Sunday worked in exchange for the National Day week (调休) — check the
    # package's own answer instead of hard-coding a date we might misremember.
    import chinese_calendar

    adjusted = [
        d
        for d in chinese_calendar.get_workdays(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
        if d.weekday() >= 5
    ]
    assert adjusted, "2026 has weekend workdays around National Day"
    assert all(is_workday(d) for d in adjusted)


def test_five_workdays_from_the_friday_before_national_day_skip_the_holiday_week():
    start = dt.date(2026, 9, 30)
    end = add_workdays(start, 5)
    assert end > dt.date(2026, 10, 8)
    assert workdays_between(start, end) == 5


def test_override_turns_a_weekday_into_a_closure():
    day = dt.date(2026, 11, 25)
    assert is_workday(day)
    CalendarOverride.objects.create(day=day, is_workday=False, name="系统升级停办")
    assert not is_workday(day)
    assert add_workdays(dt.date(2026, 11, 24), 1) == dt.date(2026, 11, 26)


def test_years_without_official_data_fall_back_to_weekdays_and_overrides():
    assert is_workday(dt.date(2031, 3, 3))  # Monday
    assert not is_workday(dt.date(2031, 3, 1))  # Saturday
    CalendarOverride.objects.create(day=dt.date(2031, 3, 3), is_workday=False, name="元旦调休（示例）")
    assert not is_workday(dt.date(2031, 3, 3))


def test_zero_or_reversed_ranges_count_nothing():
    day = dt.date(2026, 11, 23)
    assert add_workdays(day, 0) == day
    assert workdays_between(day, day) == 0
    assert workdays_between(day, day - dt.timedelta(days=3)) == 0
    with pytest.raises(ValueError):
        add_workdays(day, -1)
