"""Each shipped indicator against a hand-counted month: extensions, rework, escalation, a
suspension, a supervision and a case that spans the month's boundary; a town's figures never
include another town."""

import copy
import io
from datetime import date

import pytest

from cases.imports import import_case_history
from cases.models import CENTRE_LEVELS
from cases.worktime import LOCAL, working_hours_between
from command.facts import hours_bucket
from command.models import HOUR_BOUNDS
from command.selectors import (
    by_month_only,
    current_indicators,
    figure,
    figure_of,
    indicator_at,
    percentile_of,
    step_sums,
)
from command.services import revise_indicator
from command.tests.month import NOVEMBER, OCTOBER, at
from territory.models import Region


def value(code: str, region_code: str = "610722", period=NOVEMBER) -> float | None:
    return figure(indicator_at(code), Region.objects.get(code=region_code), *period).value


def test_the_month_is_as_the_fixture_says(month):
    """The fixture's cases are on time or late as intended (rubbish: 4 working hours)."""
    a, c, d = (month[key] for key in "acd")
    assert a.fed_back_at <= a.handle_deadline
    assert c.fed_back_at > c.handle_deadline and d.fed_back_at > d.handle_deadline
    for key in "adfh":  # due in November
        assert month[key].handle_deadline.astimezone(LOCAL).month == 11, key
    assert c.handle_deadline.astimezone(LOCAL).month == 10


def test_each_shipped_indicator_equals_the_hand_count(month):
    hours = [
        working_hours_between(month[key].dispatched_at, month[key].fed_back_at) for key in "acd"
    ]
    expected = {
        "reported": 7,  # a b d e f g h (c was reported in October)
        "valid_report_rate": 6 / 7 * 100,  # accepted: a d e f g h
        "accepted": 6,
        "handled": 4,  # a, c twice, d
        "handling_rate": 4 / 4 * 100,  # dispatched in November: a d f h
        "handled_on_time_rate": 1 / 3 * 100,  # a; c and d late
        "closed": 3,
        "closing_rate": 3 / 6 * 100,
        "closed_on_time_rate": 1 / 4 * 100,  # due: a d f h; on time and closed: a
        "rework_rate": 1 / 6 * 100,
        "extended": 1,
        "suspended": 1,
        "supervised": 1,  # h
        "average_handling_hours": sum(hours) / 3,
        "satisfaction": 1 / 2 * 100,  # a rated 5, c rated 2
    }
    assert {code: value(code) for code in expected} == pytest.approx(expected)
    # Read from a histogram: in the bucket of the nearest-rank 90th percentile (the longest).
    assert hours_bucket(value("p90_handling_hours")) == hours_bucket(max(hours))


def test_a_percentile_is_interpolated_in_its_bucket():
    assert percentile_of({}, 90) is None
    assert percentile_of({0: 10}, 50) == pytest.approx(0.5)  # bucket 0: [0, 1)
    # 10 cases under 1 hour, 10 in [8, 12): the 90th is the 8th of the second bucket's 10.
    assert percentile_of({0: 10, 4: 10}, 90) == pytest.approx(8 + 4 * 8 / 10)
    assert percentile_of({0: 1, len(HOUR_BOUNDS): 9}, 90) == HOUR_BOUNDS[-1]  # open-ended
    assert percentile_of({0: 5, 3: 0, 4: 5}, 90) == pytest.approx(8 + 4 * 4 / 5)  # 0: skipped


def test_a_town_never_counts_another_towns_cases(month):
    assert value("reported", "610722001") == 6  # e is in the east town
    assert value("accepted", "610722001") == 5
    assert value("reported", "610722002") == 1
    assert value("reported", "610722001001001") == 6  # the west cases' grid


def test_a_period_counts_what_happened_in_it(month):
    assert value("reported", period=OCTOBER) == 1  # c
    assert value("accepted", period=OCTOBER) == 1
    assert value("closing_rate", period=OCTOBER) == 0  # accepted one, closed none
    assert value("satisfaction", period=OCTOBER) is None  # nothing rated: no rate to give
    assert value("closed_on_time_rate", period=OCTOBER) == 0  # c was due, and late


