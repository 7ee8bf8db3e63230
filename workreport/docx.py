"""The work report as a Word document (python-docx): the same sections and lines as the page."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from .selectors import WorkReport


def report_document(report: WorkReport) -> bytes:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(report.title, level=0)
    document.add_paragraph(
        _("Generated from the platform's data on %(moment)s. Each figure's definition is beside "
          "it; the page version links each to the data behind it.")
        % {"moment": timezone.localtime(report.made_at).strftime("%Y-%m-%d %H:%M")}
    )  # fmt: skip
    for number, section in enumerate(report.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=1)
        document.add_paragraph(section.summary)
        if not section.lines:
            continue
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, (_("Figure"), _("Value"), _("Definition")), strict=True
        ):
            cell.text = text
        for line in section.lines:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = line.label, line.value, line.definition
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
