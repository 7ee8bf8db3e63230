from datetime import datetime

import pytest
from django.utils import translation

from cases.models import Status, TimelineEntry
from cases.services import CaseError, report_case, supervise_overdue, take_action
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID

MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL)


def report_rubbish(people, categories, **extra):
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="路边垃圾堆积",
        lon=lon,
        lat=lat,
        **extra,
    )


def test_a_report_lands_in_its_grid_with_routing_and_a_working_hour_deadline(people, categories):
    case = report_rubbish(people, categories, now=MONDAY_9AM)
    assert case.grid.code == "610722001001001"
    assert case.village.code == "610722001001"
    assert case.town.code == "610722001"
    assert case.department.code == "cgj"
    assert case.level == "town"
    assert case.status == Status.REPORTED
    assert case.accept_deadline == datetime(2026, 11, 23, 10, 0, tzinfo=LOCAL)
    assert case.code == "2611230001"
    assert [entry.action for entry in case.timeline.all()] == ["report"]


def test_case_numbers_count_up_within_a_day(people, categories):
    first = report_rubbish(people, categories, now=MONDAY_9AM)
    second = report_rubbish(people, categories, now=MONDAY_9AM)
    assert (first.code, second.code) == ("2611230001", "2611230002")


def test_a_point_outside_the_county_is_refused_with_a_clear_error(people, categories):
    with translation.override("en"), pytest.raises(CaseError, match="not in 城固县"):
        report_case(
            reporter=people["grid_worker"],
            category=categories["rubbish"],
            description="x",
            lon=108.0,
            lat=34.0,
        )


def test_the_whole_loop_from_report_to_evaluation(people, categories):
    case = report_rubbish(people, categories)
    steps = [
        ("town_operator", "accept", {}),
        ("town_operator", "dispatch", {}),
        ("urban_handler", "start", {}),
        ("urban_handler", "feed_back", {"note": "已清运"}),
        ("grid_worker", "verify", {}),
        ("town_operator", "close", {}),
        ("town_operator", "evaluate", {"rating": 5}),
    ]
    for who, action, extra in steps:
        case = take_action(case, people[who], action, extra)
    assert case.status == Status.EVALUATED
    assert case.rating == 5
    assert list(case.timeline.values_list("action", flat=True)) == ["report"] + [
        action for _who, action, _extra in steps
    ]


def test_timeline_entries_cannot_be_changed_even_in_sql(people, categories):
    from django.db import DatabaseError, connection, transaction

    case = report_rubbish(people, categories)
    entry = case.timeline.get()
    with pytest.raises(ValueError):
        entry.save()
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_timelineentry SET note = 'edited' WHERE id = %s", [entry.pk])
    assert TimelineEntry.objects.get(pk=entry.pk).note == ""


def test_overdue_cases_are_put_under_supervision_once(people, categories):
    case = report_rubbish(people, categories, now=MONDAY_9AM)
    late = datetime(2026, 11, 23, 11, 0, tzinfo=LOCAL)
    assert supervise_overdue(late) == 1
    assert supervise_overdue(late) == 0
    case.refresh_from_db()
    assert case.supervised_at == late
    assert case.timeline.filter(action="supervise").count() == 1
