"""Fixtures for hotline imports: workbooks written with openpyxl, a gazetteer place, huey inline."""

from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY
from openpyxl import Workbook

from territory.models import GazetteerEntry, PlaceKind, Region

HEADERS = [
    "工单编号",
    "受理时间",
    "来电人",
    "来电号码",
    "诉求分类",
    "诉求内容",
    "事发地址",
    "经度",
    "纬度",
    "紧急程度",
]


def order(number: str, **cells) -> dict:
    """A good work order in the first grid (IN_FIRST_GRID), changed by `cells` (header → value)."""
    row = {
        "工单编号": number,
        "受理时间": "2025-03-01 09:30",
        "来电人": "王女士",
        "来电号码": "13800000000",
        "诉求分类": "E0101",
        "诉求内容": "小区门口垃圾堆积多日无人清运",
        "事发地址": "西镇北村",
        "经度": 107.05,
        "纬度": 33.15,
        "紧急程度": "一般",
    }
    row.update(cells)
    return row


def write_workbook(
    path: Path, orders: list[dict | None], headers: list[str] = HEADERS, title: str | None = None
) -> Path:
    """An export as the platform writes it: an optional title line, the header, one line per
    order (None: a blank line)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工单列表"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in orders:
        if row is None:
            sheet.append([])
        else:
            sheet.append([row.get(header) for header in headers])
    workbook.save(path)
    return path


def workbook_bytes(tmp_path: Path, orders: list[dict | None], **options) -> bytes:
    return write_workbook(tmp_path / "orders.xlsx", orders, **options).read_bytes()


@pytest.fixture(autouse=True)
def huey_runs_tasks_inline():
    """An import enqueued on commit runs at once, in this thread and test database."""
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


@pytest.fixture
def gazetteer(county):
    """阳光小区 in the first grid; 东关小学 in the east town."""
    return {
        "compound": GazetteerEntry.objects.create(
            name="阳光小区",
            kind=PlaceKind.COMPOUND,
            lon=107.06,
            lat=33.16,
            grid=Region.objects.get(code="610722001001001"),
        ),
        "school": GazetteerEntry.objects.create(
            name="东关小学",
            kind=PlaceKind.SCHOOL,
            lon=107.25,
            lat=33.15,
            grid=Region.objects.get(code="610722002001001"),
        ),
    }
