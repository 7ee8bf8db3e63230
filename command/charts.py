"""The data of the command centre's charts (drawn by command/static/command/charts.js with
Apache ECharts): reports and closures over the period, the categories most reported, the
departments by the chosen indicator, and the region against the one above it month by month.
Every figure is summed from the facts, like the rest of the page."""

from datetime import date, timedelta

from staff.models import Department
from territory.models import Region

from . import places
from .models import Indicator
from .periods import Period, add_months
from .selectors import current_indicators, figure_of, for_department, moment_of, step_sums

DAILY_UP_TO = 62  # days; a longer period is drawn month by month
TOP_CATEGORIES = 10
MONTHS_AGAINST_ABOVE = 12


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days)]


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


def over_time(region: Region, period: Period, department: Department | None = None) -> dict | None:
    """Reports and closures per day (per month over a longer period), by the shipped
    上报数 and 结案数."""
    by_code = {indicator.code: indicator for indicator in current_indicators(moment_of(period))}
    shown = [
        for_department(by_code[code], department)
        for code in ("reported", "closed")
        if code in by_code
    ]
    if not shown:
        return None
    daily = (period.end - period.start).days <= DAILY_UP_TO
    start = period.start if daily else period.start.replace(day=1)
    end = period.end if daily or period.end.day == 1 else add_months(period.end.replace(day=1), 1)
    split = "day" if daily else "month"
    sums = step_sums(shown, region, start, end, by=split)
    moments = _days(start, end) if daily else _months(start, end)
    return {
        "labels": [moment.strftime("%m-%d" if daily else "%Y-%m") for moment in moments],
        "series": [
            {
                "name": indicator.name,
                "values": [figure_of(indicator, sums[moment]).value for moment in moments],
            }
            for indicator in shown
        ],
    }


def top_categories(
    region: Region, period: Period, department: Department | None = None
) -> dict | None:
    """The categories most reported in the period (by 上报数's rule)."""
    reported = next(
        (i for i in current_indicators(moment_of(period)) if i.code == "reported"), None
    )
    if reported is None:
        return None
    reported = for_department(reported, department)
    sums = step_sums([reported], region, period.start, period.end, by="category_id")
    # A category is one by its code in every county (a city sums the counties' own).
    categories = {
        (county_code, pk): (code, name)
        for county_code, pk, code, name in places.tables().Category.objects.values_list(
            "county_code", "id", "code", "name"
        )
    }
    by_code: dict[tuple[str, str], float] = {}
    for key, found in sums.items():
        category = categories.get(key, ("", "?"))
        by_code[category] = by_code.get(category, 0) + (figure_of(reported, found).value or 0)
    counts = sorted(((count, name) for (_code, name), count in by_code.items()), reverse=True)
    return {
        "labels": [name for _count, name in counts[:TOP_CATEGORIES]],
        "values": [count for count, _name in counts[:TOP_CATEGORIES]],
    }


def departments_ranked(indicator: Indicator, region: Region, period: Period) -> dict | None:
    """Each department's figure for the indicator in the region, best first (a rate where
    lower is better still sorts highest first: the page names the rule)."""
    sums = step_sums([indicator], region, period.start, period.end, by="department_id")
    found = [
        (figure.value, department)
        for department, figure in (
            (department, figure_of(indicator, its)) for department, its in sums.items()
        )
        if department[1] and figure.value is not None
    ]
    found.sort(reverse=True)
    names = places.names(places.tables().Department, [key for _value, key in found])
    return {
        "labels": [names.get(key, "?") for _value, key in found],
        "values": [round(value, 2) for value, _pk in found],
        "unit": indicator.unit,
    }


def against_above(indicator: Indicator, region: Region, period: Period) -> dict | None:
    """The indicator month by month over the last twelve months to the period's end, for the
    region and for the region above it (none for the county)."""
    above = places.parent_of(region)
    if above is None:
        return None
    end = add_months(period.last_day.replace(day=1), 1)
    start = add_months(end, -MONTHS_AGAINST_ABOVE)
    months = _months(start, end)
    series = []
    for place in (region, above):
        sums = step_sums([indicator], place, start, end, by="month")
        series.append(
            {
                "name": place.name,
                "values": [_rounded(figure_of(indicator, sums[month]).value) for month in months],
            }
        )
    return {"labels": [month.strftime("%Y-%m") for month in months], "series": series}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def charts(
    indicator: Indicator, region: Region, period: Period, department: Department | None = None
) -> dict:
    """Every chart of the page; for one department, its own figures and no ranking of them;
    for a city, no ranking of every county's departments in one chart (the league table ranks
    them)."""
    indicator = for_department(indicator, department)
    ranked = not department and not places.is_city(region)
    return {
        "over_time": over_time(region, period, department),
        "categories": top_categories(region, period, department),
        "departments": departments_ranked(indicator, region, period) if ranked else None,
        "against_above": against_above(indicator, region, period),
    }
