"""Figures of the indicators (command.models.Indicator) for a region and a period, summed from
the facts (command.models.Fact), never from the cases."""

import copy
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.models import Case, TimelineEntry, overdue_condition
from cases.selectors import cases_visible_to, may_see
from cases.worktime import start_of
from staff.models import Department, Role, User
from territory.models import Level, Region

from . import places
from .models import HOUR_BOUNDS, Fact, Indicator, Step
from .periods import Period


def indicator_at(code: str, moment: datetime | None = None) -> Indicator | None:
    """The version of the indicator that was in force at that moment (now by default)."""
    moment = moment or timezone.now()
    return (
        Indicator.objects.filter(code=code, valid_from__lte=moment)
        .order_by("-valid_from", "-version")
        .first()
    )


def current_indicators(moment: datetime | None = None) -> list[Indicator]:
    """Each indicator's version in force at that moment (now by default), in their order."""
    latest: dict[str, Indicator] = {}
    for indicator in Indicator.objects.filter(valid_from__lte=moment or timezone.now()).order_by(
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

    @property
    def display(self) -> str:
        """The value as the pages and exports write it: a rate to one decimal with its %,
        hours to one decimal, counts whole; a dash where there is none."""
        value = self.value
        if value is None:
            return "—"
        if self.indicator.unit == "%":
            return f"{value:.1f}%"
        if self.indicator.numerator_hours or self.indicator.percentile:
            return f"{value:.1f}"
        return f"{value:.0f}"


def in_region(facts: QuerySet, region: Region) -> QuerySet:
    """The facts of the region's grids."""
    return places.by_region(facts, region)


def by_month_only(indicator: Indicator, start: date, end: date) -> bool:
    """Whether MonthFact may answer: whole months, and no filter on what it does not keep."""
    return start.day == 1 and end.day == 1 and not any(_filters(indicator))


def facts_for(indicator: Indicator, region: Region, start: date, end: date) -> QuerySet[Fact]:
    """The facts under the indicator's filters, in the region's grids, from `start` up to but
    not including `end`."""
    tables = places.tables()
    facts = in_region(tables.Fact.objects.filter(day__gte=start, day__lt=end), region)
    if indicator.kinds:
        kinds = tables.Category.objects.filter(kind__in=indicator.kinds)
        facts = facts.filter(places.matching("category_id", kinds))
    if indicator.sources:
        facts = facts.filter(source__in=indicator.sources)
    if indicator.levels:
        facts = facts.filter(level__in=indicator.levels)
    if indicator.categories:
        facts = facts.filter(places.category_filter(indicator.categories))
    if indicator.departments:
        chosen = tables.Department.objects.filter(code__in=indicator.departments)
        facts = facts.filter(places.matching("department_id", chosen))
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


@dataclass
class Sums:
    """What an indicator is computed from: per step, the facts' counts and hours, and the
    handling-time histogram ({bucket: count})."""

    counts: dict[str, float] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=dict)
    histogram: dict[int, float] = field(default_factory=dict)

    def add(self, step: str, bucket: int, count: float, hours: float) -> None:
        self.counts[step] = self.counts.get(step, 0) + count
        self.hours[step] = self.hours.get(step, 0) + hours
        if step == Step.HANDLING_HOURS:
            self.histogram[bucket] = self.histogram.get(bucket, 0) + count

    def merge(self, other: "Sums") -> None:
        for step, count in other.counts.items():
            self.counts[step] = self.counts.get(step, 0) + count
            self.hours[step] = self.hours.get(step, 0) + other.hours.get(step, 0)
        for bucket, count in other.histogram.items():
            self.histogram[bucket] = self.histogram.get(bucket, 0) + count


def steps_of(indicators: Iterable[Indicator]) -> set[str]:
    steps = set()
    for indicator in indicators:
        steps |= {indicator.numerator, indicator.denominator} - {""}
    return steps


# What sums may be split by: the county, village or month (either table: the daily facts by
# grid, as their village), or the grid, department, category or day (the daily facts alone).
MONTHLY_SPLITS = {None, "county_code", "village_id", "month"}
# Splits by an id, which is a county's own: their sums are keyed by (county code, id).
ID_SPLITS = {"village_id", "grid_id", "department_id", "category_id"}
# What the monthly facts by town answer: a city's, county's or town's whole months by these.
TOWN_MONTH_SPLITS = {"department_id", "category_id"}
TOWN_MONTH_LEVELS = {places.CITY, Level.COUNTY, Level.TOWN}


