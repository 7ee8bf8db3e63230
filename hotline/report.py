"""The error report of an import, to download: one line per problem, as .xlsx or CSV, so that
the office can fix the rows in its workbook and import it again (repeats are skipped)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import ImportBatch
from .selectors import row_errors


def _header() -> list[str]:
    return [_("Line"), _("Work order number"), _("Column"), _("Reason")]


def _rows(batch: ImportBatch):
    for error in row_errors(batch).iterator():
        yield [error.line, error.order_number, error.column, error.message]


def error_report_xlsx(batch: ImportBatch) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Errors"))
    for column, width in zip("ABCD", (8, 22, 14, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append(_header())
    for row in _rows(batch):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def error_report_csv(batch: ImportBatch) -> str:
    output = io.StringIO()
    output.write("\ufeff")  # so that Excel reads the Chinese as UTF-8
    writer = csv.writer(output)
    writer.writerow(_header())
    writer.writerows(_rows(batch))
    return output.getvalue()
