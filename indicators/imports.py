"""The county's import of a grid-level data set for one period (the grids' basic counts each
year), from CSV or Excel: every row checked first, and one bad row refuses the whole file, with
every error named by its line."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from staff.models import User
from territory.models import Region

from .models import DataSet, Report, Status
from .periods import BadPeriod, check_period
from .services import may_import, store_reports, validate_figures

CODE_HEADERS = {"网格编码", "网格代码", "grid_code", "grid code", "code"}
NAME_HEADERS = {"网格名称", "grid_name", "grid name", "name"}
MAX_ROWS = 20_000


class ImportRefused(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


def _line(number: int, message: str) -> str:
    return _("Line %(line)s: %(message)s") % {"line": number, "message": message}


def read_rows(name: str, data: bytes) -> list[list[str]]:
    """The file's rows as text cells, its header first: .xlsx (the first sheet) or CSV in UTF-8
    or GB18030 (what Excel and WPS save in Chinese)."""
    if not data:
        raise ImportRefused([_("The file is empty.")])
    if data.startswith(b"PK"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
            raise ImportRefused(
                [_("This workbook cannot be read: save it again as .xlsx.")]
            ) from None
        try:
            sheet = book.worksheets[0]
            rows = [
                ["" if cell is None else _cell_text(cell) for cell in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)
            ]
        finally:
            book.close()
        return rows
    if name.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused([_("This is an old .xls workbook: save it as .xlsx or CSV.")])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused([_("This file is neither CSV in UTF-8 or GB18030 nor .xlsx.")])
    return [row for row in csv.reader(io.StringIO(text))][: MAX_ROWS + 1]


def _cell_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@transaction.atomic
def import_figures(
    data_set: DataSet,
    period: str,
    user: User,
    name: str,
    data: bytes,
    *,
    now: datetime | None = None,
) -> ImportSummary:
    """Every row a region of the data set's level in this county, every figure entered and
    consistent; written submitted by the importer, for an approver to approve."""
    now = now or timezone.now()
    if not may_import(user, data_set):
        raise PermissionDenied(_("Only the county centre imports figures for the whole county."))
    try:
        check_period(data_set.period_type, period)
    except BadPeriod as error:
        raise ImportRefused([str(error)]) from None
    rows = read_rows(name, data)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise ImportRefused([_("The file has no rows under its header.")])
    if len(rows) > MAX_ROWS:
        raise ImportRefused([_("Too many rows: split the file.")])
    elements = {
        member.element.code: member.element for member in data_set.members.select_related("element")
    }
    by_header = {}
    for element in elements.values():
        for header in (element.code, element.name, element.name_en):
            if header:
                by_header[header.strip().lower()] = element.code
    header = [cell.strip() for cell in rows[0]]
    code_column, columns = None, {}
    for position, cell in enumerate(header):
        key = cell.lower()
        if key in CODE_HEADERS or cell in CODE_HEADERS:
            code_column = position
        elif key in by_header:
            columns[by_header[key]] = position
    missing = [elements[c].label for c in elements if c not in columns]
    if code_column is None:
        missing.insert(0, "网格编码")
    if missing:
        raise ImportRefused(
            [_line(1, _("the header lacks %(columns)s.") % {"columns": "、".join(missing)})]
        )
    codes = [row[code_column].strip() if code_column < len(row) else "" for row in rows[1:]]
    regions = {
        region.code: region
        for region in Region.objects.filter(
            code__in=codes, county_code=data_set.county_code, level=data_set.level
        )
    }
    approved = set(
        Report.objects.filter(
            data_set=data_set, period=period, status=Status.APPROVED, region__code__in=codes
        ).values_list("region__code", flat=True)
    )
    errors, entries, first_line = [], [], {}
    for number, (row, code) in enumerate(zip(rows[1:], codes, strict=True), start=2):
        if not any(cell.strip() for cell in row):
            continue
        row_errors = []
        region = regions.get(code)
        if not code:
            row_errors.append(_("the grid code is missing."))
        elif region is None:
            row_errors.append(_("“%(code)s” is not a grid of this county.") % {"code": code})
        elif code in first_line:
            row_errors.append(
                _("grid %(code)s is already on line %(line)s.")
                % {"code": code, "line": first_line[code]}
            )
        elif code in approved:
            row_errors.append(
                _("the figures of %(code)s for %(period)s are approved: reopen them first.")
                % {"code": code, "period": period}
            )
        first_line.setdefault(code, number)
        values = {}
        for element_code, position in columns.items():
            element = elements[element_code]
            text = row[position].strip() if position < len(row) else ""
            if not text:
                row_errors.append(_("%(name)s is not entered.") % {"name": element.label})
                continue
            value = _number(text)
            if value is None:
                row_errors.append(
                    _("%(name)s: “%(text)s” is not a number.")
                    % {"name": element.label, "text": text}
                )
                continue
            values[element_code] = value
        if len(values) == len(elements):
            found = validate_figures(data_set, elements, values)
            row_errors.extend(dict.fromkeys(m for ms in found.values() for m in ms))
        if row_errors:
            errors.extend(_line(number, message) for message in row_errors)
        elif region is not None:
            entries.append((region, values))
    if errors:
        raise ImportRefused(errors)
    created, updated = store_reports(
        data_set, period, entries, lambda region: user, note=name[:300], now=now
    )
    return ImportSummary(created, updated)
