"""A county leader in Chromium: the county coloured by an indicator, a click on a town drills
down to a village and a grid, the breadcrumbs lead back, another indicator is chosen, and the
Excel export holds the database's figures."""

import os

import pytest
from openpyxl import load_workbook

from cases.services import report_case
from cases.tests.test_browser import log_in
from command.selectors import figure, indicator_at
from command.tests.month import NOVEMBER
from conftest import IN_FIRST_GRID
from territory.models import Region

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.browser


def click_map_at(page, lon: float, lat: float) -> None:
    point = page.evaluate(
        "([lat, lon]) => window.wanggeChoropleth._map.latLngToContainerPoint([lat, lon])",
        [lat, lon],
    )
    page.locator("#choropleth").click(position={"x": point["x"], "y": point["y"]})


def test_a_leader_drills_from_the_county_to_a_grid_and_back_and_exports_the_month(
    emptied_timeline, shipped_indicators, live_server, browser, people, month, tmp_path
):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/command/?indicator=reported&period=2026-11")
    page.wait_for_selector("#choropleth[data-ready='1']")
    page.wait_for_selector(".chart[data-chart='over_time'][data-ready='1']")
    labels = page.locator(".choropleth-label").all_inner_texts()
    assert sorted(labels) == ["东镇 1", "西镇 6"]

    click_map_at(page, *IN_FIRST_GRID)  # the west town
    page.wait_for_url("**region=610722001&**")
    page.wait_for_selector("#choropleth[data-ready='1']")
    assert page.inner_text(".crumbs").split() == ["城固县", "›", "西镇"]
    page.locator(".command-parts tbody a").first.click()  # a village
    page.wait_for_selector("#choropleth[data-ready='1']")
    page.locator(".command-parts tbody a").first.click()  # a grid
    page.wait_for_selector("#choropleth[data-ready='1']")
    grid = Region.objects.get(code="610722001001001")
    assert grid.name in page.inner_text("h1")
    assert page.locator(".command-parts").count() == 0  # the bottom: no parts below
    assert len(page.locator(".crumbs a").all()) == 3  # county, town, village

    page.locator(".crumbs a").first.click()  # back to the county
    page.wait_for_selector("#choropleth[data-ready='1']")
    assert "region=610722&" in page.url
    page.select_option("select[name=indicator]", "closed_on_time_rate")
    page.click(".command-controls button[type=submit]")
    page.wait_for_url("**indicator=closed_on_time_rate**")
    page.wait_for_selector("#choropleth[data-ready='1']")
    assert "按期结案率" in page.inner_text("h1")
    assert sorted(page.locator(".choropleth-label").all_inner_texts()) == ["东镇 —", "西镇 25.0%"]

    with page.expect_download() as download:
        page.click("a[href*='export.xlsx']")
    saved = tmp_path / "month.xlsx"
    download.value.save_as(saved)
    indicators, towns = load_workbook(saved).worksheets
    by_name = {row[0]: row[2] for row in indicators.iter_rows(min_row=2, values_only=True)}
    county = Region.objects.get(code="610722")
    for code in ("reported", "accepted", "closed", "closed_on_time_rate", "rework_rate"):
        indicator = indicator_at(code)
        assert by_name[indicator.name] == pytest.approx(
            figure(indicator, county, *NOVEMBER).value
        ), code
    assert {row[0]: row[2] for row in towns.iter_rows(min_row=2, values_only=True)} == {
        "610722001": pytest.approx(25.0),
        "610722002": None,
    }


def test_the_live_feed_moves_without_a_reload_when_a_case_is_reported_elsewhere(
    emptied_timeline, shipped_indicators, live_server, browser, people, categories, settings
):
    settings.COMMAND_FEED_SECONDS = 1
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/command/?screen=wall")
    page.wait_for_selector("#choropleth[data-ready='1']")
    assert page.locator(".topbar").is_hidden()  # a wall screen: the map, the feed, 4 figures
    assert page.locator(".wall-figures > div").count() == 4
    page.evaluate("window.stillThisPage = true")

    case = report_case(  # as another browser, the API or the hotline would
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="刚刚有人倒了垃圾",
        lon=IN_FIRST_GRID[0],
        lat=IN_FIRST_GRID[1],
    )
    page.wait_for_selector(f"#feed a:has-text('{case.code}')")
    assert page.evaluate("window.stillThisPage") is True  # no reload: the feed alone moved
