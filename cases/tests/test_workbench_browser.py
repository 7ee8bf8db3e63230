"""The workbench on a 390 px phone, in Chromium: the overdue case first, the main action open and
first at every step of the loop, right after the case's summary, and the site's own 404."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.tests.test_browser import browser, emptied_timeline, log_in  # noqa: F401 (fixtures)
from cases.tests.test_pages import report_rubbish

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def phone_page(browser):  # noqa: F811 (the fixture's value)
    return browser.new_context(viewport=PHONE, locale="zh-CN").new_page()


def first_action(page) -> tuple[str, str]:
    """The tag and class of the first action on the case page, as the user meets it."""
    return page.evaluate(
        "() => { const a = document.querySelector('.actions .action');"
        " return [a.tagName.toLowerCase(), a.className]; }"
    )


def test_on_a_phone_the_queue_and_each_step_lead_with_what_is_due(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    categories,
    departments,
):
    base = live_server.url
    late, fresh = report_rubbish(people, categories), report_rubbish(people, categories)
    Case.objects.filter(pk=late.pk).update(accept_deadline=timezone.now() - timedelta(hours=3))
    Case.objects.filter(pk=fresh.pk).update(accept_deadline=timezone.now() + timedelta(hours=1))

    page = phone_page(browser)
    log_in(page, base, "town_operator")
    page.goto(f"{base}/cases/")
    codes = page.locator("#case-table .cases__code a").all_inner_texts()
    assert codes[:2] == [late.code, fresh.code]
    assert "超期" in page.locator("#case-table tbody tr").first.inner_text()
    header = page.evaluate("() => document.querySelector('.topbar').getBoundingClientRect().height")
    assert header < 90  # two rows, not three

    # Every step of the loop: who acts, the action that must come first and open, what it sends.
    steps = [
        ("town_operator", "accept", {}),
        ("town_operator", "dispatch", {}),
        ("urban_handler", "start", {}),
        ("urban_handler", "feed_back", {"note": "已清运"}),
        ("grid_worker", "verify", {}),
        ("town_operator", "close", {}),
        ("town_operator", "evaluate", {"rating": "5"}),
    ]
    for username, action, inputs in steps:
        page = phone_page(browser)
        log_in(page, base, username)
        page.goto(f"{base}/cases/{late.code}/")
        tag, classes = first_action(page)
        assert (tag, f"action--{action}") == ("div", classes.split()[-1]), (username, action)
        summary = page.locator(".casepage__summary").bounding_box()
        actions = page.locator(".casepage__actions").bounding_box()
        details = page.locator(".casepage__details").bounding_box()
        assert summary["y"] < actions["y"] < details["y"], action  # right after the summary
        form = page.locator(f".action--{action} form")
        if "note" in inputs:
            form.locator("textarea[name=note]").fill(inputs["note"])
        if "rating" in inputs:
            form.locator(f"input[name=rating][value='{inputs['rating']}']").check()
        if action == "verify":  # the handler's result stands beside the button that judges it
            assert "已清运" in page.locator(".actions .result").inner_text()
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        page.context.close()
    assert Case.objects.get(pk=late.pk).status == "evaluated"


def test_a_mistyped_case_number_shows_the_sites_404_in_chinese(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
):
    page = phone_page(browser)
    log_in(page, live_server.url, "grid_worker")
    response = page.goto(f"{live_server.url}/cases/2612019999/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "未找到"
    assert page.locator(".topbar").is_visible()  # in the site's layout, with its case-number box
    page.fill("#error-code", "2612019999")
    page.click(".error-page .jump button")
    assert "没有您可以查看的编号为" in page.locator(".messages").inner_text()
