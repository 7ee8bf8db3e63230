"""The command centre's pages over the hand-counted November: what each level sees, that a town
never reaches another, that parts add up to their region, and that the exports carry the same
figures as the selectors."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import OPEN_STATUSES, Case
from cases.services import report_case, take_action
from command.periods import month_of
from command.selectors import figure, indicator_at
from command.tests.month import NOVEMBER
from conftest import IN_FIRST_GRID
from staff.models import User
from territory.models import Region

CENTRE = reverse("command:centre")


def page(client, user, **params):
    client.force_login(user)
    return client.get(CENTRE, params)


def test_a_county_leader_sees_the_towns_and_drills_down_to_a_grid(client, people, month):
    response = page(client, people["leader"], indicator="reported", period="2026-11")
    assert response.status_code == 200
    towns = {row.region.code: row.figure.value for row, _url in response.context["children"]}
    assert towns == {"610722001": 6, "610722002": 1}
    # Parts add up to the region (regions sum their grids up the tree).
    rows = {row.indicator.code: row for row, _url in response.context["rows"]}
    assert rows["reported"].now.value == sum(towns.values()) == 7
    assert rows["reported"].before.value == 1  # October: c

    response = page(client, people["leader"], region="610722001", indicator="reported")
    trail = [region.code for region, _url in response.context["trail"]]
    assert trail == ["610722", "610722001"]
    village = response.context["children"][0][0].region
    response = page(client, people["leader"], region=village.code, indicator="reported")
    grid = response.context["children"][0][0].region
    assert grid.level == "grid"
    response = page(client, people["leader"], region=grid.code, period="2026-11")
    assert response.status_code == 200
    assert response.context["children"] == []  # a grid has no parts: the bottom
    assert [region.code for region, _url in response.context["trail"]][-1] == grid.code


def test_a_town_operator_never_sees_another_town(client, people, month):
    operator = people["town_operator"]  # the west town, 610722001
    response = page(client, operator, indicator="reported", period="2026-11")
    assert response.context["view"].region.code == "610722001"
    rows = {row.indicator.code: row for row, _url in response.context["rows"]}
    assert rows["reported"].now.value == 6  # not the east town's e
    for region in ("610722", "610722002", "610722002001", "610722002001001"):
        for name in ("command:centre", "command:outlines", "command:live", "command:export_csv"):
            assert client.get(reverse(name), {"region": region}).status_code == 404, (region, name)


def test_only_centres_leaders_and_administrators_come_in(client, people):
    assert client.get(CENTRE).status_code == 302  # to the login
    for name in ("grid_worker", "urban_handler"):
        client.force_login(people[name])
        assert client.get(CENTRE).status_code == 403
    client.force_login(people["admin"])
    assert client.get(CENTRE).status_code == 200


def test_a_wrong_period_is_told_and_the_month_shown(client, people):
    response = page(client, people["leader"], period="11月")
    assert response.status_code == 200
    assert "不是一个时段" in response.context["view"].error
    assert response.context["view"].period.kind == "month"


def test_the_excel_export_holds_the_figures_of_the_database(client, people, month):
    client.force_login(people["leader"])
    response = client.get(
        reverse("command:export_xlsx"), {"indicator": "closed_on_time_rate", "period": "2026-11"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    indicators, parts = book.worksheets
    assert indicators.freeze_panes == "A2"
    assert indicators["A1"].value == "指标"
    county = Region.objects.get(code="610722")
    by_name = {row[0]: row for row in indicators.iter_rows(min_row=2, values_only=True)}
    for code in ("reported", "closed_on_time_rate", "average_handling_hours", "satisfaction"):
        indicator = indicator_at(code)
        assert by_name[indicator.name][2] == pytest.approx(
            figure(indicator, county, *NOVEMBER).value
        )
    assert by_name["按期结案率"][2] == pytest.approx(25.0)  # 1 of the 4 due
    assert indicators["C3"].number_format == "0.0"
    towns = {row[0]: row[2] for row in parts.iter_rows(min_row=2, values_only=True)}
    west = Region.objects.get(code="610722001")
    assert towns["610722001"] == pytest.approx(
        figure(indicator_at("closed_on_time_rate"), west, *NOVEMBER).value
    )
    assert towns["610722002"] is None  # nothing due in the east town: no rate to give


def test_the_csv_exports_open_in_excel(client, people, month):
    client.force_login(people["leader"])
    response = client.get(
        reverse("command:export_csv"),
        {"period": "2026-11", "indicator": "reported", "table": "regions"},
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with it
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["代码", "区域"]
    assert {row[0]: row[2] for row in rows[1:]} == {"610722001": "6", "610722002": "1"}


def test_the_live_feed_shows_new_overdue_and_escalated_cases(client, people, categories, month):
    fresh = report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="刚刚发现",
        lon=IN_FIRST_GRID[0],
        lat=IN_FIRST_GRID[1],
    )
    take_action(fresh, people["town_operator"], "escalate", {"note": "需县里协调"})
    client.force_login(people["leader"])
    feed = client.get(reverse("command:live")).context["feed"]
    assert feed.new[0] == fresh
    assert [entry.case for entry in feed.escalated] == [fresh]  # g's was weeks ago
    assert month["h"] in feed.overdue  # supervised, still open past its deadline
    client.force_login(people["other_town_operator"])  # the east town sees none of it
    feed = client.get(reverse("command:live")).context["feed"]
    assert fresh not in feed.new and not feed.escalated and month["h"] not in feed.overdue


def test_the_charts_hold_the_same_figures_as_the_tables(client, people, categories, month):
    response = page(client, people["leader"], region="610722001", period="2026-11")
    charts = response.context["charts"]
    reported, closed = charts["over_time"]["series"]
    assert len(charts["over_time"]["labels"]) == 30  # a day each
    assert sum(reported["values"]) == 6 and sum(closed["values"]) == 3  # the west town
    assert charts["over_time"]["labels"][1] == "11-02" and reported["values"][1] == 2  # a, b
    assert charts["categories"] == {"labels": [categories["rubbish"].name], "values": [6]}
    assert charts["departments"]["labels"] == [people["urban_handler"].department.name]
    west, county = charts["against_above"]["series"]
    assert (west["name"], county["name"]) == ("西镇", "城固县")
    assert charts["against_above"]["labels"][-1] == "2026-11"
    assert west["values"][-1] == pytest.approx(25.0) and county["values"][-1] == pytest.approx(25.0)
    response = page(client, people["leader"], period="2026")  # a year: month by month
    assert response.context["charts"]["over_time"]["labels"][10] == "2026-11"
    assert response.context["charts"]["against_above"] is None  # nothing above the county


def test_coverage_lists_grids_without_a_worker_reports_per_week_and_the_overloaded(
    client, people, categories, month
):
    client.force_login(people["leader"])
    response = client.get(reverse("command:coverage"), {"period": "2026-11", "load": "2"})
    found = response.context["coverage"]
    grids = Region.objects.filter(level="grid")
    worked = set(
        User.objects.filter(role="grid_worker", is_active=True).values_list("region_id", flat=True)
    )
    assert found.grids == grids.count()
    assert {grid.pk for grid in found.uncovered} == {g.pk for g in grids} - worked
    by_name = {row.worker.username: row for row in found.workers}
    # The fixture's worker filed the 7 November reports (c was October's): 7 in 30 days.
    assert by_name["grid_worker"].reports == 7
    assert by_name["grid_worker"].per_week == pytest.approx(7 / (30 / 7))
    # The first grid's open cases, shared by its grid workers:
    first = Region.objects.get(code="610722001001001")
    open_here = Case.objects.filter(grid=first, status__in=OPEN_STATUSES).count()
    workers_here = User.objects.filter(role="grid_worker", region=first).count()
    assert by_name["grid_worker"].open_in_grid == pytest.approx(open_here / workers_here)
    assert by_name["grid_worker"].over_load == (open_here / workers_here > 2)
    assert by_name["informant"].over_load is False  # informants carry no load

    client.force_login(people["other_town_operator"])  # the east town's
    found = client.get(reverse("command:coverage")).context["coverage"]
    assert all(row.grid.code.startswith("610722002") for row in found.workers)
    assert client.get(reverse("command:coverage"), {"region": "610722001"}).status_code == 404


def test_a_wrong_load_limit_is_told(client, people):
    client.force_login(people["leader"])
    response = client.get(reverse("command:coverage"), {"load": "多"})
    assert response.context["load"] == 10
    assert "不是" in response.context["error"]


def test_the_league_ranks_towns_by_the_published_score_and_links_to_the_cases(
    client, people, month
):
    client.force_login(people["leader"])
    response = client.get(reverse("command:league"), {"period": "2026-11"})
    parts = response.context["components"]
    assert [part.indicator.code for part in parts] == [
        "closed_on_time_rate",
        "closing_rate",
        "satisfaction",
        "handled_on_time_rate",
        "rework_rate",
    ]
    west, east = response.context["parts"]
    assert (west.region.code, west.rank) == ("610722001", 1)
    # The west town: 25 % on time, 3 of 5 closed (60 %), satisfaction 50 %, 1 of 3 handled on
    # time, rework 1 of 5 (20 %, counted as 80); weights 30, 20, 20, 15, 15.
    values = [figure.value for figure in west.figures]
    assert values == pytest.approx([25.0, 60.0, 50.0, 100 / 3, 20.0])
    expected = (30 * 25 + 20 * 60 + 20 * 50 + 15 * 100 / 3 + 15 * 80) / 100
    assert west.score == pytest.approx(expected)
    # The east town: e accepted, not closed (0 %), no rework (counted as 100); nothing due,
    # handled or rated there, so scored on those two alone.
    assert east.score == pytest.approx((20 * 0 + 15 * 100) / (20 + 15)) and east.rank == 2
    (urban,) = response.context["departments"]
    assert urban.department == people["urban_handler"].department
    assert b"/command/cases/?" in response.content


def test_the_cases_behind_a_figure_are_its_numerator_and_denominator(client, people, month):
    client.force_login(people["leader"])
    response = client.get(
        reverse("command:cases"), {"indicator": "closed_on_time_rate", "period": "2026-11"}
    )
    numerator, denominator = response.context["lists"]
    assert [case.code for case in numerator["shown"]] == [month["a"].code]
    assert {case.code for case in denominator["shown"]} == {month[key].code for key in "adfh"}
    client.force_login(people["other_town_operator"])  # sees none of the west town's
    response = client.get(
        reverse("command:cases"),
        {"indicator": "closed_on_time_rate", "period": "2026-11", "region": "610722002"},
    )
    assert all(not found["shown"] for found in response.context["lists"])


def test_the_monthly_report_workbook_holds_indicators_rankings_and_recurring_problems(
    client, people, month
):
    client.force_login(people["leader"])
    response = client.get(reverse("command:report"), {"period": "2026-11"})
    assert response.status_code == 200
    assert response.context["report"].period.code == "2026-11"
    response = client.get(reverse("command:report_xlsx"), {"period": "2026-11"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标", "下辖区域排名", "部门排名", "反复问题"]
    indicators = {row[0]: row for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    # name, unit, November, numerator, denominator (none for a count), October, a year before
    assert indicators["上报数"][2:5] == (7, 7, None)
    assert indicators["上报数"][5] == 1  # October: c
    assert indicators["按期结案率"][2] == pytest.approx(25.0)
    ranking = list(book["下辖区域排名"].iter_rows(min_row=2, values_only=True))
    assert [row[:2] for row in ranking] == [(1, "西镇"), (2, "东镇")]
    # Rubbish six times in the first grid in November (a b d f g h): recurring.
    recurring = list(book["反复问题"].iter_rows(min_row=2, values_only=True))
    assert recurring[0][0] == "610722001001001" and recurring[0][3] == 6


def test_the_monthly_report_is_of_last_month_by_default(client, people):
    client.force_login(people["leader"])
    response = client.get(reverse("command:report"))
    assert response.context["view"].period == month_of(timezone.localdate()).previous()


def test_a_department_s_figures_on_the_same_pages(client, people, departments, month):
    client.force_login(people["leader"])
    urban, housing = departments["urban"], departments["housing"]
    response = page(client, people["leader"], period="2026-11", department=urban.code)
    rows = {row.indicator.code: row for row, _url in response.context["rows"]}
    assert rows["closed_on_time_rate"].now.value == pytest.approx(25.0)  # all of them urban's
    assert response.context["charts"]["departments"] is None
    response = page(client, people["leader"], period="2026-11", department=housing.code)
    rows = {row.indicator.code: row for row, _url in response.context["rows"]}
    assert rows["reported"].now.value == 0 and rows["closed_on_time_rate"].now.value is None
    assert f"department={housing.code}" in response.context["query"]
    response = client.get(
        reverse("command:cases"),
        {"indicator": "closed_on_time_rate", "period": "2026-11", "department": urban.code},
    )
    assert [case.code for case in response.context["lists"][0]["shown"]] == [month["a"].code]
    assert page(client, people["leader"], department="nothing").status_code == 404
