"""The monthly report of a region: every indicator with its rule, beside the month before and
the same month a year before; the league tables; the recurring problems of the month. Shown as
a printable page and written as an Excel workbook (command.exports.report_workbook)."""

from dataclasses import dataclass

from territory.models import Region

from . import places
from .league import Component, Standing, components, departments_league, parts_league
from .periods import Period
from .recurring import DEFAULT_TIMES, Recurring, recurring
from .selectors import IndicatorRow, indicator_rows


@dataclass(frozen=True)
class MonthlyReport:
    region: Region
    period: Period
    rows: list[IndicatorRow]
    components: list[Component]
    parts: list[Standing]
    departments: list[Standing]
    recurring: list[Recurring]


def monthly_report(region: Region, period: Period) -> MonthlyReport:
    """The report; a city's has no recurring problems (they are found and screened in the
    county, where the reports are)."""
    parts = components(period)
    return MonthlyReport(
        region,
        period,
        indicator_rows(region, period),
        parts,
        parts_league(region, period, parts),
        departments_league(region, period, parts),
        []
        if places.at_city()
        else recurring(region, period.last_day, DEFAULT_TIMES, (period.end - period.start).days),
    )
