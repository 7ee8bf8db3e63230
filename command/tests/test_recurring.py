"""Recurring problems: the same category again and again in one grid, and the screening task a
centre opens for it."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from cases.errors import CaseError
from cases.models import Case, Status
from cases.services import report_case
from cases.worktime import LOCAL
from command.recurring import SCREENING_MARK, recurring
from command.services import open_screening
from conftest import IN_FIRST_GRID
from territory.models import Region

UNTIL = date(2026, 11, 30)


@pytest.fixture
def rubbish_again(people, categories):
    """Rubbish in the first grid on 1, 10, 20 and 28 November; a lamp-less other category once."""
    for day in (1, 10, 20, 28):
        report_case(
            reporter=people["grid_worker"],
            category=categories["rubbish"],
            description="又有垃圾",
            lon=IN_FIRST_GRID[0],
            lat=IN_FIRST_GRID[1],
            now=datetime(2026, 11, day, 9, tzinfo=LOCAL),
        )
    return Region.objects.get(code="610722001001001")


def test_a_category_reported_again_and_again_in_a_grid_is_found(rubbish_again, county):
    found = recurring(county, UNTIL, times=3, days=30)
    assert [(row.grid, row.category.code, row.times) for row in found] == [
        (rubbish_again, found[0].category.code, 4)
    ]
    assert found[0].last_day == date(2026, 11, 28)
    assert recurring(county, UNTIL, times=5, days=30) == []
    # Within 10 days to the 30th, only the 20th and 28th: twice.
    assert [row.times for row in recurring(county, UNTIL, times=2, days=11)] == [2]
    east = Region.objects.get(code="610722002")
    assert recurring(east, UNTIL, times=1, days=30) == []


def test_a_centre_opens_one_screening_task_naming_the_reports(rubbish_again, people, categories):
    operator = people["town_operator"]
    task = open_screening(operator, rubbish_again, categories["rubbish"], UNTIL, 30)
    assert task.description.startswith(SCREENING_MARK)
    behind = Case.objects.filter(grid=rubbish_again).exclude(pk=task.pk)
    assert all(case.code in task.description for case in behind)
    assert (task.grid, task.category, task.status) == (
        rubbish_again,
        categories["rubbish"],
        Status.REPORTED,
    )
    assert open_screening(operator, rubbish_again, categories["rubbish"], UNTIL, 30) == task
    assert recurring(rubbish_again.parent.parent, UNTIL, 3, 30)[0].screening == task
    for someone in ("leader", "other_town_operator", "grid_worker"):
        with pytest.raises(CaseError):
            open_screening(people[someone], rubbish_again, categories["rubbish"], UNTIL, 30)


def test_the_page_lists_them_and_the_button_opens_the_task(client, rubbish_again, people):
    client.force_login(people["town_operator"])
    query = "?period=2026-11&times=3&days=30"
    response = client.get(reverse("command:recurring") + query)
    assert [row.times for row in response.context["found"]] == [4]
    assert b"command/recurring/screen/" in response.content
    category = response.context["found"][0].category
    response = client.post(
        reverse("command:screen") + "?period=2026-11",
        {"grid": rubbish_again.code, "category": category.pk, "days": "30"},
    )
    task = Case.objects.get(description__startswith=SCREENING_MARK)
    assert response.url == reverse("cases:detail", kwargs={"code": task.code})
    client.force_login(people["leader"])  # read-only: sees the task, has no button
    response = client.get(reverse("command:recurring") + query)
    assert response.context["found"][0].screening == task
    assert b"command/recurring/screen/" not in response.content
