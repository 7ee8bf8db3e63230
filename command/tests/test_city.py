"""The command centre on a city instance: the same pages over the city's copies of what the
counties publish (rollup), with the city on top and the counties as its parts; every figure
equal to the one the county computes for itself. The rows reach the city here as replication
would bring them (the real replication, and a page over it: rollup/tests/test_three_clusters)."""

import csv
import io

import pytest
from django.apps import apps
from django.urls import reverse

from cases.services import report_case
from command.periods import month_of
from command.selectors import indicator_rows
from command.tests.month import NOVEMBER, at
from conftest import IN_FIRST_GRID
from rollup import models as city
from rollup.publication import TABLES
from territory.models import Level, Region

pytestmark = pytest.mark.django_db(databases=["default", "rollup"])

CENTRE = reverse("command:centre")
NOVEMBER_CODE = "2026-11"
OTHER_COUNTY = "610799"
COUNTY_NAMES = {"610722": "城固县", OTHER_COUNTY: "洋县"}


def publish_to_city(as_county: str) -> None:
    """Copy every published column of every published table into the city's copies, as this
    county's rows under the code `as_county` (the regions' codes and paths with it)."""
    for published in TABLES:
        county_model = apps.get_model(published.model)
        city_model = getattr(city, published.model.split(".")[1])
        columns = published.columns()
        copies = []
        for values in county_model.objects.values_list(*columns):
            row = dict(zip(columns, values, strict=True)) | {"county_code": as_county}
            if published.model == "territory.Region":
                row["code"] = row["code"].replace("610722", as_county, 1)
                row["path"] = row["path"].replace("610722", as_county)
                if row["level"] == Level.COUNTY:
                    row["name"] = COUNTY_NAMES[as_county]
            copies.append(city_model(**row))
        city_model.objects.bulk_create(copies)


def figures_here() -> dict[str, dict[str, tuple]]:
    """Every region's November indicators as the county computes them: code → indicator →
    (numerator, denominator, display)."""
    period = month_of(NOVEMBER[0])
    return {
        region.code: {
            row.indicator.code: (row.now.numerator, row.now.denominator, row.now.display)
            for row in indicator_rows(region, period)
        }
        for region in Region.objects.all()
    }


@pytest.fixture
def two_counties(people, categories, month):
    """The month as 610799 publishes it, and the month with one more report as 610722 does;
    each county's own figures, computed before the city opens."""
    publish_to_city(OTHER_COUNTY)
    smaller = figures_here()
    lon, lat = IN_FIRST_GRID
    report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat, now=at(11, 25, 9),
    )  # fmt: skip
    publish_to_city("610722")
    larger = figures_here()
    return {
        "610722": larger,
        OTHER_COUNTY: {
            code.replace("610722", OTHER_COUNTY, 1): figures for code, figures in smaller.items()
        },
    }


def city_page(client, user, settings, url=CENTRE, **params):
    settings.AT_CITY = True
    settings.CITY_NAME = "汉中市"
    client.force_login(user)
    return client.get(url, params)


def as_figures(rows) -> dict[str, tuple]:
    return {
        row.indicator.code: (row.now.numerator, row.now.denominator, row.now.display)
        for row, _url in rows
    }


