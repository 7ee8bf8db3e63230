"""The command centre's pages: a region's figures with the period before, its parts coloured
by one indicator, a live feed, and the same figures as Excel or CSV. The region, indicator and
period are in the address, so a view can be shared; a region outside the user's area is a 404."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from territory.maps import children_outlines
from territory.models import Region
from territory.views import map_response

from . import exports
from .charts import charts
from .models import Indicator
from .periods import Period, PeriodError, month_of, parse_period
from .selectors import (
    DEFAULT_INDICATOR,
    cases_filter,
    child_rows,
    command_area,
    current_indicators,
    feed,
    figures,
    indicator_rows,
    legend,
    may_command,
    moment_of,
    region_in_area,
    trail,
)


@dataclass(frozen=True)
class View:
    """What the address asks for, checked."""

    area: Region
    region: Region
    period: Period
    indicator: Indicator
    indicators: list[Indicator]
    error: str = ""

    def query(self, **changes) -> str:
        values = {
            "region": self.region.code,
            "indicator": self.indicator.code,
            "period": self.period.code,
        } | changes
        return "&".join(f"{key}={value}" for key, value in values.items())


def asked_view(request) -> View:
    user = request.user
    if not may_command(user):
        raise PermissionDenied
    region = region_in_area(user, request.GET.get("region"))
    if region is None:
        raise Http404("No such region in your area.")
    error = ""
    try:
        period = parse_period(request.GET.get("period") or month_of(timezone.localdate()).code)
    except PeriodError as problem:
        period, error = month_of(timezone.localdate()), str(problem)
    indicators = current_indicators(moment_of(period))
    by_code = {indicator.code: indicator for indicator in indicators}
    indicator = by_code.get(request.GET.get("indicator") or "") or by_code.get(
        DEFAULT_INDICATOR, indicators[0] if indicators else None
    )
    if indicator is None:
        raise Http404("No indicators are defined.")
    return View(command_area(user), region, period, indicator, indicators, error)


@login_required
@require_GET
def centre(request):
    view = asked_view(request)
    children = child_rows(view.indicator, view.region, view.period)
    following = view.period.following()
    context = {
        "view": view,
        "trail": [
            (region, "?" + view.query(region=region.code))
            for region in trail(view.area, view.region)
        ],
        "rows": [
            (row, "?" + view.query(indicator=row.indicator.code))
            for row in indicator_rows(view.region, view.period)
        ],
        "children": [(row, "?" + view.query(region=row.region.code)) for row in children],
        "map_values": [
            {
                "code": row.region.code,
                "display": row.figure.display,
                "colour": row.colour_class,
                "url": "?" + view.query(region=row.region.code),
            }
            for row in children
        ]
        or [own_value(view)],
        "legend": legend(children),
        "cases_filter": cases_filter(view.region),
        "earlier": "?" + view.query(period=view.period.previous().code),
        "later": "?" + view.query(period=following.code)
        if following.start <= timezone.localdate()
        else "",
        "query": view.query(),
        "feed": feed(request.user, view.region, timezone.now()),
        "charts": charts(view.indicator, view.region, view.period),
    }
    return render(request, "command/centre.html", context)


def own_value(view: View) -> dict:
    """A grid, which has no parts, is drawn itself with its own figure (uncoloured)."""
    figure = figures([view.indicator], view.region, view.period.start, view.period.end)[0]
    return {"code": view.region.code, "display": figure.display, "colour": None, "url": ""}


@login_required
@require_GET
def outlines(request):
    """GeoJSON of the parts of a region in the user's area (of a grid: itself)."""
    view = asked_view(request)
    return map_response(request, children_outlines(view.region))


@login_required
@require_GET
def live(request):
    """The live feed's fragment, polled by the page."""
    view = asked_view(request)
    context = {"view": view, "feed": feed(request.user, view.region, timezone.now())}
    return render(request, "command/_feed.html", context)


@login_required
@require_GET
def export(request, form: str):
    view = asked_view(request)
    rows = indicator_rows(view.region, view.period)
    children = child_rows(view.indicator, view.region, view.period)
    name = f"wangge-{view.region.code}-{view.period.code}"
    if form == "xlsx":
        body = exports.workbook(view.region, view.period, view.indicator, rows, children)
        response = HttpResponse(body, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = request.GET.get("table", "indicators")
    body = (
        exports.csv_text(view.period, rows)
        if table == "indicators"
        else (exports.children_csv(view.indicator, children))
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
