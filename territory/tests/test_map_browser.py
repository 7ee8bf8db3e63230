"""What only a browser shows on the maps, on a phone's screen (390 × 844): a place typed in the
search box moves the map there (on the report form it is also the point, and its town's grids
come on demand), a point outside the county or no point at all is refused before anything is
sent, and place names are drawn by zoom without overlapping."""

import re

import pytest

from cases.models import Case
from cases.services import report_case
from cases.tests.test_browser import (  # noqa: F401 (fixtures)
    browser,
    emptied_timeline,
    log_in,
    pixel_of,
)
from conftest import IN_FIRST_GRID
from territory.services import import_divisions, import_gazetteer

pytestmark = pytest.mark.browser

OUTSIDE = (106.97, 33.15)  # west of the test county, on the grid worker's first view
# The maps run under the Content-Security-Policy (labels, search results, map.css): any violation
# is kept here and each test ends by asserting there was none.
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def open_page(browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_POLICY)
    page.sent = []  # (method, path) of every request the page makes
    page.on("request", lambda request: page.sent.append((request.method, request.url)))
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def close(page) -> None:
    """Nothing the policy refused, no script error, no request to another host."""
    assert page.evaluate("window.__violations") == []
    assert page.errors == []
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    assert [url for _method, url in page.sent if not url.startswith(origin)] == []
    page.context.close()


def posts_to(page, path: str) -> list:
    return [url for method, url in page.sent if method == "POST" and url.endswith(path)]


def map_centre(page) -> tuple[float, float]:
    return tuple(
        page.evaluate("() => { const c = window.wanggeMap.getCenter(); return [c.lng, c.lat]; }")
    )


def set_view(page, lon: float, lat: float, zoom: float) -> None:
    page.evaluate(
        "([lat, lon, zoom]) => { window.wanggeMap.setView([lat, lon], zoom, {animate: false}); }",
        [lat, lon, zoom],
    )
    page.wait_for_timeout(300)  # labels are drawn on the next animation frame


def labels(page) -> list[dict]:
    """Each drawn name: its level, text and box on the screen."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.map-label')).map((node) => {
             const box = node.firstChild.getBoundingClientRect();
             return {level: node.className.split('--')[1], text: node.textContent,
                     box: [box.left, box.top, box.right, box.bottom]};
           })"""
    )


def assert_apart(drawn: list[dict]) -> None:
    for i, one in enumerate(drawn):
        for other in drawn[i + 1 :]:
            a, b = one["box"], other["box"]
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (one, other)


def test_a_place_typed_in_the_search_box_moves_the_map_and_sets_the_point(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
):
    import_gazetteer("name,kind,lon,lat\n东镇卫生院,医院,107.35,33.15\n")
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    # The grid worker's map starts with their own area: the south-east village is not in it.
    assert not page.evaluate("() => '610722002101001' in window.wanggeGrids")

    page.fill("#map-search-input", "东镇南")
    first = page.wait_for_selector(".map-search__result")
    assert "东镇南村" in first.inner_text()
    page.press("#map-search-input", "Enter")  # the first place found; the form is not sent
    page.wait_for_selector("#grid-result [data-grid-code^='610722002101']")
    lon, lat = map_centre(page)
    assert 107.2 < lon < 107.4 and 33.0 < lat < 33.1  # the village's middle
    assert 107.2 < float(page.input_value("input[name=lon]")) < 107.4
    assert 33.0 < float(page.input_value("input[name=lat]")) < 33.1
    page.wait_for_function("() => '610722002101001' in window.wanggeGrids")  # its town, on demand
    assert page.url.endswith("/cases/report/") and not posts_to(page, "/cases/report/")

    # A gazetteer entry: the map goes to its point, and the point is its grid's.
    page.fill("#map-search-input", "卫生院")
    found = page.wait_for_selector(".map-search__result:has-text('东镇卫生院')")
    found.click()
    page.wait_for_selector("#grid-result [data-grid-code='610722002001002']")
    lon, lat = map_centre(page)
    assert abs(lon - 107.35) < 1e-6 and abs(lat - 33.15) < 1e-6
    assert page.input_value("input[name=lon]") == "107.35"
    assert page.locator(".map-search__results").is_hidden()
    assert not Case.objects.exists()
    close(page)


