"""Pages of safe-unit creation: the units with their figures (and Excel), one unit with its
inspections and hazards, the inspection form for a phone, registering a unit, and an inspection's
photos for those who may open the unit."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.errors import CaseError, InputError
from cases.models import PhotoSize
from cases.photos import photo_type
from cases.views import redirect_told_to_script
from command.exports import workbook_response
from command.periods import period_asked

from .forms import InspectionForm, UnitFilterForm, UnitForm
from .models import InspectionPhoto
from .selectors import (
    DEFINITIONS,
    checklist_items,
    get_unit_for,
    hazards_of,
    inspections_of,
    latest_inspections,
    may_inspect,
    may_register,
    may_see_unit,
    safety_figures,
    unit_department,
    units_visible_to,
)
from .services import record_inspection, register_unit

UNITS_PER_PAGE = 50

logger = logging.getLogger(__name__)


@login_required
def index(request):
    """The units this user may open, filtered, with the period's figures by sector and town."""
    user = request.user
    period = period_asked(request)
    visible = units_visible_to(user)
    figures = safety_figures(visible, period)
    filters = UnitFilterForm(request.GET or None, user=user)
    units = (
        filters.filter(visible.filter(is_active=True))
        .select_related("sector", "town", "village", "grid")
        .order_by("town__code", "sector__order", "name")
    )
    if request.GET.get("format") == "xlsx":
        return _workbook(figures, units)
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    latest = latest_inspections(page.object_list)
    context = {
        "period": period,
        "figures": figures,
        "definitions": DEFINITIONS,
        "filters": filters,
        "page": page,
        "rows": [(unit, latest.get(unit.pk)) for unit in page.object_list],
        "may_register": may_register(user),
    }
    return render(request, "safety/index.html", context)


def _figure_cells(figures) -> list:
    return [
        figures.registered,
        figures.inspected,
        figures.coverage,
        figures.inspections,
        figures.passed,
        figures.pass_rate,
        figures.hazards,
        figures.safe,
        figures.safe_share,
    ]


def _workbook(figures, units):
    header = [
        pgettext("safe units", "Registered"),
        pgettext("safe units", "Inspected"),
        _("Coverage (%)"),
        _("Inspections"),
        pgettext("safe units", "Passed"),
        _("Pass rate (%)"),
        _("Hazards found"),
        _("Safe units (平安单位)"),
        _("Safe-unit share (%)"),
    ]
    sector_rows = [[str(sector), *_figure_cells(row)] for sector, row in figures.by_sector]
    sector_rows.append([_("Total"), *_figure_cells(figures.total)])
    town_rows = [[town.name, *_figure_cells(row)] for town, row in figures.by_town]
    rates = {4: "0.0", 7: "0.0", 10: "0.0"}  # coverage, pass rate, share (after the name)
    formats = {index: rates for index in range(max(len(sector_rows), len(town_rows)))}
    unit_header = [_("Unit"), _("Sector"), _("Town"), _("Grid"), _("Address"), _("Status"), _("Since")]  # fmt: skip
    unit_rows = [
        [
            unit.name,
            str(unit.sector),
            unit.town.name,
            unit.grid.name,
            unit.address,
            unit.get_status_display(),
            timezone.localtime(unit.status_since).strftime("%Y-%m-%d") if unit.status_since else "",
        ]
        for unit in units.iterator(chunk_size=2000)
    ]
    code = figures.period.code
    return workbook_response(
        f"safe-units-{code}.xlsx",
        [
            (_("By sector"), [_("Sector"), *header], sector_rows, formats),
            (_("By town"), [_("Town"), *header], town_rows, formats),
            (_("Units"), unit_header, unit_rows, {}),
        ],
    )


@login_required
def unit_detail(request, pk: int):
    unit = get_unit_for(request.user, pk)
    context = {
        "unit": unit,
        "inspections": inspections_of(unit),
        "hazards": hazards_of(unit),
        "changes": unit.status_changes.select_related("inspection", "case").order_by("-at", "-pk"),
        "may_inspect": may_inspect(request.user, unit),
        "now": timezone.now(),
    }
    return render(request, "safety/unit.html", context)


def _add_service_errors(form, error: CaseError) -> None:
    """The service's refusals on the form's fields where it has them, else on the whole form."""
    if not isinstance(error, InputError):
        form.add_error(None, str(error))
        return
    for name, errors in error.errors.items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


@redirect_told_to_script
@login_required
def inspect(request, pk: int):
    """检查 on a phone: each item pass or fail; each failed item becomes a hazard case."""
    user = request.user
    unit = get_unit_for(user, pk)
    if not may_inspect(user, unit):
        raise PermissionDenied
    items = checklist_items(unit)
    context = {
        "unit": unit,
        "checklist": unit.sector.checklist,
        "department": unit_department(unit),
    }
    if request.method != "POST":
        return render(
            request, "safety/inspect.html", context | {"form": InspectionForm(items=items)}
        )
    form = InspectionForm(request.POST, request.FILES, items=items)
    if form.is_valid():
        try:
            inspection = record_inspection(
                unit,
                user,
                form.answers(),
                note=form.cleaned_data["note"],
                photos=form.cleaned_data["photos"],
            )
        except CaseError as error:
            _add_service_errors(form, error)
        else:
            codes = [hazard.case.code for hazard in inspection.hazards.select_related("case")]
            _say_recorded(request, inspection, codes)
            return redirect(reverse("safety:unit", args=[unit.pk]) + f"#inspection-{inspection.pk}")
    return render(request, "safety/inspect.html", context | {"form": form}, status=400)


def _say_recorded(request, inspection, codes: list[str]) -> None:
    verdict = _("passed") if inspection.passed else _("not passed")
    text = _("Inspection recorded: %(score)s points, %(verdict)s.") % {
        "score": inspection.score,
        "verdict": verdict,
    }
    if codes:
        text += " " + _("Hazard cases filed: %(codes)s.") % {"codes": "、".join(codes)}
    messages.success(request, text)


@redirect_told_to_script
@login_required
def register(request):
    """登记: an operator registers a unit of their area at its place on the map."""
    user = request.user
    if not may_register(user):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "safety/register.html", {"form": UnitForm()})
    form = UnitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = register_unit(
                user,
                name=data["name"],
                sector=data["sector"],
                lon=data["lon"],
                lat=data["lat"],
                address=data["address"],
            )
        except CaseError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("Unit %(name)s registered.") % {"name": unit.name})
            return redirect("safety:unit", pk=unit.pk)
    return render(request, "safety/register.html", {"form": form}, status=400)


@login_required
def inspection_photo(request, photo_id: int):
    """An inspection's photo, only for those who may open its unit; never cached."""
    size = request.GET.get("size", PhotoSize.ORIGINAL)
    if size not in PhotoSize.values:
        raise Http404
    photo = (
        InspectionPhoto.objects.select_related(
            "inspection__unit__sector__category__parent", "inspection__unit__grid"
        )
        .filter(pk=photo_id)
        .first()
    )
    if photo is None or not may_see_unit(request.user, photo.inspection.unit):
        raise Http404
    stored = {PhotoSize.THUMBNAIL: photo.thumbnail, PhotoSize.DISPLAY: photo.display}.get(
        size, photo.image
    )
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        logger.warning("Inspection photo %s: its file %s is missing", photo.pk, stored.name)
        raise Http404 from None
    kind = photo_type(file)
    response = FileResponse(
        file, content_type=kind.content_type if kind else "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    return response
