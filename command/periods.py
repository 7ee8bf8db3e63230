"""Periods of the command centre's figures, as they appear in its addresses: a day `2026-11-05`,
an ISO week `2026-W45`, a month `2026-11`, a quarter `2026-Q4`, a year `2026`, or any run of
days `2026-11-03..2026-11-20` (both days included). Each knows the period before it, of the
same length, to be shown beside it, and the same period a year before."""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.worktime import start_of


class PeriodError(ValueError):
    """The text names no period; the message says what is expected, in the user's language."""


@dataclass(frozen=True)
class Period:
    kind: str  # day, week, month, quarter, year, days
    start: date
    end: date  # the day after the last one

    @property
    def code(self) -> str:
        """How the period is written in an address."""
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _weekday = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{(self.end - timedelta(days=1)).isoformat()}"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> "Period":
        """The period just before, of the same kind (a run of days: as many days)."""
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            return Period(self.kind, add_months(self.start, -months), self.start)
        length = self.end - self.start
        return Period(self.kind, self.start - length, self.start)

    def following(self) -> "Period":
        """The period just after, of the same kind."""
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            return Period(self.kind, self.end, add_months(self.end, months))
        return Period(self.kind, self.end, self.end + (self.end - self.start))

    def a_year_before(self) -> "Period":
        if self.kind == "week":
            return Period("week", self.start - timedelta(weeks=52), self.end - timedelta(weeks=52))
        return Period(self.kind, add_months(self.start, -12), add_months(self.end, -12))


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later, or that month's last day where it has fewer."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    return Period("month", start, add_months(start, 1))


PATTERNS = (
    ("days", re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")),
    ("day", re.compile(r"(\d{4})-(\d{2})-(\d{2})")),
    ("week", re.compile(r"(\d{4})-W(\d{1,2})")),
    ("quarter", re.compile(r"(\d{4})-Q([1-4])")),
    ("month", re.compile(r"(\d{4})-(\d{1,2})")),
    ("year", re.compile(r"(\d{4})")),
)
LONGEST_RUN = 366 * 3


def parse_period(text: str) -> Period:
    """The period an address names; PeriodError with the reason when it names none."""
    text = (text or "").strip()
    for kind, pattern in PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        try:
            return _period(kind, match.groups())
        except ValueError:
            break
    raise PeriodError(
        _(
            "“%(text)s” is not a period. Write a month as 2026-11, or a day 2026-11-05, a week "
            "2026-W45, a quarter 2026-Q4, a year 2026, or days 2026-11-03..2026-11-20."
        )
        % {"text": text[:40]}
    )


def _period(kind: str, parts: tuple[str, ...]) -> Period:
    if kind == "days":
        first, last = (date.fromisoformat(part) for part in parts)
        if last < first:
            raise PeriodError(_("The period ends before it starts."))
        if (last - first).days >= LONGEST_RUN:
            raise PeriodError(_("A run of days may cover three years at most."))
        return Period("days", first, last + timedelta(days=1))
    numbers = [int(part) for part in parts]
    if kind == "day":
        day = date(*numbers)
        return Period("day", day, day + timedelta(days=1))
    if kind == "week":
        monday = date.fromisocalendar(numbers[0], numbers[1], 1)
        return Period("week", monday, monday + timedelta(weeks=1))
    if kind == "month":
        return month_of(date(numbers[0], numbers[1], 1))
    if kind == "quarter":
        start = date(numbers[0], 3 * numbers[1] - 2, 1)
        return Period("quarter", start, add_months(start, 3))
    return Period("year", date(numbers[0], 1, 1), date(numbers[0] + 1, 1, 1))


def period_or_this_year(text: str | None, today: date) -> Period:
    """The period an address names, this year when it names none (PeriodError if it is wrong)."""
    return parse_period(text or str(today.year))


def period_asked(request) -> Period:
    """A page's `?period=`, this year by default; a wrong one answers 404 saying how to write it."""
    from django.http import Http404
    from django.utils import timezone

    try:
        return period_or_this_year(request.GET.get("period"), timezone.localdate())
    except PeriodError as error:
        raise Http404(str(error)) from None


def reported_in(period: Period) -> Q:
    """Cases reported within the period, by the county's days."""
    return Q(reported_at__gte=start_of(period.start), reported_at__lt=start_of(period.end))
