"""The command centre's pages: a region's figures with the period before, its parts coloured
by one indicator, a live feed, and the same figures as Excel or CSV. The region, indicator and
period are in the address, so a view can be shared; a region outside the user's area is a 404."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.errors import CaseError
from cases.models import Category
from cases.selectors import cases_visible_to
from staff.models import Department, Role, User
from territory.maps import children_outlines, grid_collection, outlines_of
from territory.models import Region
from territory.views import map_response

from . import exports, places
from .behind import cases_behind, count_behind
from .charts import charts
from .coverage import DEFAULT_LOAD, coverage
from .league import components, departments_league, parts_league
from .models import Indicator, step_choices
from .periods import Period, PeriodError, month_of, parse_period
from .recurring import DEFAULT_DAYS, DEFAULT_TIMES, recurring
from .report import MonthlyReport, monthly_report
from .risk import accuracy, at_risk
from .selectors import (
    DEFAULT_INDICATOR,
    cases_filter,
    child_rows,
    class_breaks,
    colour_of,
    current_indicators,
    feed,
    figures,
    for_department,
    indicator_rows,
    legend,
    may_command,
    moment_of,
    region_in_area,
    trail,
)
from .services import open_screening
from .staff import handlers_of, may_see_figures_of

WORKERS_PER_PAGE = 100
RISK_ACCURACY_SECONDS = 3600
CASES_SHOWN = 100
# The figures a wall screen shows large, beside the map and the feed.
WALL_FIGURES = ("reported", "closed", "closed_on_time_rate", "satisfaction")


@dataclass(frozen=True)
class View:
    """What the address asks for, checked."""

    area: Region
    region: Region
    period: Period
    indicator: Indicator
    indicators: list[Indicator]
    error: str = ""
    department: Department | None = None

    def trail(self, extra: str = "") -> list[tuple[Region, str]]:
        """The breadcrumbs from the user's area down to the region, each with its address
        (`extra`: more of the page's own query to keep)."""
        return [
            (region, "?" + self.query(region=region.code) + extra)
            for region in trail(self.area, self.region)
        ]

    @property
    def at_city(self) -> bool:
        """On a city instance: the pages that read cases or people stay in the counties."""
        return places.is_city(self.area)

    def query(self, **changes) -> str:
        values = {
            "region": self.region.code,
            "indicator": self.indicator.code,
            "period": self.period.code,
            "department": self.department.code if self.department else "",
        } | changes
        return "&".join(f"{key}={value}" for key, value in values.items() if value)


def asked_view(request, county_only: bool = False) -> View:
    """The view the address asks for; `county_only`: a page that reads cases or people, which
    a city instance does not have (only the counties' published counts)."""
    user = request.user
    if not may_command(user):
        raise PermissionDenied
    if county_only and places.at_city():
        raise Http404("Only on a county's own instance.")
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
    department = None
    if request.GET.get("department"):
        department = places.department(request.GET["department"])
        if department is None:
            raise Http404("No such department.")
    return View(places.top(user), region, period, indicator, indicators, error, department)


@login_required
@require_GET
def centre(request):
    view = asked_view(request)
    children = child_rows(view.indicator, view.region, view.period, view.department)
    context = {
        "view": view,
        "trail": view.trail(),
        "rows": [
            (row, "?" + view.query(indicator=row.indicator.code))
            for row in indicator_rows(view.region, view.period, view.department)
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
        "cases_filter": "" if view.at_city else cases_filter(view.region),
        **period_links(view),
        "query": view.query(),
        "feed": None if view.at_city else feed(request.user, view.region, timezone.now()),
        "charts": charts(view.indicator, view.region, view.period, view.department),
        "departments": places.department_choices(),
        "handlers": handlers_of(view.department) if view.department and not view.at_city else [],
        "wall": request.GET.get("screen") == "wall",
        "feed_seconds": settings.COMMAND_FEED_SECONDS,
    }
    rows = [row for row, _url in context["rows"]]
    context["wall_figures"] = [row for row in rows if row.indicator.code in WALL_FIGURES]
    return render(request, "command/centre.html", context)


def period_links(view: View) -> dict:
    """The addresses of the period before and after (none after the current one)."""
    following = view.period.following()
    return {
        "earlier": "?" + view.query(period=view.period.previous().code),
        "later": "?" + view.query(period=following.code)
        if following.start <= timezone.localdate()
        else "",
    }


def person_in_area(view: View, username: str) -> User:
    """The staff member with this login, if they work in the user's area (else a 404)."""
    person = (
        User.objects.filter(username=username)
        .select_related("region", "department__region")
        .first()
    )
    if person is None or not may_see_figures_of(view.area, person):
        raise Http404("No such staff member in your area.")
    return person


@login_required
@require_GET
def staff_page(request, username: str):
    """One staff member's figures: those of the cases they took a step in (command.staff)."""
    view = asked_view(request, county_only=True)
    person = person_in_area(view, username)
    context = {
        "view": view,
        "trail": view.trail(),
        "person": person,
        "rows": [(row, "") for row in indicator_rows(view.region, view.period, staff=person)],
        **period_links(view),
        "error": view.error,
        "query": view.query(),
    }
    return render(request, "command/staff.html", context)


def own_value(view: View) -> dict:
    """A grid, which has no parts, is drawn itself with its own figure (uncoloured)."""
    indicator = for_department(view.indicator, view.department)
    figure = figures([indicator], view.region, view.period.start, view.period.end)[0]
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
    view = asked_view(request, county_only=True)
    load, error = positive_number(request, "load", DEFAULT_LOAD, 500)
    found = coverage(view.region, view.period, load)
    page = Paginator(found.workers, WORKERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "view": view,
        "trail": view.trail(f"&load={load}"),
        "coverage": found,
        "workers": page,
        "load": load,
        "error": error or view.error,
        "query": view.query() + f"&load={load}",
    }
    return render(request, "command/coverage.html", context)


@login_required
@require_GET
def recurring_page(request):
    """The same category coming back in the same grid, within a window up to the period's end."""
    view = asked_view(request, county_only=True)
    times, times_error = positive_number(request, "times", DEFAULT_TIMES, 100)
    days, days_error = positive_number(request, "days", DEFAULT_DAYS, 366)
    until = min(view.period.last_day, timezone.localdate())
    found = recurring(view.region, until, times, days)
    extra = f"&times={times}&days={days}"
    context = {
        "view": view,
        "trail": view.trail(extra),
        "found": found,
        "times": times,
        "days": days,
        "until": until,
        "error": times_error or days_error or view.error,
        "may_screen": request.user.role == Role.OPERATOR,
        "map_values": recurring_map_values(view, found),
        "outlines_url": reverse("command:outlines") + "?" + view.query() + "&grids=1",
    }
    return render(request, "command/recurring.html", context)


def recurring_map_values(view: View, found: list) -> list[dict]:
    """Each grid's most recurring category, coloured by how often it came back."""
    most: dict[str, int] = {}
    for row in found:
        most[row.grid.code] = max(most.get(row.grid.code, 0), row.times)
    breaks = class_breaks(list(most.values()))
    return [
        {
            "code": code,
            "display": str(times),
            "colour": colour_of(times, breaks),
            "url": "?" + view.query(region=code),
        }
        for code, times in most.items()
    ]


@login_required
@require_POST
def screen(request):
    """Open the screening task for a recurring problem, then show it."""
    view = asked_view(request, county_only=True)
    grid = region_in_area(request.user, request.POST.get("grid"))
    category = Category.objects.filter(pk=request.POST.get("category") or 0).first()
    days, _error = positive_number(request, "days", DEFAULT_DAYS, 366)
    if grid is None or category is None:
        raise Http404("No such grid or category.")
    until = min(view.period.last_day, timezone.localdate())
    try:
        case = open_screening(request.user, grid, category, until, days)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect(reverse("command:recurring") + "?" + view.query())
    messages.success(request, _("Screening task %(code)s is open for it.") % {"code": case.code})
    return redirect("cases:detail", code=case.code)


@login_required
@require_GET
def risk_page(request):
    """Open cases likely to miss their deadline, and how right the model was last month."""
    view = asked_view(request, county_only=True)
    today = timezone.localdate()
    # The check replays a month of cases: once an hour is often enough.
    checked = cache.get_or_set(
        f"command:risk-accuracy:{today.isoformat()}:{timezone.now().hour}",
        lambda: accuracy(today),
        RISK_ACCURACY_SECONDS,
    )
    context = {
        "view": view,
        "trail": view.trail(),
        "rows": at_risk(request.user, view.region, timezone.now()),
        "accuracy": checked,
        "error": view.error,
    }
    return render(request, "command/risk.html", context)


@login_required
@require_GET
def league_page(request):
    """The region's parts and its departments ranked by the composite score."""
    view = asked_view(request)
    parts = components(view.period)
    context = {
        "view": view,
        "trail": view.trail(),
        "components": parts,
        "weights": sum(part.weight for part in parts),
        "parts": parts_league(view.region, view.period, parts),
        "departments": departments_league(view.region, view.period, parts),
        "error": view.error,
    }
    return render(request, "command/league.html", context)


@login_required
@require_GET
def cases_page(request):
    """The cases behind a figure: its numerator's and its denominator's, among those the user
    may see, in the region (and department) over the period."""
    view = asked_view(request, county_only=True)
    department = view.department.pk if view.department else None
    visible = cases_visible_to(request.user)
    lists = []
    for step in (view.indicator.numerator, view.indicator.denominator):
        if not step:
            continue
        args = (step, view.region, view.period.start, view.period.end, department)
        behind = cases_behind(*args).filter(pk__in=visible.values("pk"))
        lists.append(
            {
                "step": dict(step_choices())[step],
                "counted": count_behind(*args),
                "cases": behind.count(),
                "shown": list(
                    behind.select_related("category", "department").order_by("-reported_at")[
                        :CASES_SHOWN
                    ]
                ),
            }
        )
    context = {
        "view": view,
        "trail": view.trail(),
        "department": view.department,
        "lists": lists,
        "figure": figures(
            [for_department(view.indicator, view.department)],
            view.region,
            view.period.start,
            view.period.end,
        )[0],
        "shown_at_most": CASES_SHOWN,
    }
    return render(request, "command/cases.html", context)


def report_of(request) -> tuple[View, MonthlyReport]:
    """The month asked for (by default the last whole month), its report."""
    view = asked_view(request)
    if not request.GET.get("period"):
        month = month_of(timezone.localdate()).previous()
    else:
        month = month_of(view.period.start)
    view = View(view.area, view.region, month, view.indicator, view.indicators, view.error)
    return view, monthly_report(view.region, month)


@login_required
@require_GET
def report_page(request):
    """The monthly report, for the screen and for print."""
    view, report = report_of(request)
    context = {
        "view": view,
        "trail": view.trail(),
        "report": report,
        "error": view.error,
    }
    return render(request, "command/report.html", context)


@login_required
@require_GET
def report_workbook(request):
    view, report = report_of(request)
    response = HttpResponse(exports.report_workbook(report), content_type=exports.XLSX)
    name = f"wangge-report-{view.region.code}-{view.period.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def outlines(request):
    """GeoJSON of the parts of a region in the user's area (of a grid: itself)."""
    view = asked_view(request)
    if view.at_city:
        drawn = list(places.children(view.region).exclude(boundary="")) or [
            region for region in [view.region] if getattr(region, "boundary", "")
        ]  # a grid: itself
        return map_response(request, outlines_of(drawn))
    if request.GET.get("grids"):
        return map_response(request, grid_collection(view.region))
    return map_response(request, children_outlines(view.region))


@login_required
@require_GET
def live(request):
    """The live feed's fragment, polled by the page."""
    view = asked_view(request, county_only=True)
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
            indicator_rows(view.region, view.period, view.department),
            child_rows(view.indicator, view.region, view.period, view.department),
        )
        response = HttpResponse(body, content_type=exports.XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    table = request.GET.get("table", "indicators")
    if table == "workers" and not view.at_city:
        load, _error = positive_number(request, "load", DEFAULT_LOAD, 500)
        body = exports.workers_csv(coverage(view.region, view.period, load))
    elif table == "regions":
        body = exports.children_csv(
            view.indicator, child_rows(view.indicator, view.region, view.period, view.department)
        )
    else:
        person = None
        if request.GET.get("staff") and not view.at_city:
            person = person_in_area(view, request.GET["staff"])
            name = f"{name}-{person.username}"
        rows = indicator_rows(view.region, view.period, view.department, staff=person)
        table, body = "indicators", exports.csv_text(view.period, rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{table}.csv"'
    return response
