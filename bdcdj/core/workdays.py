"""Working days (工作日) in China: statutory holidays and adjusted workdays (调休).

Order of authority for a day: the administrator's CalendarOverride table, then the
`chinese-calendar` package, then plain Monday–Friday for years it does not cover.
Time limits of registration (e.g. 5 working days) are counted with these functions.
"""

import datetime as dt

import chinese_calendar

from bdcdj.core.models import CalendarOverride


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    rows = CalendarOverride.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
    return dict(rows)


def _official_is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def _works(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    return overrides[day] if day in overrides else _official_is_workday(day)


def is_workday(day: dt.date) -> bool:
    return _works(day, _overrides(day, day))


def add_workdays(start: dt.date, count: int) -> dt.date:
    """The date `count` working days after `start` (start itself not counted).

    A limit of 5 working days accepted on a Friday before a holiday week ends the
    fifth working day after it.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    horizon = start + dt.timedelta(days=count * 3 + 30)
    overrides = _overrides(start, horizon)
    day = start
    remaining = count
    while remaining:
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=count * 3 + 30)
            overrides.update(_overrides(day, horizon))
        if _works(day, overrides):
            remaining -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; 0 when end <= start."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    total = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if _works(day, overrides):
            total += 1
    return total