def test_a_revised_indicator_keeps_last_months_rule(month):
    rework = indicator_at("rework_rate")
    rework.denominator = "due"
    revise_indicator(rework, valid_from=at(12, 1, 0))

    assert indicator_at("rework_rate", at(11, 30, 12)).denominator == "accepted"
    assert indicator_at("rework_rate", at(12, 2, 0)).denominator == "due"
    november_rule = indicator_at("rework_rate", at(11, 30, 12))
    november = figure(november_rule, Region.objects.get(code="610722"), *NOVEMBER)
    assert november.value == pytest.approx(1 / 6 * 100)
    december_rule = indicator_at("rework_rate", at(12, 2, 0))
    assert figure(december_rule, Region.objects.get(code="610722"), *NOVEMBER).value == (
        pytest.approx(1 / 4 * 100)  # the same month by the new rule: over the 4 cases due
    )


def test_the_monthly_rollup_and_the_daily_facts_agree(month):
    """Whole months of unfiltered indicators are read from MonthFact; the same indicator with a
    filter that keeps everything is read from the daily facts, and must give the same figure."""
    county = Region.objects.get(code="610722")
    unfiltered = [
        indicator for indicator in current_indicators() if not indicator.categories
    ]  # a kind's own indicators (disputes …) keep to its categories: the daily facts answer them
    assert len(unfiltered) >= 16
    for indicator in unfiltered:
        assert by_month_only(indicator, *NOVEMBER)
        daily = copy.copy(indicator)
        daily.levels = [level for level, _label in CENTRE_LEVELS]
        assert not by_month_only(daily, *NOVEMBER)
        by_month, by_day = figure(indicator, county, *NOVEMBER), figure(daily, county, *NOVEMBER)
        assert (by_month.numerator, by_month.denominator, by_month.value) == (
            by_day.numerator,
            by_day.denominator,
            by_day.value,
        ), indicator.code


def test_the_monthly_rollup_by_town_and_the_daily_facts_agree_by_category_and_department(month):
    """A county's or town's whole months split by category or department are read from
    TownMonthFact; a filter that keeps everything sends them to the daily facts instead."""
    for indicator in current_indicators():
        daily = copy.copy(indicator)
        daily.levels = [level for level, _label in CENTRE_LEVELS]
        for code in ("610722", "610722001"):
            region = Region.objects.get(code=code)
            for by in ("category_id", "department_id"):
                by_town = step_sums([indicator], region, *NOVEMBER, by=by)
                by_day = step_sums([daily], region, *NOVEMBER, by=by)
                assert by_town or indicator.categories  # a kind's own may have nothing here
                for key in by_town.keys() | by_day.keys():  # a key may come back to nothing
                    town_figure = figure_of(indicator, by_town[key])
                    day_figure = figure_of(indicator, by_day[key])
                    assert (town_figure.numerator, town_figure.denominator) == (
                        day_figure.numerator, day_figure.denominator,
                    ), (indicator.code, code, by, key)  # fmt: skip


def test_a_run_of_days_counts_its_days_only(month):
    assert value("reported", period=(date(2026, 11, 2), date(2026, 11, 6))) == 3  # a b d
    assert value("reported", period=(date(2026, 11, 3), date(2026, 11, 5))) == 0


def test_imported_history_counts_its_reports_closures_and_ratings(categories, departments):
    import_case_history(
        io.StringIO(
            "code,reported_at,category,description,lon,lat,status,closed_at,rating\n"
            "A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,evaluated,2024-03-01 15:00,5\n"
            "A2,2024-03-02 10:00,E0101,垃圾,107.05,33.15,evaluated,2024-04-02 10:00,1\n"
            "A3,2024-03-30 23:30,E0101,垃圾,107.05,33.15,closed,2024-03-31 10:00,\n"
            "A4,2024-03-03 10:00,G0101,纠纷,107.35,33.05,rejected,,\n"
        ),
        source_name="old.csv",
    )
    march = (date(2024, 3, 1), date(2024, 4, 1))
    expected = {
        "reported": 4,
        "accepted": 3,
        "closed": 2,  # A2 closed in April
        "satisfaction": 100.0,  # A1 rated 5; A2's 1 is April's
        "closed_on_time_rate": None,  # history has no deadlines: nothing is due
    }
    assert {code: value(code, period=march) for code in expected} == expected
    assert value("satisfaction", period=(date(2024, 4, 1), date(2024, 5, 1))) == 0
    assert value("reported", "610722002", period=march) == 1  # A4 in the east town
