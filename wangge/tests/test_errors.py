"""Error pages in the site's layout and language, in the demo (DEBUG) as in production."""

import pytest

from cases.tests.test_pages import log_in, report_rubbish


@pytest.mark.parametrize("debug", [False, True])
def test_a_mistyped_case_number_gives_the_sites_404_in_chinese(client, people, settings, debug):
    settings.DEBUG = debug
    log_in(client, people["town_operator"])
    response = client.get("/cases/2612019999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "未找到" in page
    assert 'action="/cases/go/"' in page  # and a way on: the case-number box
    assert "Technical" not in page and "Page not found" not in page
    assert client.get("/no/such/page/").status_code == 404


def test_opening_an_action_address_directly_explains_instead_of_an_empty_405(
    client, people, categories
):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    response = client.get(f"/cases/{case.code}/act/accept/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "不能直接打开" in response.content.decode()


def test_a_page_outside_ones_role_says_so_in_the_layout(client, people):
    log_in(client, people["grid_worker"])
    response = client.get("/rollup/")
    assert response.status_code == 403
    assert "无权打开" in response.content.decode()


def test_every_page_names_its_icon(client, people):
    log_in(client, people["grid_worker"])
    assert 'rel="icon"' in client.get("/cases/").content.decode()
