"""Every figure recounted from the cases: for each step, the cases and entries behind it (queried
from the cases and timelines) number exactly what the facts summed, by region, period and
department, on the hand-counted month and on the demo's simulated year."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cases.imports import import_case_history
from command.behind import count_behind
from command.models import Fact, Step, step_choices
from command.tests.month import NOVEMBER, OCTOBER
from territory.models import Level, Region


def summed(step, region, start, end, department=None) -> int:
    facts = Fact.objects.filter(step=step, day__gte=start, day__lt=end)
    if region.level != Level.COUNTY:
        facts = facts.filter(grid_id__in=Region.objects.subtree(region).grids().values("pk"))
    if department is not None:
        facts = facts.filter(department_id=department)
    return facts.aggregate(total=Sum("count"))["total"] or 0


def assert_every_step_agrees(regions, periods, departments=(None,)):
    for region in regions:
        for start, end in periods:
            for department in departments:
                for step in dict(step_choices()):  # the core's and the kinds' own
                    expected = summed(step, region, start, end, department)
                    found = count_behind(step, region, start, end, department)
                    assert found == expected, (step, region.code, start, department)


def test_the_hand_counted_month_recounts_from_its_cases(month, departments):
    regions = Region.objects.filter(code__in=["610722", "610722001", "610722002"])
    department_ids = [None, 0, *(department.pk for department in departments.values())]
    assert_every_step_agrees(regions, [NOVEMBER, OCTOBER], department_ids)


def test_imported_history_recounts_from_its_cases(categories, departments):
    import_case_history(
        io.StringIO(
            "code,reported_at,category,description,lon,lat,status,closed_at,rating\n"
            "A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,evaluated,2024-03-01 15:00,5\n"
            "A2,2024-03-02 10:00,E0101,垃圾,107.05,33.15,evaluated,2024-04-02 10:00,1\n"
            "A4,2024-03-03 10:00,G0101,纠纷,107.35,33.05,rejected,,\n"
        ),
        source_name="old.csv",
    )
    regions = Region.objects.filter(code__in=["610722", "610722001"])
    assert_every_step_agrees(regions, [(date(2024, 3, 1), date(2024, 5, 1))])


@pytest.mark.django_db
def test_the_demo_year_recounts_from_its_cases():
    call_command("load_demo", cases=600, stdout=io.StringIO())
    county = Region.objects.get(level=Level.COUNTY)
    towns = list(Region.objects.filter(level=Level.TOWN).order_by("code")[:3])
    today = date.today()
    year = (date(today.year - 1, today.month, 1), date(today.year, today.month, 1))
    assert summed(Step.REPORTED, county, *year) > 100 and summed(Step.DUE, county, *year) > 100
    assert summed("agreed", county, *year) > 0  # the demo's disputes, through their own steps
    assert_every_step_agrees([county, *towns], [year, (year[1], date(today.year + 1, 1, 1))])
