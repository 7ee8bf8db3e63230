"""In a browser: an operator uploads an export, the page follows the import by htmx and shows
the rows that failed, and the error report downloads."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import Case
from cases.tests.test_browser import browser, emptied_timeline, log_in  # noqa: F401 (fixtures)
from hotline.services import create_batch, run_import

from .conftest import order, workbook_bytes, write_workbook

pytestmark = pytest.mark.browser


def test_an_operator_uploads_an_export_and_downloads_its_error_report(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    tmp_path,
):
    path = write_workbook(
        tmp_path / "12345工单-0301.xlsx",
        [
            order("GD0301001"),
            order("GD0301002", 诉求分类="城乡建设/违章建筑"),
            order("GD0301003", 经度=None, 纬度=None, 事发地址="城固县某某大街100号"),
            order("GD0301004", 诉求内容=""),
            order("GD0301005", 紧急程度="紧急"),
        ],
        title="12345政务服务便民热线工单导出（2025-03-01）",
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "county_operator")
    page.click(".topnav a[href='/hotline/']")

    page.set_input_files("input[name=workbook]", str(path))
    page.click(".hotline-upload button[type=submit]")
    page.wait_for_selector("#progress[data-state='done']")

    assert page.inner_text("[data-count=created]") == "2"
    assert page.inner_text("[data-count=failed]") == "3"
    assert page.evaluate("document.querySelector('#progress progress').value") == 100
    lines = page.locator(".hotline-errors tbody tr")
    assert lines.count() == 3
    assert lines.nth(0).inner_text().split("\t")[:3] == ["4", "GD0301002", "诉求分类"]
    assert Case.objects.filter(hotline_order__order_number__startswith="GD0301").count() == 2
    page.screenshot(path=str(tmp_path / "hotline-import.png"), full_page=True)

    with page.expect_download() as download:
        page.click(".hotline-report__links a[href$='/errors/']")
    report = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [row[0] for row in report.iter_rows(min_row=2, values_only=True)] == [4, 5, 6]

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "hotline-import-phone.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.click(".pagehead a[href='/hotline/']")
    listed = page.locator(".hotline-batches tbody tr")
    assert listed.count() == 1 and "12345工单-0301.xlsx" in listed.inner_text()
    page.screenshot(path=str(tmp_path / "hotline-list.png"), full_page=True)


def test_the_progress_bar_follows_an_import_running_elsewhere(
    emptied_timeline,  # noqa: F811
    live_server,
    browser,  # noqa: F811
    people,
    tmp_path,
):
    batch = create_batch(
        file_name="orders.xlsx",
        data=workbook_bytes(tmp_path, [order("PR1"), order("PR2", 诉求分类="X99")]),
        user=people["county_operator"],
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.set_default_timeout(15_000)
    log_in(page, live_server.url, "county_operator")
    page.goto(f"{live_server.url}/hotline/{batch.pk}/")
    page.wait_for_selector("#progress[data-state='queued'][hx-trigger]")
    page.screenshot(path=str(tmp_path / "hotline-waiting.png"), full_page=True)

    run_import(batch.pk)  # the huey worker's part, here

    page.wait_for_selector("#progress[data-state='done']")  # htmx polled and swapped it in
    assert page.locator("#progress[hx-trigger]").count() == 0
    assert page.inner_text("[data-count=created]") == "1"
    assert page.locator(".hotline-errors tbody tr").count() == 1
