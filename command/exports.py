"""The command centre's figures as Excel (Chinese headers, widths, number formats, a frozen
header row) and CSV (UTF-8 with a byte-order mark, which Excel needs to read Chinese)."""

import csv
import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from territory.models import Region

from .coverage import Coverage
from .models import Indicator
from .periods import Period
from .selectors import ChildRow, IndicatorRow

if TYPE_CHECKING:
    from .report import MonthlyReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDE8E3")


def _number(value: float | None) -> float | int | None:
    """A whole number as such (a count)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _number_format(indicator: Indicator) -> str:
    """Counts whole; rates and hours to one decimal."""
    counts = indicator.unit != "%" and not indicator.numerator_hours and not indicator.percentile
    return "0" if counts else "0.0"


def _indicator_table(period: Period, rows: list[IndicatorRow]) -> tuple[list[str], list[list]]:
    header = [
        _("Indicator"),
        _("Unit"),
        period.code,
        _("Numerator"),
        _("Denominator"),
        period.previous().code,
        period.a_year_before().code,
        _("Rule"),
    ]
    body = [
        [
            row.indicator.name,
            row.indicator.unit,
            _number(row.now.value),
            _number(row.now.numerator),
            _number(row.now.denominator),
            _number(row.before.value),
            _number(row.year_before.value),
            row.indicator.definition,
        ]
        for row in rows
    ]
    return header, body


def _children_table(indicator: Indicator, children: list[ChildRow]) -> tuple[list[str], list[list]]:
    header = [
        _("Code"),
        _("Region"),
        f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name,
        _("Numerator"),
        _("Denominator"),
    ]
    body = [
        [
            row.region.code,
            row.region.name,
            _number(row.figure.value),
            _number(row.figure.numerator),
            _number(row.figure.denominator),
        ]
        for row in children
    ]
    return header, body


def add_sheet(book: Workbook, title: str, header: list[str], body: list[list], formats: dict):
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for index, values in enumerate(body):
        sheet.append(values)
        for column, number_format in formats.get(index, {}).items():
            sheet.cell(row=index + 2, column=column).number_format = number_format
    for column, _title in enumerate(header, start=1):
        width = max([_width(header[column - 1])] + [_width(values[column - 1]) for values in body])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    return sheet


def _indicator_sheet(book: Workbook, period: Period, rows: list[IndicatorRow]) -> None:
    """Every indicator with its figures in the indicator's number format, and its rule wrapped."""
    header, body = _indicator_table(period, rows)
    formats = {
        index: {column: _number_format(row.indicator) for column in (3, 6, 7)}
        for index, row in enumerate(rows)
    }
    sheet = add_sheet(book, _("Indicators"), header, body, formats)
    sheet.column_dimensions["H"].width = 60
    for cells in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        cells[0].alignment = Alignment(wrap_text=True, vertical="top")


def _width(value) -> int:
    """Columns as wide as their text: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(character) > 0x2E80 else 1 for character in text)


def workbook(
    region: Region,
    period: Period,
    indicator: Indicator,
    rows: list[IndicatorRow],
    children: list[ChildRow],
) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _indicator_sheet(book, period, rows)
    header, body = _children_table(indicator, children)
    formats = {index: {3: _number_format(indicator)} for index in range(len(children))}
    add_sheet(book, _("Parts of %(region)s") % {"region": region.name}, header, body, formats)
    book.properties.title = f"{region.name} {period.code}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_cell(value) -> str | int | float:
    """Text has no number format: a fraction to four decimals, nothing as an empty cell."""
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) else value


def _csv(header: list[str], body: list[list]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_csv_cell(value) for value in values] for values in body])
    return out.getvalue()


def csv_text(period: Period, rows: list[IndicatorRow]) -> str:
    return _csv(*_indicator_table(period, rows))


def children_csv(indicator: Indicator, children: list[ChildRow]) -> str:
    return _csv(*_children_table(indicator, children))


def workers_csv(coverage: Coverage) -> str:
    header = [
        _("Grid code"),
        _("Grid"),
        _("Grid worker"),
        _("Role"),
        _("Reports"),
        _("Reports per week"),
        _("Open cases in the grid, per grid worker"),
        _("Waiting for verification"),
        _("Over the load of %(limit)s") % {"limit": coverage.load_limit},
    ]
    body = [
        [
            row.grid.code,
            row.grid.name,
            str(row.worker),
            row.worker.get_role_display(),
            row.reports,
            row.per_week,
            row.open_in_grid,
            row.to_verify,
            _("yes") if row.over_load else "",
        ]
        for row in coverage.workers
    ]
    return _csv(header, body)


def _standings_table(title: str, report: "MonthlyReport", standings) -> tuple[list, list]:
    header = [_("Rank"), title, _("Score")] + [part.indicator.name for part in report.components]
    body = [
        [row.rank, row.name, _number(row.score)] + [_number(figure.value) for figure in row.figures]
        for row in standings
    ]
    return header, body


def report_workbook(report: "MonthlyReport") -> bytes:
    """The monthly report as a workbook: indicators, the two league tables, recurring problems."""
    book = Workbook()
    book.remove(book.active)
    _indicator_sheet(book, report.period, report.rows)
    score_formats = {3: "0.0"} | {4 + n: "0.0" for n in range(len(report.components))}
    for title, standings, sheet_title in (
        (_("Region"), report.parts, _("Ranking of parts")),
        (_("Department"), report.departments, _("Ranking of departments")),
    ):
        header, body = _standings_table(title, report, standings)
        add_sheet(book, sheet_title, header, body, dict.fromkeys(range(len(body)), score_formats))
    header = [_("Grid code"), _("Grid"), _("Category"), _("Times"), _("Last reported")]
    body = [
        [row.grid.code, row.grid.name, row.category.name, row.times, row.last_day.isoformat()]
        for row in report.recurring
    ]
    add_sheet(book, _("Recurring problems"), header, body, {})
    book.properties.title = f"{report.region.name} {report.period.code}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_response(filename: str, sheets: list[tuple[str, list[str], list[list], dict]]):
    """An Excel download of these sheets, each (title, header, rows, number formats by row)."""
    from django.http import HttpResponse

    book = Workbook()
    book.remove(book.active)
    for title, header, body, formats in sheets:
        add_sheet(book, title, header, body, formats)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
