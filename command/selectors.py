"""Figures of the indicators (command.models.Indicator) for a region and a period, summed from
the facts (command.models.Fact), never from the cases."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from cases.models import Category
from staff.models import Department
from territory.models import Level, Region

from .models import HOUR_BOUNDS, Fact, Indicator, Step


def indicator_at(code: str, moment: datetime | None = None) -> Indicator | None:
    """The version of the indicator that was in force at that moment (now by default)."""
    moment = moment or timezone.now()
    return (
        Indicator.objects.filter(code=code, valid_from__lte=moment)
        .order_by("-valid_from", "-version")
        .first()
    )


def current_indicators() -> list[Indicator]:
    """Each indicator's version in force now, in their order."""
    latest: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(valid_from__lte=timezone.now()).order_by(
        "valid_from", "version"
    ):
        latest[indicator.code] = indicator
    return sorted(latest.values(), key=lambda indicator: (indicator.order, indicator.code))


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: float
    denominator: float | None  # None: the indicator is a count or a sum
    percentile: float | None = None  # for an indicator with a percentile: the hours at it

    @property
    def value(self) -> float | None:
        """The figure, or None where the denominator is nought (no rate to give)."""
        if self.indicator.percentile:
            return self.percentile
        if self.denominator is None:
            return self.numerator * self.indicator.factor
        if not self.denominator:
            return None
        return self.numerator * self.indicator.factor / self.denominator


def _category_filter(codes: list[str]) -> Q:
    """The categories with these codes and their leaves (a class stands for its own)."""
    chosen = Category.objects.filter(code__in=codes).values("pk")
    leaves = Category.objects.filter(parent__in=chosen).values("pk")
    return Q(category_id__in=chosen) | Q(category_id__in=leaves)


def facts_for(indicator: Indicator, region: Region, start: date, end: date) -> QuerySet[Fact]:
    """The facts under the indicator's filters, in the region's grids, from `start` up to but
    not including `end`."""
    facts = Fact.objects.filter(day__gte=start, day__lt=end)
    if region.level != Level.COUNTY:
        grids = Region.objects.subtree(region).grids().values("pk")
        facts = facts.filter(grid_id__in=grids)
    else:
        facts = facts.filter(county_code=region.county_code)
    if indicator.kinds:
        facts = facts.filter(
            category_id__in=Category.objects.filter(kind__in=indicator.kinds).values("pk")
        )
    if indicator.sources:
        facts = facts.filter(source__in=indicator.sources)
    if indicator.levels:
        facts = facts.filter(level__in=indicator.levels)
    if indicator.categories:
        facts = facts.filter(_category_filter(indicator.categories))
    if indicator.departments:
        chosen = Department.objects.filter(code__in=indicator.departments).values("pk")
        facts = facts.filter(department_id__in=chosen)
    return facts


def percentile_of(histogram: dict[int, int], percent: float) -> float | None:
    """The hours at `percent` of a handling-time histogram ({bucket: count}), interpolated
    linearly inside its bucket (so within one bucket's width of the exact figure); None when
    it is empty. The last bucket has no upper bound and answers its lower one."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    wanted, below = total * percent / 100, 0
    for bucket in sorted(histogram):
        count = histogram[bucket]
        if count > 0 and below + count >= wanted:
            low = HOUR_BOUNDS[bucket - 1] if bucket else 0
            if bucket >= len(HOUR_BOUNDS):
                return float(low)
            return low + (HOUR_BOUNDS[bucket] - low) * (wanted - below) / count
        below += count
    return float(HOUR_BOUNDS[-1])


def figure(indicator: Indicator, region: Region, start: date, end: date) -> Figure:
    """The indicator's figure for the region over [start, end)."""
    steps = {indicator.numerator, indicator.denominator} - {""}
    sums = {
        row["step"]: row
        for row in facts_for(indicator, region, start, end)
        .filter(step__in=steps)
        .values("step")
        .annotate(count=Sum("count"), hours=Sum("hours"))
        .order_by()
    }
    numerator = sums.get(indicator.numerator, {})
    denominator = sums.get(indicator.denominator, {}) if indicator.denominator else None
    percentile = None
    if indicator.percentile:
        histogram = dict(
            facts_for(indicator, region, start, end)
            .filter(step=Step.HANDLING_HOURS)
            .values_list("bucket")
            .annotate(Sum("count"))
            .order_by()
        )
        percentile = percentile_of(histogram, indicator.percentile)
    return Figure(
        indicator,
        numerator.get("hours" if indicator.numerator_hours else "count") or 0,
        None if denominator is None else denominator.get("count") or 0,
        percentile,
    )
