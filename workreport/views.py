"""The work report: a printable page and its .docx."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from territory.counties import instance_county

from .docx import report_document
from .selectors import may_read_report, work_report

FIRST_YEAR = 2000


def _year(text: str | int | None) -> int:
    """The year asked for (this year by default); a year that is no year answers 404."""
    this_year = timezone.localdate().year
    try:
        year = int(text) if text not in (None, "") else this_year
    except ValueError:
        raise Http404 from None
    if not FIRST_YEAR <= year <= this_year:
        raise Http404
    return year


@login_required
def report_page(request):
    if not may_read_report(request.user):
        raise PermissionDenied
    report = work_report(instance_county(), _year(request.GET.get("year")))
    return render(request, "workreport/report.html", {"report": report})


@login_required
def report_docx(request, year: int):
    if not may_read_report(request.user):
        raise PermissionDenied
    report = work_report(instance_county(), _year(year))
    response = HttpResponse(
        report_document(report),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="work-report-{report.year}.docx"'
    return response
