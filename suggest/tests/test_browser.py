"""What only a browser shows: the report forms (staff, and the residents' portal on a phone) offer
the category as the description is typed, and choose it when the suggester is sure."""

import pytest

from cases.tests.test_browser import browser, emptied_timeline, log_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_typing_the_description_chooses_the_category(
    transactional_db,
    live_server,
    browser,  # noqa: F811 (the fixture imported above)
    shipped,
    people,
):
    page = browser.new_page(locale="zh-CN")
    log_in(page, live_server.url, "grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.fill("textarea[name=description]", "城南路加油站往南那一截路边的灯都黑了一个礼拜了")
    page.wait_for_selector("button.suggestion")
    chosen = page.eval_on_selector(
        "select[name=category]", "select => select.options[select.selectedIndex].text"
    )
    assert chosen == "路灯"
    offered = page.locator("button.suggestion").all_inner_texts()
    assert offered[0].startswith("公用设施 › 路灯")
    assert page.input_value("input[name=suggestion_id]")


def test_a_resident_typing_on_the_portal_gets_the_category_chosen_and_the_choice_logged(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    shipped,
):
    from cases.models import Case
    from cases.tests.test_browser import pixel_of
    from portal.tests.test_portal_browser import LAT, LON, phone_page
    from suggest.models import SuggestionLog

    page = phone_page(browser)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#map[data-ready='1']")
    page.evaluate("([lat, lon]) => window.wanggeMap.setView([lat, lon], 17, {animate: false})",
                  [LAT, LON])  # fmt: skip
    page.locator("#map").click(position=pixel_of(page, LON, LAT))
    page.wait_for_selector("#grid-result [data-grid-code]")
    page.fill("textarea[name=description]", "学校门口那盏路灯三个晚上都不亮了，黑漆漆的")
    page.wait_for_selector("button.suggestion")
    lamp = page.locator("input[name=category]:checked")
    assert lamp.evaluate("radio => radio.closest('label').textContent.trim()") == "路灯"
    assert lamp.is_visible()  # its folded group was opened
    page.fill("input[name='attr-lamps_out']", "1")  # the lamp's own question, fetched on choosing
    page.click("button[type=submit].button--wide")
    page.wait_for_url("**/follow/**")
    case = Case.objects.get()
    log = SuggestionLog.objects.get(case=case)
    assert (log.channel, log.suggested, log.chosen) == ("portal", "C0103", "C0103")

    page.goto(f"{live_server.url}/")
    page.fill("textarea[name=description]", "我想问一下社保卡丢了怎么补办")
    page.wait_for_selector(".suggestions__hint")
    assert "12345" in page.inner_text(".suggestions__hint")
    assert page.locator("input[name=category]:checked").count() == 0
    assert not page.problems