def step_sums(
    indicators: list[Indicator],
    region: Region,
    start: date,
    end: date,
    by: str | None = None,
) -> dict:
    """The sums the indicators need, which must share their filters (the first one's are
    used), over the region and [start, end): for the whole region under None, or split `by`
    county_code, day or month, or by village_id, grid_id, department_id or category_id (keyed
    by county code and id). Whole months of unfiltered indicators over a city, county, town or
    village, split by nothing, county, village or month, are read from the monthly rollup, and
    over a city, county or town, split by category or department, from the rollup by town."""
    if (
        by in MONTHLY_SPLITS
        and region.level != Level.GRID
        and by_month_only(indicators[0], start, end)
    ):
        month_facts = places.tables().MonthFact.objects.filter(month__gte=start, month__lt=end)
        facts = places.by_village(month_facts, region)
    elif (
        by in TOWN_MONTH_SPLITS
        and region.level in TOWN_MONTH_LEVELS
        and by_month_only(indicators[0], start, end)
    ):
        town_facts = places.tables().TownMonthFact.objects.filter(month__gte=start, month__lt=end)
        facts = places.by_town(town_facts, region)
    else:
        facts = facts_for(indicators[0], region, start, end)
        if by == "village_id":
            raise ValueError("The daily facts are split by grid, not by village.")
        if by == "month":
            facts = facts.annotate(month=TruncMonth("day"))
    key = () if by is None else ("county_code", by) if by in ID_SPLITS else (by,)
    rows = (
        facts.filter(step__in=steps_of(indicators))
        .values_list(*key, "step", "bucket")
        .annotate(Sum("count"), Sum("hours"))
        .order_by()
    )
    sums: dict = defaultdict(Sums)
    for row in rows:
        step, bucket, count, hours = row[-4:]
        place = row[:-4]
        sums[place if len(place) > 1 else place[0] if place else None].add(
            step, bucket, count or 0, hours or 0
        )
    return sums


def figure_of(indicator: Indicator, sums: Sums) -> Figure:
    """The indicator's figure from its sums."""
    numerator = (sums.hours if indicator.numerator_hours else sums.counts).get(
        indicator.numerator, 0
    )
    denominator = sums.counts.get(indicator.denominator, 0) if indicator.denominator else None
    percentile = None
    if indicator.percentile:
        percentile = percentile_of(sums.histogram, indicator.percentile)
    return Figure(indicator, numerator, denominator, percentile)


def figure(indicator: Indicator, region: Region, start: date, end: date) -> Figure:
    """The indicator's figure for the region over [start, end)."""
    return figure_of(indicator, step_sums([indicator], region, start, end)[None])


def _filters(indicator: Indicator) -> tuple:
    return tuple(
        tuple(sorted(getattr(indicator, name)))
        for name in ("kinds", "sources", "levels", "categories", "departments")
    )


