"""Deadlines in working time (工作时), counted in one place.

Working hours are 08:30–12:00 and 14:00–17:30 in Asia/Shanghai; a working day is those 7 hours.
Working days are Monday to Friday, except public holidays, plus make-up workdays (调休), as kept
in CalendarDay (seeded from the `chinese-calendar` package, edited by administrators each year).
A year with no calendar data counts weekends only, and `years_missing_calendar()` says so.
"""

import time as monotonic
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, DeadlineUnit

LOCAL = ZoneInfo("Asia/Shanghai")
WORK_PERIODS = [(time(8, 30), time(12, 0)), (time(14, 0), time(17, 30))]
WORKDAY_HOURS = 7
CACHE_SECONDS = 60

_exceptions: dict[date, bool] | None = None
_covered_years: set[int] = set()
_loaded_at = 0.0


def _load_calendar() -> dict[date, bool]:
    global _exceptions, _covered_years, _loaded_at
    if _exceptions is None or monotonic.monotonic() - _loaded_at > CACHE_SECONDS:
        _exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
        _covered_years = {day.year for day in _exceptions}
        _loaded_at = monotonic.monotonic()
    return _exceptions


@receiver([post_save, post_delete], sender=CalendarDay)
def forget_calendar(**kwargs) -> None:
    """Read the calendar afresh on next use (after an edit, or a test's rollback)."""
    global _exceptions
    _exceptions = None


def is_workday(day: date) -> bool:
    exceptions = _load_calendar()
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def years_missing_calendar(years) -> list[int]:
    """Years for which no holiday data is kept: deadlines there count weekends only."""
    _load_calendar()
    return sorted(year for year in years if year not in _covered_years)


def limit_in_hours(limit: int, unit: str) -> float:
    return limit * (WORKDAY_HOURS if unit == DeadlineUnit.WORKING_DAYS else 1)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` of working time after `start` (which may itself be outside hours)."""
    remaining = timedelta(hours=hours)
    moment = start.astimezone(LOCAL)
    day = moment.date()
    while True:
        if is_workday(day):
            for opens, closes in WORK_PERIODS:
                period_start = datetime.combine(day, opens, LOCAL)
                period_end = datetime.combine(day, closes, LOCAL)
                begin = max(period_start, moment)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
        moment = datetime.combine(day, time(0), LOCAL)


def deadline_after(start: datetime, limit: int, unit: str) -> datetime:
    return add_working_hours(start, limit_in_hours(limit, unit))


def working_hours_between(start: datetime, end: datetime) -> float:
    """Working time from start to end, in hours (0 if end is before start)."""
    if end <= start:
        return 0.0
    total = timedelta()
    start, end = start.astimezone(LOCAL), end.astimezone(LOCAL)
    day = start.date()
    while day <= end.date():
        if is_workday(day):
            for opens, closes in WORK_PERIODS:
                begin = max(datetime.combine(day, opens, LOCAL), start)
                finish = min(datetime.combine(day, closes, LOCAL), end)
                if finish > begin:
                    total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def start_of(day: date) -> datetime:
    """Midnight at the start of a local day (the county's time zone)."""
    return datetime.combine(day, time.min, tzinfo=LOCAL)