def test_no_point_or_a_point_outside_the_county_is_refused_before_sending(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
):
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    page.select_option("select[name=category]", str(categories["rubbish"].pk))
    page.fill("textarea[name=description]", "村口垃圾堆积")

    # No point yet: said at once, nothing sent.
    page.click("button[type=submit].button--wide")
    missing = page.get_attribute("#map", "data-missing-message")
    assert missing and page.inner_text("#grid-result [role=alert]") == missing
    assert not posts_to(page, "/cases/report/")

    # A point outside the county: refused with the county's name, not numbers, and not sent to
    # the server to be located either.
    page.locator("#map").click(position=pixel_of(page, *OUTSIDE))
    refusal = page.inner_text("#grid-result [role=alert]")
    assert "城固县" in refusal and "106.97" not in refusal
    assert not posts_to(page, "/territory/locate/")
    page.click("button[type=submit].button--wide")
    assert "城固县" in page.inner_text("#grid-result [role=alert]")
    assert page.url.endswith("/cases/report/") and not posts_to(page, "/cases/report/")

    # A point inside goes through.
    page.locator("#map").click(position=pixel_of(page, *IN_FIRST_GRID))
    page.wait_for_selector("#grid-result [data-grid-code='610722001001001']")
    page.click("button[type=submit].button--wide")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))
    assert Case.objects.get().grid.code == "610722001001001"
    close(page)


def test_names_show_by_zoom_and_never_overlap(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
):
    # A town name long enough to run into its neighbour's when the whole county is in view.
    import_divisions("code,name,level,parent_code\n610722001,西镇西镇西镇西镇西镇西镇西镇西镇,town,610722\n")  # fmt: skip
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")

    set_view(page, 107.2, 33.1, 8)  # the county small: towns only, and of two that collide, one
    drawn = labels(page)
    assert {label["level"] for label in drawn} == {"town"} and len(drawn) == 1
    set_view(page, 107.2, 33.1, 9)  # closer: both fit
    assert sorted(label["text"] for label in labels(page)) == [
        "东镇",
        "西镇西镇西镇西镇西镇西镇西镇西镇",
    ]

    set_view(page, 107.1, 33.15, 12)  # a village's name, with its town's
    drawn = labels(page)
    assert {"town", "village"} == {label["level"] for label in drawn}
    assert "西镇北村" in [label["text"] for label in drawn]
    assert_apart(drawn)

    set_view(page, *IN_FIRST_GRID, 15)  # a grid's name, without its village's in front
    drawn = labels(page)
    assert "第1网格" in [label["text"] for label in drawn if label["level"] == "grid"]
    assert "town" not in {label["level"] for label in drawn}
    assert_apart(drawn)
    assert page.locator(".map-label span *").count() == 0  # names are text, never markup
    close(page)


def test_the_case_page_search_moves_the_map_but_not_the_case(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
):
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"], category=categories["rubbish"],
        description="路边垃圾堆积", lon=lon, lat=lat,
    )  # fmt: skip
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/{case.code}/")
    page.wait_for_selector("#map[data-ready='1']")
    page.fill("#map-search-input", "东镇北村")
    page.press("#map-search-input", "Enter")
    page.wait_for_function(
        "() => { const c = window.wanggeMap.getCenter(); return c.lng > 107.2 && c.lat > 33.1; }"
    )
    assert not posts_to(page, "/territory/locate/")
    case.refresh_from_db()
    assert (case.lon, case.lat) == (lon, lat)
    close(page)
