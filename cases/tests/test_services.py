import threading
from datetime import datetime

import pytest
from django.db import connection, transaction
from django.utils import translation

from cases.models import CaseCodeCounter, Status, TimelineEntry
from cases.services import (
    CaseError,
    file_report,
    prepare_report,
    report_case,
    supervise_overdue,
    take_action,
)
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="numbers apart on PostgreSQL only")
def test_on_postgresql_a_report_holds_the_days_counter_for_one_statement_not_its_transaction(
    transactional_db, people, categories
):
    lon, lat = IN_FIRST_GRID
    report = {
        "reporter": people["grid_worker"],
        "category": categories["rubbish"],
        "description": "路边垃圾堆积",
        "lon": lon,
        "lat": lat,
        "now": MONDAY_9AM,
    }
    first = prepare_report(**report)
    assert first.case.code == "2611230001"  # taken and committed before the report's transaction
    assert CaseCodeCounter.objects.get().last == 1
    other_report: dict = {}

    def report_meanwhile() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            other_report["code"] = report_case(**report).code
        except Exception as error:  # asserted below
            other_report["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        case = file_report(first)
        meanwhile = threading.Thread(target=report_meanwhile)
        meanwhile.start()
        meanwhile.join()  # while the first report's transaction is still open
        assert other_report == {"code": "2611230002"}
    assert case.code == "2611230001"

    with transaction.atomic():  # inside a caller's transaction, the number goes with the case
        inner = prepare_report(**report)
        assert inner.case.code == ""
        assert file_report(inner).code == "2611230003"


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
