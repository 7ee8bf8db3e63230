"""What only a browser shows: the report form offers the category as the description is typed,
and chooses it when the suggester is sure."""

import pytest

from cases.tests.test_browser import browser, log_in  # noqa: F401 (fixtures)

from .test_suggestions import shipped  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_typing_the_description_chooses_the_category(
    transactional_db,
    live_server,
    browser,  # noqa: F811 (the fixture imported above)
    shipped,  # noqa: F811
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
