"""In a browser: choosing a category of a kind with details brings its fields into the report
form (htmx), and the case page shows them."""

import pytest

from cases.models import Case
from cases.tests.test_browser import (  # noqa: F401 (fixtures)
    browser,
    emptied_timeline,
    log_in,
    pixel_of,
)
from conftest import IN_FIRST_GRID
from tests.test_example_kind import night_noise  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_the_report_form_asks_the_chosen_kinds_details(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    night_noise,  # noqa: F811
    tmp_path,
):
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "grid_worker")
    page.wait_for_url(f"{live_server.url}/cases/")

    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    lon, lat = IN_FIRST_GRID
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector("#grid-result [data-grid-code='610722001001001']")
    assert page.locator("input[name=detail-decibels]").count() == 0

    page.select_option("select[name=category]", str(night_noise.pk))
    page.wait_for_selector("input[name=detail-decibels]")
    page.fill("input[name=detail-decibels]", "66")
    page.check("input[name=detail-at_night]")
    page.fill("textarea[name=description]", "工地夜间打桩")
    page.screenshot(path=str(tmp_path / "report-with-details.png"), full_page=True)
    page.click("button[type=submit].button--wide")
    page.wait_for_url(f"{live_server.url}/cases/*/")

    case = Case.objects.get()
    assert (case.case_kind, case.noise.decibels, case.noise.at_night) == ("noise", 66, True)
    assert "66 dB(A)" in page.inner_text(".casepage__kind")