def figures(
    indicators: list[Indicator], region: Region, start: date, end: date, staff: User | None = None
) -> list[Figure]:
    """Each indicator's figure for the region over [start, end): one query per set of filters
    (the shipped set has one); for a staff member, over the cases they took a step in
    (command.staff)."""
    from .staff import staff_sums

    by_filters: dict[tuple, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_filters[_filters(indicator)].append(indicator)
    found: dict[int, Figure] = {}
    for group in by_filters.values():
        if staff is None:
            sums = step_sums(group, region, start, end)[None]
        else:
            sums = staff_sums(staff, group, region, start, end)
        found |= {indicator.pk: figure_of(indicator, sums) for indicator in group}
    return [found[indicator.pk] for indicator in indicators]


def child_figures(
    indicator: Indicator, region: Region, start: date, end: date
) -> list[tuple[Region, Figure]]:
    """The indicator's figure for each region one level below (each grid of a village …): one
    query, by village from the monthly facts where they answer, else by grid, summed up the tree
    here (a city's counties: by county)."""
    children = list(places.children(region))
    if not children:
        return []
    if places.is_city(region):
        by, child_of = "county_code", {child.county_code: child.code for child in children}
    else:
        depth = len(region.ancestor_codes())
        monthly = region.level != Level.VILLAGE and by_month_only(indicator, start, end)
        below = Level.VILLAGE if monthly else Level.GRID
        by = "grid_id" if below == Level.GRID else "village_id"
        child_of = {
            (county_code, pk): path.strip("/").split("/")[depth]
            for county_code, pk, path in places.below(region, below).values_list(
                "county_code", "id", "path"
            )
        }
    by_child: dict[str, Sums] = defaultdict(Sums)
    for place, sums in step_sums([indicator], region, start, end, by=by).items():
        by_child[child_of.get(place, "")].merge(sums)
    return [(child, figure_of(indicator, by_child[child.code])) for child in children]


# --- what a page of the command centre shows ------------------------------------------------

COMMAND_ROLES = (Role.OPERATOR, Role.LEADER, Role.ADMIN)
DEFAULT_INDICATOR = "closed_on_time_rate"
CLASSES = 5


def may_command(user) -> bool:
    return user.is_authenticated and user.role in COMMAND_ROLES


def region_in_area(user, code: str | None) -> Region | None:
    """The region with this code if it lies in the user's area (the area itself without a
    code); None otherwise, as if it did not exist."""
    area = places.top(user)
    if not code or code == area.code:
        return area
    region = places.find(code)
    return region if region is not None and area.contains(region) else None


def trail(area: Region, region: Region) -> list[Region]:
    """The regions from the user's area down to `region`: the page's breadcrumbs."""
    codes = region.ancestor_codes()[len(area.ancestor_codes()) :]
    found = {found.code: found for found in places.tables().Region.objects.filter(code__in=codes)}
    return [area, *(found[code] for code in codes if code in found)]


def class_breaks(values: list[float], classes: int = CLASSES) -> list[float]:
    """Upper bounds of up to `classes` classes holding about as many regions each (quantiles of
    the distinct values, so a class is never empty); the last is the largest value."""
    distinct = sorted(set(values))
    if not distinct:
        return []
    classes = min(classes, len(distinct))
    return [
        distinct[math.ceil(len(distinct) * (index + 1) / classes) - 1] for index in range(classes)
    ]


def class_of(value: float | None, breaks: list[float]) -> int | None:
    """Which class (0 …) a value falls in; None for a region with no figure."""
    if value is None:
        return None
    for index, bound in enumerate(breaks):
        if value <= bound:
            return index
    return len(breaks) - 1


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator for the region: this period, the one before and the same one a year
    before."""

    indicator: Indicator
    now: Figure
    before: Figure
    year_before: Figure

    @property
    def change(self) -> float | None:
        if self.now.value is None or self.before.value is None:
            return None
        return self.now.value - self.before.value


@dataclass(frozen=True)
class ChildRow:
    region: Region
    figure: Figure
    colour_class: int | None


def moment_of(period: Period) -> datetime:
    """When a period's figures are computed by: the rule in force at its end, or now."""
    return min(start_of(period.end), timezone.now())


def for_department(indicator: Indicator, department: Department | None) -> Indicator:
    """The indicator narrowed to one department's facts (unchanged for None)."""
    if department is None:
        return indicator
    narrowed = copy.copy(indicator)
    narrowed.departments = [department.code]
    return narrowed


def indicator_rows(
    region: Region, period: Period, department: Department | None = None, staff: User | None = None
) -> list[IndicatorRow]:
    """Every indicator for the region (and department, or over one staff member's cases) over
    the period, beside the period before and the same period a year before, each by the rule
    in force at the end of the period it covers."""
    indicators = [
        for_department(indicator, department) for indicator in current_indicators(moment_of(period))
    ]
    now = figures(indicators, region, period.start, period.end, staff)
    before, year_before = period.previous(), period.a_year_before()
    return [
        IndicatorRow(indicator, figure, *others)
        for indicator, figure, *others in zip(
            indicators,
            now,
            _by_rule_of(indicators, region, before, department, staff),
            _by_rule_of(indicators, region, year_before, department, staff),
            strict=True,
        )
    ]


def _by_rule_of(
    indicators: list[Indicator],
    region: Region,
    period: Period,
    department: Department | None,
    staff: User | None = None,
) -> list[Figure]:
    """Each indicator over an earlier period, by the rule that was in force then."""
    then = {indicator.code: indicator for indicator in current_indicators(moment_of(period))}
    earlier = [
        for_department(then[indicator.code], department) if indicator.code in then else indicator
        for indicator in indicators
    ]
    return figures(earlier, region, period.start, period.end, staff)


def legend(children: list[ChildRow]) -> list[tuple[int, str, str]]:
    """Each colour class with the lowest and highest figure in it, as written on the page."""
    found: dict[int, list[Figure]] = defaultdict(list)
    for row in children:
        if row.colour_class is not None:
            found[row.colour_class].append(row.figure)
    return [
        (
            colour,
            min(found[colour], key=lambda figure: figure.value).display,
            max(found[colour], key=lambda figure: figure.value).display,
        )
        for colour in sorted(found)
    ]


def colour_of(value: float | None, breaks: list[float]) -> int | None:
    """The palette's colour (0 … CLASSES - 1) of a value: its class, spread over the whole
    palette when there are fewer classes than colours (two classes: the lightest and darkest)."""
    found = class_of(value, breaks)
    if found is None or len(breaks) < 2:
        return None if found is None else CLASSES // 2
    return round(found * (CLASSES - 1) / (len(breaks) - 1))


def child_rows(
    indicator: Indicator, region: Region, period: Period, department: Department | None = None
) -> list[ChildRow]:
    indicator = for_department(indicator, department)
    rows = child_figures(indicator, region, period.start, period.end)
    breaks = class_breaks([figure.value for _child, figure in rows if figure.value is not None])
    return [ChildRow(child, figure, colour_of(figure.value, breaks)) for child, figure in rows]


def cases_filter(region: Region) -> str:
    """The inbox's filter for the cases of a region ("" for the whole area)."""
    column = REGION_COLUMN.get(region.level)
    if column is None:
        return ""
    return f"{'grid_id' if column == 'grid' else column}={region.pk}"


# --- the live feed ----------------------------------------------------------------------------

FEED_ROWS = 6
ESCALATED_WITHIN = timedelta(days=7)
ESCALATIONS_READ = 500
NEW_WITHIN = timedelta(days=30)
REGION_COLUMN = {Level.TOWN: "town", Level.VILLAGE: "village", Level.GRID: "grid"}


@dataclass(frozen=True)
class Feed:
    new: list[Case]
    overdue_count: int
    overdue: list[Case]
    escalated: list[TimelineEntry]


def cases_in_region(cases: QuerySet[Case], region: Region) -> QuerySet[Case]:
    """The cases of a town, village or grid by their own column (all of them for the county)."""
    column = REGION_COLUMN.get(region.level)
    if column is None:
        return cases.filter(county_code=region.county_code)
    return cases.filter(**{column: region})


def _lies_in(case: Case, region: Region) -> bool:
    column = REGION_COLUMN.get(region.level)
    if column is None:
        return case.county_code == region.county_code
    return getattr(case, f"{column}_id") == region.pk


def feed(user, region: Region, now: datetime) -> Feed:
    """What moves in the region now, among the cases the user may see: the latest reports, the
    open cases past their deadline (the longest past first) and this week's escalations."""
    cases = cases_visible_to(user)
    column = REGION_COLUMN.get(region.level)
    if column:
        # Compared as an expression, not a column: SQLite would otherwise walk all of a town's
        # cases by its region index, where the time and deadline indexes find the few here.
        cases = cases.alias(place=F(f"{column}_id") + 0).filter(place=region.pk)
    cases = cases.select_related("category", "town", "village")
    overdue = cases.filter(overdue_condition(now))
    # A week's escalations are few: read them by their index and keep those in reach here.
    recent = (
        TimelineEntry.objects.filter(action="escalate", at__gte=now - ESCALATED_WITHIN)
        .select_related("case", "case__category")
        .order_by("-at")[:ESCALATIONS_READ]
    )
    escalated = [
        entry for entry in recent if _lies_in(entry.case, region) and may_see(user, entry.case)
    ]
    return Feed(
        # Within a month: bounded, the newest reports are read by time, not by region (a town's
        # tens of thousands of cases sorted for six of them).
        new=list(
            cases.filter(reported_at__gte=now - NEW_WITHIN).order_by("-reported_at")[:FEED_ROWS]
        ),
        overdue_count=overdue.count(),
        overdue=list(overdue.order_by("handle_deadline", "accept_deadline")[:FEED_ROWS]),
        escalated=escalated[:FEED_ROWS],
    )
