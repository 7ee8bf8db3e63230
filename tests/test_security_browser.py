"""In a browser: a name written as markup stays text on the maps, the main pages run under the
Content-Security-Policy without a violation, and "use my location" sends the point in a body."""

import pytest

from cases.services import report_case
from cases.tests.test_browser import (  # noqa: F401 (fixtures)
    browser,
    emptied_timeline,
    log_in,
    pixel_of,
)
from cases.tests.test_pages import png
from conftest import IN_FIRST_GRID
from territory.cache import forget_territory_caches
from territory.models import Region

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__xss=1">'
FIRST_GRID = "610722001001001"

# Every violation of the policy, as the page sees it (events) and as the console reports it;
# open_page adds the page's uncaught errors (an htmx or Leaflet call the policy broke).
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def open_page(browser, **context):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", **context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.add_init_script(WATCH_POLICY)
    page.problems = []
    page.on(
        "console",
        lambda message: (
            page.problems.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.documents = []  # (url, its policy) of every page loaded, to know the policy was on
    page.on(
        "response",
        lambda response: (
            page.documents.append(
                (response.url, response.headers.get("content-security-policy", ""))
            )
            if response.request.resource_type == "document"
            else None
        ),
    )
    return page


def assert_no_violation(page, where: str) -> None:
    """No violation, and the policy was in force: every page so far came with it."""
    violations = page.evaluate("window.__violations")
    assert violations == [] and page.problems == [], (where, violations, page.problems)
    unguarded = [url for url, policy in page.documents if "script-src 'self'" not in policy]
    assert page.documents and not unguarded, (where, unguarded)


@pytest.fixture
def renamed_grid(people):
    """A grid whose name an administrator (or an imported GeoJSON) wrote as markup."""
    grid = Region.objects.get(code=FIRST_GRID)
    grid.name = PAYLOAD
    grid.save()
    forget_territory_caches()
    return grid


def test_a_grid_named_like_markup_shows_as_text_on_the_maps(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    renamed_grid,
    tmp_path,
):
    page = open_page(browser)
    log_in(page, live_server.url, "grid_worker")

    # The report form's map: the name in the grid's tooltip, and in the grid that was picked.
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    lon, lat = IN_FIRST_GRID
    page.locator("#map").hover(position=pixel_of(page, lon - 0.02, lat - 0.02))
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.inner_text() == PAYLOAD
    assert page.locator(".leaflet-tooltip *").count() == 0  # text, no element made from it
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector(f"#grid-result [data-grid-code='{FIRST_GRID}']")
    assert PAYLOAD in page.inner_text("#grid-result")
    assert page.locator("#grid-result img").count() == 0
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert page.evaluate("window.__xss") is None

    # The case page's map and details.
    case = report_case(
        reporter=people["grid_worker"], category=categories["rubbish"],
        description="路边垃圾堆积", lon=lon, lat=lat,
    )  # fmt: skip
    page.goto(f"{live_server.url}/cases/{case.code}/")
    page.wait_for_selector("#map[data-ready='1']")
    page.locator("#map").hover(position=pixel_of(page, lon - 0.03, lat + 0.03))
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.inner_text() == PAYLOAD
    assert page.locator(".leaflet-tooltip *").count() == 0
    assert PAYLOAD in page.inner_text(".details")
    assert page.locator(".casepage img").count() == 0
    page.locator(".casepage__map").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    assert page.evaluate("window.__xss") is None
    page.context.close()


def test_the_main_pages_run_under_the_policy_without_a_violation(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"], category=categories["rubbish"],
        description="路边垃圾堆积", lon=lon, lat=lat, photos=[png()],
    )  # fmt: skip
    base = live_server.url
    page = open_page(browser)

    page.goto(f"{base}/login/")
    page.wait_for_load_state("networkidle")
    assert_no_violation(page, "login")
    log_in(page, base, "town_operator")
    page.wait_for_url(f"{base}/cases/")

    # The inbox and its filters (htmx swaps the table in).
    page.goto(f"{base}/cases/?tab=all")
    page.click(".filterbox > summary")  # folded on a phone: the first case comes first
    with page.expect_response(lambda response: "status=reported" in response.url):
        page.select_option("select[name=status]", "reported")
    page.wait_for_selector(f"#case-table a[href='/cases/{case.code}/']")
    assert_no_violation(page, "inbox")

    # The report form with its map: pick a point (htmx POST), choose a category (htmx GET).
    page.goto(f"{base}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector(f"#grid-result [data-grid-code='{FIRST_GRID}']")
    with page.expect_response(lambda response: "/cases/report/details/" in response.url):
        page.select_option("select[name=category]", str(categories["rubbish"].pk))
    assert_no_violation(page, "report")

    # The case page: its map and its photo.
    page.goto(f"{base}/cases/{case.code}/")
    page.wait_for_selector("#map[data-ready='1']")
    # A function, not a string: Playwright would eval a string in the page, which the policy stops.
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    assert page.evaluate("document.querySelector('.photos img').naturalWidth") > 0
    assert_no_violation(page, "case page")

    # The admin: its login, index, a list with its actions and change forms with their widgets.
    administrator = people["admin"]
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    admin_page = open_page(browser)
    log_in(admin_page, base, "admin", path="/admin/login/")
    admin_page.wait_for_url(f"{base}/admin/")
    assert_no_violation(admin_page, "admin index")
    for path in (
        "/admin/cases/case/",
        f"/admin/staff/user/{people['grid_worker'].pk}/change/",
        f"/admin/cases/category/{categories['rubbish'].pk}/change/",
        "/admin/cases/calendarday/add/",
    ):
        admin_page.goto(f"{base}{path}")
        admin_page.wait_for_load_state("networkidle")
        assert_no_violation(admin_page, path)
    # The admin's scripts ran: the user form's permission picker was built by SelectFilter2.js.
    admin_page.goto(f"{base}/admin/staff/user/{people['grid_worker'].pk}/change/")
    admin_page.wait_for_selector("#id_user_permissions_filter")
    assert_no_violation(admin_page, "user form")
    page.context.close()
    admin_page.context.close()


def test_use_my_location_sends_the_point_in_the_request_body(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
):
    lon, lat = IN_FIRST_GRID
    page = open_page(
        browser, geolocation={"longitude": lon, "latitude": lat}, permissions=["geolocation"]
    )
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")

    with page.expect_request(lambda request: "/territory/locate/" in request.url) as sent:
        page.click("#use-location")
    request = sent.value
    assert request.method == "POST"
    assert request.url == f"{live_server.url}/territory/locate/"
    assert request.post_data == f"lon={lon}&lat={lat}"
    assert request.headers["x-csrftoken"]
    page.wait_for_selector(f"#grid-result [data-grid-code='{FIRST_GRID}']")
    assert not [url for url in urls if str(lon) in url or str(lat) in url]
    assert_no_violation(page, "use my location")
    page.context.close()
