"""In Chromium on a phone: the grid worker's app installs its service worker, and with the network
gone it still opens, showing the queue as it was and saying that there is no signal."""

import pytest

from cases.models import Category
from cases.services import report_case, take_action
from cases.tests.test_browser import browser, emptied_timeline, log_in  # noqa: F401 (fixtures)
from conftest import IN_FIRST_GRID

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def handled(people):
    """A case handled and waiting for the grid worker's verification (核查)."""
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code="E0101"),
        description="垃圾堆积",
        lon=lon,
        lat=lat,
        attributes={"volume": 2},
    )
    for user, action, inputs in (
        (people["town_operator"], "accept", {}),
        (people["town_operator"], "dispatch", {}),
        (people["urban_handler"], "start", {}),
        (people["urban_handler"], "feed_back", {"note": "已清运"}),
    ):
        case = take_action(case, user, action, inputs)
    return case


@pytest.fixture
def to_verify(people, rubbish_questions):
    return handled(people)


def test_the_app_opens_without_signal_showing_the_queue_as_it_was(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    to_verify,
):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/field/")
    assert to_verify.code in page.inner_text(".field__queue")
    page.evaluate("navigator.serviceWorker.ready")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then((r) => r.json())"
    )
    assert (manifest["start_url"], manifest["display"]) == ("/field/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}

    context.set_offline(True)
    later = handled(people)  # reaches the queue while the phone has no signal
    page.reload()

    queue = page.inner_text(".field__queue")
    assert to_verify.code in queue and later.code not in queue  # the page the phone kept
    assert page.is_visible(".field__offline")
    assert "没有信号" in page.inner_text(".field__offline")
    assert not page.is_visible(".field__online")

    context.set_offline(False)
    page.reload()
    assert later.code in page.inner_text(".field__queue")  # fresh again with signal
    assert page.is_visible(".field__online")
    assert not problems, problems