def test_the_city_shows_its_counties_and_each_figure_is_the_countys_own(
    client, people, settings, two_counties
):
    response = city_page(client, people["leader"], settings, period=NOVEMBER_CODE)
    assert response.status_code == 200
    view = response.context["view"]
    assert (view.region.name, view.at_city) == ("汉中市", True)
    parts = {row.region.code: row.figure for row, _url in response.context["children"]}
    assert sorted(parts) == ["610722", OTHER_COUNTY]
    for code, figure in parts.items():  # by 按期结案率, the page's default
        assert figure.display == two_counties[code][code]["closed_on_time_rate"][2]
    # The city's counts are the counties' summed; its rates are computed from those sums.
    top = as_figures(response.context["rows"])
    for indicator, (numerator, denominator, _display) in top.items():
        if indicator.startswith("handling_hours_p"):
            continue  # a percentile is not a sum
        counties = [two_counties[code][code][indicator] for code in parts]
        assert numerator == pytest.approx(sum(found[0] for found in counties)), indicator
        if denominator is not None:
            assert denominator == sum(found[1] for found in counties), indicator
    assert top["reported"][0] == 7 + 8

    # Down to a grid of the other county: every level's figures are that county's own.
    trail = ["city"]
    code = OTHER_COUNTY
    while True:
        response = city_page(client, people["leader"], settings, region=code, period=NOVEMBER_CODE)
        assert response.status_code == 200, code
        trail.append(code)
        assert [region.code for region, _url in response.context["trail"]] == trail
        assert as_figures(response.context["rows"]) == two_counties[OTHER_COUNTY][code], code
        children = response.context["children"]
        if not children:
            assert response.context["view"].region.level == Level.GRID
            break
        code = children[0][0].region.code


def test_the_city_ranks_its_counties_and_reports_the_month(client, people, settings, two_counties):
    response = city_page(
        client, people["leader"], settings, reverse("command:league"), period=NOVEMBER_CODE
    )
    assert response.status_code == 200
    assert sorted(row.name for row in response.context["parts"]) == ["城固县", "洋县"]
    # Two counties' departments of one name are told apart by their county.
    names = [row.name for row in response.context["departments"]]
    assert sorted(names) == ["城固县 城管局", "洋县 城管局"]
    response = city_page(
        client, people["leader"], settings, reverse("command:report"), period=NOVEMBER_CODE
    )
    assert response.status_code == 200
    assert response.context["report"].recurring == []  # found and screened in the counties
    response = city_page(
        client, people["leader"], settings, reverse("command:export_csv"),
        period=NOVEMBER_CODE, table="regions", indicator="reported",
    )  # fmt: skip
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1:] == [["610722", "城固县", "8", "8", ""], [OTHER_COUNTY, "洋县", "7", "7", ""]]


def test_narrowed_to_a_department_the_city_counts_that_department_of_every_county(
    client, people, settings, two_counties
):
    response = city_page(
        client, people["leader"], settings, period=NOVEMBER_CODE, department="cgj",
        indicator="handled",
    )  # fmt: skip
    top = as_figures(response.context["rows"])
    county_ones = []
    for code in ("610722", OTHER_COUNTY):
        narrowed = city_page(
            client, people["leader"], settings, region=code, period=NOVEMBER_CODE,
            department="cgj",
        )  # fmt: skip
        county_ones.append(as_figures(narrowed.context["rows"])["handled"][0])
    assert top["handled"][0] == sum(county_ones) > 0


def test_what_reads_cases_or_people_stays_in_the_county(client, people, settings, two_counties):
    response = city_page(client, people["leader"], settings, reverse("home"))
    assert response.url == CENTRE  # a city's first screen
    response = client.get(CENTRE, {"period": NOVEMBER_CODE})
    assert response.context["feed"] is None
    page = response.content.decode()
    for name in ("command:coverage", "command:recurring", "command:risk", "command:live"):
        assert reverse(name) not in page
        assert client.get(reverse(name)).status_code == 404, name
    assert client.get(reverse("command:cases"), {"indicator": "reported"}).status_code == 404
    assert reverse("command:cases") not in page
    # The menu offers the pages that work here, not the county's case pages.
    menu = [url for _label, url in response.context["nav_items"]]
    assert CENTRE in menu and reverse("rollup:counts") in menu
    for name in ("cases:overview", "cases:inbox", "cases:figures"):
        assert reverse(name) not in menu, name


def test_the_city_map_draws_its_counties(client, people, settings, two_counties):
    response = city_page(client, people["leader"], settings, reverse("command:outlines"))
    assert response.status_code == 200
    features = response.json()["features"]
    assert sorted(feature["properties"]["code"] for feature in features) == [
        "610722",
        OTHER_COUNTY,
    ]
