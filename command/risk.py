"""Deadline risk: which open cases will likely miss their handling deadline, from how long cases
like them took before.

The model is the handling-time distribution (working hours from dispatch to the last feedback)
of handled cases, per category × department × level, read from the facts' histogram
(Fact.bucket), falling back to the category and then to all cases where a stratum has fewer
than MIN_SAMPLES. A case dispatched `elapsed` working hours ago with `limit` hours allowed
misses its deadline with probability 1 − (F(limit) − F(elapsed)) / (1 − F(elapsed)).

Its accuracy is shown beside it: fitted on what was handled before last month, it is asked, at
each dispatch of a case handled last month, whether the case would be on time (p ≥ 0.5), and
the answers are checked against what happened."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Sum

from cases.models import HANDLE_DEADLINE_STATUSES, Case
from cases.selectors import cases_visible_to
from cases.worktime import start_of, working_hours_between
from territory.models import Region

from .models import HOUR_BOUNDS, Fact, Step
from .periods import month_of
from .selectors import cases_in_region

MIN_SAMPLES = 20
LISTED = 50
CHECKED_AT_MOST = 3000  # last month's handled cases the accuracy is measured on


def share_below(histogram: dict[int, float], hours: float) -> float | None:
    """F(hours): the share of the histogram's cases handled within `hours`, spread evenly inside
    each bucket (the open-ended last one taken as [400, 800) hours); None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    below = 0.0
    for bucket, count in histogram.items():
        low = HOUR_BOUNDS[bucket - 1] if bucket else 0.0
        high = HOUR_BOUNDS[bucket] if bucket < len(HOUR_BOUNDS) else 2 * low
        below += count * min(max((hours - low) / (high - low), 0.0), 1.0)
    return below / total


class Model:
    """Handling-time histograms by (category, department, level), by category, and overall."""

    def __init__(self, before: date | None = None):
        facts = Fact.objects.filter(step=Step.HANDLING_HOURS)
        if before is not None:
            facts = facts.filter(day__lt=before)
        self.strata: dict[tuple, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self.categories: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self.overall: dict[int, float] = defaultdict(float)
        rows = (
            facts.values_list("category_id", "department_id", "level", "bucket")
            .annotate(Sum("count"))
            .order_by()
        )
        for category, department, level, bucket, count in rows:
            self.strata[(category, department, level)][bucket] += count
            self.categories[category][bucket] += count
            self.overall[bucket] += count
        self.cases = sum(self.overall.values())

    def histogram(self, category: int, department: int, level: str) -> dict[int, float]:
        for found in (
            self.strata.get((category, department, level)),
            self.categories.get(category),
        ):
            if found and sum(found.values()) >= MIN_SAMPLES:
                return found
        return self.overall

    def on_time(self, category: int, department: int, level: str, elapsed: float, limit: float):
        """The probability of feeding back within `limit` hours, `elapsed` hours in; None
        without history."""
        histogram = self.histogram(category, department, level)
        by_limit, by_now = share_below(histogram, limit), share_below(histogram, elapsed)
        if by_limit is None:
            return None
        if by_now >= 1:
            return 0.0  # slower already than every case before it
        return max(0.0, min(1.0, (by_limit - by_now) / (1 - by_now)))


@dataclass(frozen=True)
class AtRisk:
    case: Case
    elapsed: float
    limit: float
    risk: float


def at_risk(user, region: Region, now: datetime, model: Model | None = None) -> list[AtRisk]:
    """The open cases being handled in the region that the user may see, most at risk first."""
    model = model or Model()
    cases = cases_in_region(cases_visible_to(user), region).filter(
        status__in=HANDLE_DEADLINE_STATUSES,
        handle_deadline__isnull=False,
        dispatched_at__isnull=False,
    )
    found = []
    for case in cases.select_related("category", "department"):
        elapsed = working_hours_between(case.dispatched_at, now)
        limit = working_hours_between(case.dispatched_at, case.handle_deadline)
        chance = model.on_time(
            case.category_id, case.department_id or 0, case.level, elapsed, limit
        )
        if chance is not None:
            found.append(AtRisk(case, elapsed, limit, 1 - chance))
    found.sort(key=lambda row: (-row.risk, row.case.handle_deadline))
    return found[:LISTED]


@dataclass
class Check:
    """The model's answers at one moment of each case, against what happened."""

    cases: int = 0
    right: int = 0
    on_time: int = 0  # what "always on time" would have got right
    squared: float = 0.0

    def add(self, chance: float, was_on_time: bool) -> None:
        self.cases += 1
        self.right += (chance >= 0.5) == was_on_time
        self.on_time += was_on_time
        self.squared += (chance - was_on_time) ** 2

    @property
    def brier(self) -> float | None:
        return self.squared / self.cases if self.cases else None


@dataclass(frozen=True)
class Accuracy:
    month: str
    trained_on: int
    at_dispatch: Check  # every handled case, asked when it was dispatched
    half_way: Check  # those not yet fed back half-way to their deadline, asked then


def accuracy(today: date) -> Accuracy:
    """How well the model, fitted on what was handled before last month, foretold whether last
    month's handled cases would be on time: asked at each dispatch, and again half-way to the
    deadline for the cases still being handled then (what the page ranks)."""
    last_month = month_of(today).previous()
    model = Model(before=last_month.start)
    handled = (
        Case.objects.filter(
            fed_back_at__gte=start_of(last_month.start),
            fed_back_at__lt=start_of(last_month.end),
            dispatched_at__isnull=False,
            handle_deadline__isnull=False,
        )
        .order_by("-fed_back_at")
        .values_list(
            "category_id",
            "department_id",
            "level",
            "dispatched_at",
            "handle_deadline",
            "fed_back_at",
        )[:CHECKED_AT_MOST]
    )
    at_dispatch, half_way = Check(), Check()
    for category, department, level, dispatched, deadline, fed_back in handled:
        stratum = (category, department or 0, level)
        limit = working_hours_between(dispatched, deadline)
        was_on_time = fed_back <= deadline
        chance = model.on_time(*stratum, 0.0, limit)
        if chance is None:
            continue
        at_dispatch.add(chance, was_on_time)
        if working_hours_between(dispatched, fed_back) > limit / 2:
            half_way.add(model.on_time(*stratum, limit / 2, limit), was_on_time)
    return Accuracy(last_month.code, round(model.cases), at_dispatch, half_way)
