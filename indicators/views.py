"""The data sets, a data set over regions, one report (its form, its steps, its history), and the
county's import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territory.models import LEVEL_ORDER, Region

from .forms import FiguresForm, ImportForm, ReasonForm
from .imports import ImportRefused, import_figures
from .models import Action
from .periods import BadPeriod, check_period, current_period, period_label, shift_period
from .rules import format_value
from .selectors import (
    data_sets,
    get_data_set,
    get_report_for,
    history_of,
    home_region,
    own_report_region,
    pending_count,
    region_table,
    values_of,
)
from .services import (
    STEPS,
    FiguresRefused,
    IndicatorError,
    approve_all,
    elements_of,
    may_approve,
    may_enter,
    may_import,
    may_view,
    save_figures,
    steps_for,
    take_step,
)


def _around(data_set, period: str) -> dict:
    """The periods before and after, for the links beside the page's title."""
    return {
        "previous_period": shift_period(data_set.period_type, period, -1),
        "next_period": shift_period(data_set.period_type, period, 1),
    }


def _period(data_set, period: str) -> str:
    try:
        return check_period(data_set.period_type, period)
    except BadPeriod:
        raise Http404 from None


def _may_open_table(user, data_set, region) -> bool:
    """The data set over this region: within the user's area, and not below the set's level."""
    above = LEVEL_ORDER.index(region.level) <= LEVEL_ORDER.index(data_set.level)
    return above and may_view(user, data_set, region)


@login_required
def index(request):
    today = timezone.localdate()
    rows = []
    for data_set in data_sets():
        home = home_region(request.user, data_set)
        if home is None or not _may_open_table(request.user, data_set, home):
            continue
        period = current_period(data_set.period_type, today)
        own = own_report_region(request.user, data_set)
        rows.append(
            {
                "data_set": data_set,
                "period": period,
                "period_label": period_label(data_set.period_type, period),
                "own": own if own and may_view(request.user, data_set, own) else None,
                "may_import": data_set.level == "grid" and may_import(request.user, data_set),
            }
        )
    return render(request, "indicators/index.html", {"rows": rows})


@login_required
def table(request, data_set_code: str, period: str):
    data_set = get_data_set(data_set_code)
    period = _period(data_set, period)
    region = home_region(request.user, data_set)
    if request.GET.get("region"):
        region = Region.objects.filter(
            code=request.GET["region"], county_code=data_set.county_code
        ).first()
    if region is None:
        raise Http404
    if not _may_open_table(request.user, data_set, region):
        raise PermissionDenied
    if request.method == "POST":
        approved = approve_all(data_set, period, region, request.user)
        messages.success(request, _("%(count)s reports approved.") % {"count": approved})
        return redirect(f"{request.path}?region={region.code}")
    rows, total = region_table(data_set, period, region)
    context = {
        "data_set": data_set,
        "period": period,
        "period_label": period_label(data_set.period_type, period),
        "region": region,
        "elements": elements_of(data_set),
        "rows": rows,
        "total": total,
        "at_level": region.level == data_set.level or (rows and rows[0].region.level == data_set.level),
        "pending": pending_count(data_set, period, region),
        "may_approve": may_approve(request.user, data_set, region),
        "may_import": data_set.level == "grid" and may_import(request.user, data_set),
        "parent": region.parent if region.parent and may_view(request.user, data_set, region.parent) else None,
    }  # fmt: skip
    return render(request, "indicators/table.html", context | _around(data_set, period))


@login_required
def report(request, data_set_code: str, period: str, region_code: str):
    data_set = get_data_set(data_set_code)
    period = _period(data_set, period)
    region, found = get_report_for(request.user, data_set, region_code, period)
    elements = elements_of(data_set)
    status = 200
    form = None
    editable = (found is None or found.editable) and may_enter(request.user, data_set, region)
    reason_form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "save":
                if not editable:
                    raise PermissionDenied
                form = FiguresForm(elements, request.POST)
                if form.is_valid():
                    save_figures(data_set, region, period, request.user, form.cleaned_data)
                    messages.success(request, _("The figures are saved."))
                    return redirect(request.path)
                status = 400
            elif action in STEPS and found is not None:
                reason = request.POST.get("reason", "")
                take_step(found, request.user, action, reason)
                messages.success(request, _("Done: %(step)s.") % {"step": STEPS[action].label})
                return redirect(request.path)
            else:
                raise Http404
        except FiguresRefused as refusal:
            form = form or FiguresForm(elements, initial=values_of(found))
            if form.is_bound:
                form.is_valid()
            for code, problems in refusal.errors.items():
                for problem in dict.fromkeys(problems):
                    form.add_error(code or None, problem)
            status = 400
        except IndicatorError as error:
            messages.error(request, error.message)
            status = 400
    if form is None:
        form = FiguresForm(elements, initial=values_of(found))
    values = values_of(found)
    context = {
        "data_set": data_set,
        "period": period,
        "period_label": period_label(data_set.period_type, period),
        "region": region,
        "report": found,
        "form": form,
        "editable": editable,
        "figures": [
            (element, format_value(values.get(element.code), element.value_type))
            for element in elements
        ],
        "steps": steps_for(request.user, found),
        "reason_form": reason_form,
        "history": history_of(found),  # each with .old and .new written for reading
        "rules": list(data_set.rules.all()),
        "figure_actions": (Action.ENTER, Action.CHANGE, Action.CLEAR, Action.IMPORT),
        "table_url": reverse("indicators:table", args=[data_set.code, period]),
    }
    context |= _around(data_set, period)
    return render(request, "indicators/report.html", context, status=status)


@login_required
def import_view(request, data_set_code: str, period: str):
    data_set = get_data_set(data_set_code)
    period = _period(data_set, period)
    if data_set.level != "grid" or not may_import(request.user, data_set):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = import_figures(data_set, period, request.user, upload.name, upload.read())
        except ImportRefused as refusal:
            errors, status = refusal.errors, 400
        else:
            messages.success(
                request,
                _(
                    "Imported: %(created)s new reports, %(updated)s updated, all submitted for approval."
                )
                % {"created": summary.created, "updated": summary.updated},
            )
            return redirect("indicators:table", data_set.code, period)
    elif request.method == "POST":
        status = 400
    context = {
        "data_set": data_set,
        "period": period,
        "period_label": period_label(data_set.period_type, period),
        "form": form,
        "errors": errors,
        "elements": elements_of(data_set),
    }
    return render(request, "indicators/import.html", context, status=status)
