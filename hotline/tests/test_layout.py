"""Reading an export: headers found by name wherever they stand, Excel's line numbers, and a
bad file refused whole with one message."""

import io
import zipfile

import pytest
from django.utils import translation

from hotline.layout import WorkbookRefused, read_workbook

from .conftest import HEADERS, order, workbook_bytes


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are matched in English (asked for), so that they still match once the
    Chinese translations are in the catalogue."""
    with translation.override("en"):
        yield


def test_headers_are_matched_by_name_in_any_order_under_a_title(tmp_path):
    shuffled = list(reversed(HEADERS)) + ["承办单位"]
    data = workbook_bytes(
        tmp_path, [order("A1"), None, order("A2")], headers=shuffled, title="12345热线工单导出"
    )

    sheet = read_workbook(data)

    assert sheet.headers["order_number"] == "工单编号" and sheet.headers["lon"] == "经度"
    # Title on line 1, header on 2, orders on 3 and 5: the blank line 4 is passed over.
    assert [(line, cells["order_number"]) for line, cells in sheet.rows] == [(3, "A1"), (5, "A2")]
    assert sheet.rows[0][1]["category"] == "E0101"


def test_other_names_spaces_and_required_stars_are_understood(tmp_path):
    headers = ["*工单号", "问题分类", "问题描述 ", "事发地点", "联系电话"]
    data = workbook_bytes(
        tmp_path,
        [{"*工单号": "B1", "问题分类": "E0101", "问题描述 ": "垃圾", "事发地点": "阳光小区"}],
        headers=headers,
    )

    sheet = read_workbook(data)

    assert sheet.header("order_number") == "*工单号"
    assert sheet.rows[0][1] == {
        "order_number": "B1",
        "category": "E0101",
        "description": "垃圾",
        "address": "阳光小区",
        "caller_phone": None,
    }


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        ("工单编号,诉求分类\n1,E0101\n".encode(), "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ".xls"),
        (b"PK\x03\x04 not really a zip", "not an Excel workbook"),
    ],
)
def test_a_file_that_is_no_xlsx_is_refused(data, words):
    with pytest.raises(WorkbookRefused, match=words.replace(".", r"\.")):
        read_workbook(data)


def test_a_zip_that_is_no_workbook_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "hello")
    with pytest.raises(WorkbookRefused, match="cannot be read"):
        read_workbook(archive.getvalue())


def test_missing_required_headers_are_named(tmp_path):
    data = workbook_bytes(tmp_path, [{"工单编号": "C1"}], headers=["工单编号", "经度", "来电人"])
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(data)
    message = str(refused.value)
    assert "诉求分类" in message and "诉求内容" in message and "纬度" in message


def test_a_file_with_no_place_columns_is_refused(tmp_path):
    data = workbook_bytes(tmp_path, [order("D1")], headers=["工单编号", "诉求分类", "诉求内容"])
    with pytest.raises(WorkbookRefused, match="事发地址"):
        read_workbook(data)


def test_no_header_row_is_refused(tmp_path):
    data = workbook_bytes(tmp_path, [{"编号": "1"}], headers=["编号", "内容"])
    with pytest.raises(WorkbookRefused, match="工单编号"):
        read_workbook(data)


def test_a_header_without_orders_is_refused(tmp_path):
    with pytest.raises(WorkbookRefused, match="no work orders"):
        read_workbook(workbook_bytes(tmp_path, [None, None]))


def test_two_columns_for_one_field_are_refused(tmp_path):
    data = workbook_bytes(tmp_path, [order("E1")], headers=[*HEADERS, "联系电话"])
    with pytest.raises(WorkbookRefused, match="联系电话"):
        read_workbook(data)
