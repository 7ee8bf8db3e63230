"""Reveal a masked field on a case page (htmx), the reveal log for the personal-information
officer (filter, export), and the registry of personal fields for administrators."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import get_case_for

from .forms import PersonRequestForm, RevealForm, RevealLogFilterForm
from .registry import PERSONAL_FIELDS, revealable
from .retention import anonymise_person_cases, export_person_cases, find_person_cases
from .selectors import may_read_reveal_log, reveals
from .services import RevealRefused, reveal_personal_field

ENTRIES_PER_PAGE = 50


@require_POST
@login_required
def reveal(request, code: str, key: str, item: int | None = None):
    """The field unmasked in place of its masked form, or the reason form again with its error."""
    case = get_case_for(request.user, code)
    try:
        personal = revealable(key)
        stored = personal.value_of(case, item)
    except LookupError:
        raise Http404 from None
    form = RevealForm(request.POST)
    context = {"case": case, "personal": personal, "item": item, "form": form, "may_reveal": True}
    if form.is_valid():
        try:
            value = reveal_personal_field(
                request.user,
                case,
                key,
                form.cleaned_data["reason"],
                form.cleaned_data["reason_text"],
                item,
            )
        except RevealRefused as error:
            form.add_error(None, str(error))
        else:
            return render(request, "privacy/_personal.html", context | {"revealed": value})
    context["masked"] = personal.mask(stored)
    return render(request, "privacy/_personal.html", context, status=400)


@login_required
def reveal_log(request):
    if not may_read_reveal_log(request.user):
        raise PermissionDenied
    filters = RevealLogFilterForm(request.GET)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    entries = reveals(**{key: value for key, value in criteria.items() if value})
    if request.GET.get("export") == "csv":
        return _csv(entries)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "privacy/reveal_log.html", {"filters": filters, "page": page})


def _csv(entries) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="reveals-{stamp}.csv"'
    response.write("\ufeff")  # so that Excel reads the Chinese as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Time"), _("User"), _("Case"), _("Field"), _("Reason"), _("In words")])
    for entry in entries.iterator():
        writer.writerow(
            [
                timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                entry.user.username,
                entry.case.code,
                entry.field,
                entry.get_reason_display(),
                entry.reason_text,
            ]
        )
    return response


@login_required
def personal_fields(request):
    if not (request.user.is_staff or may_read_reveal_log(request.user)):
        raise PermissionDenied
    return render(request, "privacy/fields.html", {"fields": PERSONAL_FIELDS})


@login_required
def person_request(request):
    """A person's request (PIPL Art. 44–47): find their cases by phone, export or anonymise them."""
    if not may_read_reveal_log(request.user):
        raise PermissionDenied
    form = PersonRequestForm(request.POST or None)
    context = {"form": form, "cases": None}
    if request.method == "POST" and form.is_valid():
        phone, note = form.cleaned_data["phone"], form.cleaned_data["note"]
        action = request.POST.get("action", "search")
        try:
            if action == "export":
                response = HttpResponse(
                    export_person_cases(request.user, phone, note),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
                return response
            if action == "anonymise":
                count = anonymise_person_cases(request.user, phone, note)
                messages.success(
                    request,
                    _("The personal data of %(count)s case(s) was removed.") % {"count": count},
                )
            context["cases"] = find_person_cases(request.user, phone, note)
        except RevealRefused as error:
            form.add_error(None, str(error))
    return render(request, "privacy/person_request.html", context)
