"""The layout of a 12345 export (docs/hotline.md) and the reading of a workbook into rows.

Columns are found by their header, never by position: platforms order them differently and word
some of them differently, so each column has a few names. Columns not named here (办理时限,
承办单位, 工单状态 …) are left alone. A file is refused whole, before anything is written, when it
is not an .xlsx workbook, lacks a required header, or has no rows.
"""

import io
import xml.etree.ElementTree
import zipfile
from dataclasses import dataclass
from itertools import islice

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the name the documentation and the error report use
    other_names: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.other_names)


COLUMNS = (
    Column("order_number", "工单编号", ("工单号", "工单编码")),
    Column("received_at", "受理时间", ("来电时间", "登记时间")),
    Column("caller_name", "来电人", ("来电人姓名", "诉求人", "联系人")),
    Column("caller_phone", "来电号码", ("联系电话", "来电人电话", "联系方式")),
    Column("category", "诉求分类", ("诉求类别", "问题分类", "事项分类")),
    Column("description", "诉求内容", ("问题描述", "工单内容")),
    Column("address", "事发地址", ("事发地点", "诉求地址")),
    Column("lon", "经度"),
    Column("lat", "纬度"),
    Column("urgency", "紧急程度", ("紧急度",)),
)
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED = ("order_number", "category", "description")

MAX_WORKBOOK_BYTES = 10 * 1024 * 1024  # a day's export of a county is well under 1 MB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a small file that unpacks to gigabytes is refused
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 10  # exports often put a title and the export date above the header

XLSX_MAGIC = b"PK\x03\x04"
OLD_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97–2003


class WorkbookRefused(Exception):
    """The whole file is refused: one message that says what to do, nothing written."""


@dataclass(frozen=True)
class Sheet:
    """The rows of a workbook's export sheet under its header."""

    headers: dict[str, str]  # column key → the header as the file writes it
    rows: list[tuple[int, dict[str, object]]]  # (Excel line number, column key → cell value)

    def header(self, key: str) -> str:
        """The column as this file heads it; `lon/lat` for both; blank for no column."""
        return "/".join(
            self.headers.get(part, BY_KEY[part].header) for part in key.split("/") if part
        )


def _normalise(header: object) -> str:
    """A header as matched: without spaces (full-width ones too) and required-field stars."""
    return "".join(str(header or "").split()).strip("*＊")


NAME_TO_KEY = {name: column.key for column in COLUMNS for name in column.names}


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_workbook_file(data: bytes) -> None:
    """The checks on the bytes alone: an .xlsx (a zip), not the old .xls, not a zip bomb."""
    if not data:
        raise WorkbookRefused(_("The file is empty."))
    if data.startswith(OLD_XLS_MAGIC):
        raise WorkbookRefused(
            _("This is an old .xls workbook: open it in Excel or WPS and save it as .xlsx.")
        )
    if not data.startswith(XLSX_MAGIC):
        raise WorkbookRefused(_("This is not an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise WorkbookRefused(_("This is not an Excel workbook (.xlsx).")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookRefused(_("The workbook is too large: split it into several files."))


def _find_header(rows: list[tuple]) -> tuple[int, dict[str, tuple[int, str]]] | None:
    """The first row that names the order number column: its index and column key → (position,
    header as written)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, tuple[int, str]] = {}
        for position, cell in enumerate(row):
            key = NAME_TO_KEY.get(_normalise(cell))
            if key is None:
                continue
            if key in found:
                raise WorkbookRefused(
                    _("Line %(line)s: the columns “%(first)s” and “%(second)s” both hold %(what)s.")
                    % {
                        "line": index + 1,
                        "first": found[key][1],
                        "second": str(cell).strip(),
                        "what": BY_KEY[key].header,
                    }
                )
            found[key] = (position, str(cell).strip())
        if "order_number" in found:
            return index, found
    return None


def _missing_headers(found: dict) -> list[str]:
    missing = [BY_KEY[key].header for key in REQUIRED if key not in found]
    has_point = "lon" in found and "lat" in found
    if not has_point and "address" not in found:
        missing.append(_("%(address)s, or %(lon)s and %(lat)s") % {
            "address": BY_KEY["address"].header,
            "lon": BY_KEY["lon"].header,
            "lat": BY_KEY["lat"].header,
        })  # fmt: skip
    elif ("lon" in found) != ("lat" in found):
        missing.append(BY_KEY["lat" if "lon" in found else "lon"].header)
    return missing


def read_workbook(data: bytes) -> Sheet:
    """The work orders of an export: the first sheet with the header row, every non-blank row
    below it with its Excel line number; WorkbookRefused, saying why, for a file that will not do."""
    check_workbook_file(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        TypeError,
        OSError,
        xml.etree.ElementTree.ParseError,
    ):
        raise WorkbookRefused(_("This workbook cannot be read: save it again as .xlsx.")) from None
    try:
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "reset_dimensions"):
                continue  # a chart sheet
            worksheet.reset_dimensions()  # exporters often write a wrong size: read every row
            head = [tuple(row) for row in islice(worksheet.values, HEADER_SEARCH_ROWS)]
            header = _find_header(head)
            if header is None:
                continue
            index, found = header
            return _sheet(worksheet, index, found)
    finally:
        workbook.close()
    raise WorkbookRefused(
        _("No header row with “%(header)s” in the first %(count)s lines of any sheet.")
        % {"header": BY_KEY["order_number"].header, "count": HEADER_SEARCH_ROWS}
    )


def _sheet(worksheet, header_index: int, found: dict[str, tuple[int, str]]) -> Sheet:
    missing = _missing_headers(found)
    if missing:
        raise WorkbookRefused(
            _("Line %(line)s: the header lacks %(columns)s.")
            % {"line": header_index + 1, "columns": "、".join(missing)}
        )
    rows = []
    for line, values in enumerate(worksheet.values, start=1):
        if line <= header_index + 1:
            continue
        cells = {
            key: values[position] if position < len(values) else None
            for key, (position, _header) in found.items()
        }
        if all(is_blank(value) for value in cells.values()):
            continue  # a blank line, or the export's footer outside the known columns
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise WorkbookRefused(
                _("More than %(count)s work orders: split the file into several.")
                % {"count": MAX_ROWS}
            )
    if not rows:
        raise WorkbookRefused(_("There are no work orders below the header."))
    return Sheet(headers={key: header for key, (_position, header) in found.items()}, rows=rows)
