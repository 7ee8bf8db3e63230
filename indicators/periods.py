"""Periods as DHIS2 writes them: a year "2026", a quarter "2026Q3", a month "202607"."""

import re
from datetime import date

from django.utils.translation import gettext as _

from .models import PeriodType

PATTERNS = {
    PeriodType.YEAR: re.compile(r"^(?P<year>\d{4})$"),
    PeriodType.QUARTER: re.compile(r"^(?P<year>\d{4})Q(?P<part>[1-4])$"),
    PeriodType.MONTH: re.compile(r"^(?P<year>\d{4})(?P<part>0[1-9]|1[0-2])$"),
}


class BadPeriod(ValueError):
    pass


def check_period(period_type: str, period: str) -> str:
    """The period if it is one of this type (2026, 2026Q3, 202607), else BadPeriod saying why."""
    match = PATTERNS[period_type].match(period or "")
    if match is None or not 2000 <= int(match["year"]) <= 2100:
        examples = {
            PeriodType.YEAR: "2026",
            PeriodType.QUARTER: "2026Q3",
            PeriodType.MONTH: "202607",
        }
        raise BadPeriod(
            _("“%(period)s” is not a period of this data set; write it like %(example)s.")
            % {"period": period, "example": examples[period_type]}
        )
    return period


def current_period(period_type: str, today: date) -> str:
    if period_type == PeriodType.YEAR:
        return f"{today.year}"
    if period_type == PeriodType.QUARTER:
        return f"{today.year}Q{(today.month - 1) // 3 + 1}"
    return f"{today.year}{today.month:02d}"


def year_of(period: str) -> int:
    return int(period[:4])


def period_label(period_type: str, period: str) -> str:
    year = period[:4]
    if period_type == PeriodType.QUARTER:
        return _("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": period[5]}
    if period_type == PeriodType.MONTH:
        return _("%(year)s-%(month)s") % {"year": year, "month": period[4:]}
    return year


def shift_period(period_type: str, period: str, steps: int) -> str:
    """The period `steps` periods later (earlier when negative)."""
    year = int(period[:4])
    if period_type == PeriodType.YEAR:
        return f"{year + steps}"
    if period_type == PeriodType.QUARTER:
        index = year * 4 + int(period[5]) - 1 + steps
        return f"{index // 4}Q{index % 4 + 1}"
    index = year * 12 + int(period[4:]) - 1 + steps
    return f"{index // 12}{index % 12 + 1:02d}"
