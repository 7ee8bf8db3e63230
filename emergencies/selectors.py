"""Reads of emergencies: the open ones with their report countdowns, and their figures."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cases.kinds import Figure
from cases.models import OPEN_STATUSES, Case

from .models import COUNTY_SEVERITIES
from .services import KIND


def emergencies(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.filter(case_kind=KIND)


@dataclass(frozen=True)
class Countdown:
    """A report still to send: when it is due and how long is left (negative: late)."""

    label: str
    due: datetime
    minutes_left: int

    @property
    def late(self) -> bool:
        return self.minutes_left < 0

    @property
    def minutes_late(self) -> int:
        return -self.minutes_left


def countdowns(detail, now: datetime) -> list[Countdown]:
    """The reports this emergency still owes, first due first (none without its record)."""
    owed = []
    if detail is None:
        return owed
    for label, due, sent in (
        (_("First report (首报)"), detail.first_report_due, detail.first_reported_at),
        (_("Written report (书面报告)"), detail.written_report_due, detail.written_reported_at),
    ):
        if due is not None and sent is None:
            owed.append(Countdown(str(label), due, int((due - now).total_seconds() // 60)))
    return owed


def open_emergencies(cases: QuerySet[Case]) -> QuerySet[Case]:
    return (
        emergencies(cases)
        .filter(status__in=OPEN_STATUSES)
        .select_related("category", "town", "emergency")
        .order_by("emergency__severity", "reported_at")
    )


def _counts(cases: QuerySet) -> dict:
    own = emergencies(cases)
    on_time = Q(emergency__first_reported_at__lte=F("emergency__first_report_due"))
    written_on_time = Q(emergency__written_reported_at__lte=F("emergency__written_report_due"))
    return own.aggregate(
        total=Count("pk"),
        county_level=Count("pk", filter=Q(emergency__severity__in=COUNTY_SEVERITIES)),
        first_reported=Count("pk", filter=Q(emergency__first_reported_at__isnull=False)),
        first_on_time=Count("pk", filter=on_time),
        written_on_time=Count("pk", filter=written_on_time),
        deaths=Sum("emergency__deaths", default=0),
        injured=Sum("emergency__injured", default=0),
        affected=Sum("emergency__affected", default=0),
    )


def _rate(part: str, whole: str):
    def compute(cases: QuerySet) -> float | None:
        counts = _counts(cases)
        return round(100 * counts[part] / counts[whole], 1) if counts[whole] else None

    return compute


def _count(name: str):
    return lambda cases: _counts(cases)[name]


FIGURES = (
    Figure("total", _("Emergencies"), _count("total")),
    Figure("county_level", _("Of level III (较大) and above"), _count("county_level")),
    Figure("first_on_time_rate", _("First reports on time (%)"), _rate("first_on_time", "total")),
    Figure(
        "written_on_time_rate", _("Written reports on time (%)"), _rate("written_on_time", "total")
    ),
    Figure("deaths", _("Dead"), _count("deaths")),
    Figure("injured", _("Injured"), _count("injured")),
    Figure("affected", _("People affected"), _count("affected")),
)
