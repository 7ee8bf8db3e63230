"""Deadlines count working time on the Chinese public-holiday calendar, in Asia/Shanghai."""

from datetime import date, datetime

import pytest

from cases.models import CalendarDay
from cases.worktime import (
    LOCAL,
    add_working_hours,
    deadline_after,
    forget_calendar,
    is_workday,
    working_hours_between,
    years_missing_calendar,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_calendar():
    yield
    forget_calendar()  # the rows this test added are rolled back


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL)


def test_four_working_hours_skip_the_lunch_break():
    assert add_working_hours(at(2026, 11, 24, 10, 0), 4) == at(2026, 11, 24, 16, 0)


def test_a_report_made_in_the_evening_counts_from_the_next_morning():
    assert add_working_hours(at(2026, 11, 24, 20, 0), 1) == at(2026, 11, 25, 9, 30)


def test_weekends_are_not_working_time():
    assert add_working_hours(at(2026, 11, 27, 17, 0), 1) == at(2026, 11, 30, 9, 0)


def test_national_day_holidays_are_skipped_and_the_make_up_saturday_counts():
    # 2026: 1–7 October off; Saturday 10 October is a make-up workday (调休).
    assert not is_workday(date(2026, 10, 5))
    assert is_workday(date(2026, 10, 10))
    assert deadline_after(at(2026, 9, 30, 16, 0), 3, "days") == at(2026, 10, 10, 16, 0)


def test_working_hours_between_is_the_inverse_of_adding():
    start = at(2026, 9, 28, 11, 15)
    assert working_hours_between(start, add_working_hours(start, 37.5)) == pytest.approx(37.5)


def test_a_year_without_holiday_data_counts_weekends_only_and_is_reported():
    assert years_missing_calendar([2026, 2099]) == [2099]
    assert is_workday(date(2099, 1, 1))  # a Thursday, no data: counted as a working day


def test_an_administrators_new_holiday_takes_effect_at_once():
    assert is_workday(date(2099, 1, 1))
    CalendarDay.objects.create(date=date(2099, 1, 1), is_workday=False, name="元旦")
    assert not is_workday(date(2099, 1, 1))
    assert years_missing_calendar([2099]) == []
