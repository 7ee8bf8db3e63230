"""The command centre's pages: a region's figures with the period before, its parts coloured
by one indicator, a live feed, and the same figures as Excel or CSV. The region, indicator and
period are in the address, so a view can be shared; a region outside the user's area is a 404."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territory.maps import children_outlines
from territory.models import Region
from territory.views import map_response

from . import exports
from .charts import charts
from .coverage import DEFAULT_LOAD, coverage
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

WORKERS_PER_PAGE = 100


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


def positive_number(request, name: str, default: int, highest: int) -> tuple[int, str]:
    """A whole number from the address, 1 … highest; the default and a message otherwise."""
    text = request.GET.get(name)
    if text is None or text == "":
        return default, ""
    if text.isdigit() and 1 <= int(text) <= highest:
        return int(text), ""
    message = _("“%(value)s” is not a whole number from 1 to %(highest)s; %(default)s is used.")
    return default, message % {"value": text[:20], "highest": highest, "default": default}


@login_required
@require_GET
def coverage_page(request):
    """Grid workers' coverage and load in the region over the period."""
    view = asked_view(request)
    load, error = positive_number(request, "load", DEFAULT_LOAD, 500)
    found = coverage(view.region, view.period, load)
    page = Paginator(found.workers, WORKERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "view": view,
        "trail": [
            (region, "?" + view.query(region=region.code) + f"&load={load}")
            for region in trail(view.area, view.region)
        ],
        "coverage": found,
        "workers": page,
        "load": load,
        "error": error or view.error,
        "query": view.query() + f"&load={load}",
    }
    return render(request, "command/coverage.html", context)


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
    """The page's figures as an Excel workbook, or one table as CSV (`table`: indicators,
    regions or workers)."""
    view = asked_view(request)
    name = f"wangge-{view.region.code}-{view.period.code}"
    if form == "xlsx":
        body = exports.workbook(
            view.region,
            view.period,
            view.indicator,
            indicator_rows(view.region, view.period),
            child_rows(view.indicator, view.region, view.period),
        )
        response = HttpResponse(body, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = request.GET.get("table", "indicators")
    if table == "workers":
        load, _error = positive_number(request, "load", DEFAULT_LOAD, 500)
        body = exports.workers_csv(coverage(view.region, view.period, load))
    elif table == "regions":
        body = exports.children_csv(
            view.indicator, child_rows(view.indicator, view.region, view.period)
        )
    else:
        table, body = (
            "indicators",
            exports.csv_text(view.period, indicator_rows(view.region, view.period)),
        )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
