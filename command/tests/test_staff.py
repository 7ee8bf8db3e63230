"""One staff member's figures over the hand-counted November (command/tests/month.py): those of
the cases they took a step in, by the facts' own rules, shown only inside the area they work in."""

import csv
import io

from django.urls import reverse

from command.periods import month_of
from command.selectors import indicator_rows
from command.tests.month import NOVEMBER
from territory.models import Region

NOVEMBER_CODE = "2026-11"


def rows_of(client, user, person, **params):
    client.force_login(user)
    response = client.get(
        reverse("command:staff", kwargs={"username": person.username}),
        {"period": NOVEMBER_CODE} | params,
    )
    assert response.status_code == 200
    return {row.indicator.code: row.now for row, _url in response.context["rows"]}


def test_a_handlers_figures_are_those_of_the_cases_they_handled(client, people, month):
    # urban_handler took steps in a, c, d and f in November.
    figures = rows_of(client, people["leader"], people["urban_handler"])
    assert figures["handled"].value == 4  # a; c twice (reworked); d
    assert figures["reported"].value == 3  # a, d, f (c was reported in October)
    assert figures["closed"].value == 3  # a, c, d
    assert figures["extended"].value == 1  # f
    assert figures["suspended"].value == 1  # f
    assert (figures["handling_rate"].numerator, figures["handling_rate"].denominator) == (4, 3)


def test_a_grid_workers_reports_and_how_many_were_accepted(client, people, month):
    figures = rows_of(client, people["leader"], people["grid_worker"])
    valid = figures["valid_report_rate"]
    assert figures["reported"].value == 7  # every November report, e in the east town too
    assert (valid.numerator, valid.denominator) == (6, 7)  # b was not accepted
    # In the west town alone, e (east) is left out.
    west = rows_of(client, people["leader"], people["grid_worker"], region="610722001")
    assert west["reported"].value == 6


def test_over_the_cases_of_the_whole_month_a_persons_figures_are_the_countys(client, people, month):
    # The grid worker took a step in each of November's cases: every figure is the county's.
    mine = rows_of(client, people["leader"], people["grid_worker"])
    county = Region.objects.get(code="610722")
    for row in indicator_rows(county, month_of(NOVEMBER[0])):
        found = mine[row.indicator.code]
        assert (found.numerator, found.denominator, found.display) == (
            row.now.numerator,
            row.now.denominator,
            row.now.display,
        ), row.indicator.code


def test_a_persons_figures_are_shown_only_inside_the_area_they_work_in(client, people, month):
    worker_page = reverse("command:staff", kwargs={"username": "grid_worker"})
    client.force_login(people["other_town_operator"])  # the east town
    assert client.get(worker_page).status_code == 404
    handler_page = reverse("command:staff", kwargs={"username": "urban_handler"})
    client.force_login(people["town_operator"])  # the west town: the county's handler is not in it
    assert client.get(handler_page).status_code == 404
    assert client.get(worker_page).status_code == 200
    assert client.get(reverse("command:staff", kwargs={"username": "nobody"})).status_code == 404
    client.force_login(people["urban_handler"])
    assert client.get(handler_page).status_code == 403  # only centres and leaders


def test_the_figures_are_linked_from_the_workers_and_the_department_and_exported(
    client, people, month
):
    client.force_login(people["leader"])
    page = reverse("command:staff", kwargs={"username": "grid_worker"})
    coverage = client.get(reverse("command:coverage"), {"period": NOVEMBER_CODE})
    assert page in coverage.content.decode()
    centre = client.get(reverse("command:centre"), {"department": "cgj"})
    assert reverse("command:staff", kwargs={"username": "urban_handler"}) in centre.content.decode()

    response = client.get(
        reverse("command:export_csv"),
        {"period": NOVEMBER_CODE, "table": "indicators", "staff": "urban_handler"},
    )
    assert "urban_handler" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = table[0].index(NOVEMBER_CODE)
    by_name = {row[0]: row[column] for row in table[1:]}
    assert (by_name["处置数"], by_name["上报数"]) == ("4", "3")
