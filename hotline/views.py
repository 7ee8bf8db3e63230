"""The upload page for 12345 work orders, an import's progress (htmx polls it) and its error
report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.vary import vary_on_headers

from .forms import UploadForm
from .report import error_report_csv, error_report_xlsx
from .selectors import get_import_for, may_import, recent_imports, row_errors
from .services import start_import

ERRORS_ON_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def imports(request):
    """Upload an export; below, the recent imports."""
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = start_import(
            file_name=form.cleaned_data["workbook"].name,
            data=form.data_bytes,
            user=request.user,
            language=get_language() or "",
        )
        return redirect("hotline:batch", batch_id=batch.pk)
    context = {"form": form, "batches": recent_imports()}
    return render(request, "hotline/imports.html", context, status=400 if form.errors else 200)


@vary_on_headers("HX-Request")
@login_required
def batch(request, batch_id: int):
    """One import: its progress bar while it runs (the fragment alone for htmx's polling), then
    its counts, its first errors and the full report to download."""
    if not may_import(request.user):
        raise PermissionDenied
    batch = get_import_for(request.user, batch_id)
    errors, more_errors = [], 0
    if batch.is_finished:
        errors = list(row_errors(batch)[:ERRORS_ON_PAGE])
        if len(errors) == ERRORS_ON_PAGE:
            more_errors = row_errors(batch).count() - ERRORS_ON_PAGE
    context = {"batch": batch, "errors": errors, "more_errors": more_errors}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "hotline/batch.html#progress" if partial else "hotline/batch.html"
    return render(request, template, context)


@login_required
def error_report(request, batch_id: int):
    if not may_import(request.user):
        raise PermissionDenied
    batch = get_import_for(request.user, batch_id)
    stem = f"hotline-errors-{batch.pk}"
    if request.GET.get("format") == "csv":
        response = HttpResponse(error_report_csv(batch), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    else:
        response = HttpResponse(error_report_xlsx(batch), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
