"""Reads of patrols: who checks in and who reads coverage, a worker's own check-ins, and the
coverage of a region in a week (grids with at least one check-in), from the check-ins and from
the weekly counts they are folded into. Coverage is counts per grid: never who checked in."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cases.worktime import start_of
from command.periods import Period, PeriodError, parse_period
from staff.models import Role
from territory.models import Level, Region

from .models import PatrolCheckIn, PatrolWeek

PATROL_ROLES = (Role.GRID_WORKER, Role.INFORMANT)
COVERAGE_ROLES = (Role.OPERATOR, Role.LEADER, Role.ADMIN)
OWN_WEEKS = 4  # how far back a worker's page lists their own check-ins


def may_check_in(user) -> bool:
    """Grid workers and informants, assigned to a grid (whose village they patrol)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role in PATROL_ROLES
        and user.region_id is not None
    )


def may_see_coverage(user) -> bool:
    """Centre operators, leaders and administrators: each over their own area."""
    return user.is_authenticated and user.is_active and user.role in COVERAGE_ROLES


def own_checkins(user, now: datetime, weeks: int = OWN_WEEKS) -> QuerySet[PatrolCheckIn]:
    """The worker's own check-ins of the last `weeks` weeks, newest first."""
    return (
        PatrolCheckIn.objects.filter(user=user, at__gte=now - timedelta(weeks=weeks))
        .select_related("grid")
        .order_by("-at", "-pk")
    )


def village_grids(user) -> QuerySet[Region]:
    """The grids a worker may check in: every grid of their own grid's village."""
    return Region.objects.filter(parent_id=user.region.parent_id, level=Level.GRID).order_by("code")


# --- coverage ------------------------------------------------------------------------------------


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(weeks=1))


def week_asked(text: str | None, today: date) -> Period:
    """The ISO week an address names (`2026-W49`), this week when it names none; PeriodError
    saying how to write one otherwise."""
    if not text:
        return week_of(today)
    try:
        period = parse_period(text)
    except PeriodError:
        period = None
    if period is None or period.kind != "week":
        raise PeriodError(
            _("“%(text)s” is not a week. Write a week as 2026-W49.") % {"text": text[:40]}
        )
    return period


def coverage_area(user) -> Region:
    """The region a user's coverage opens on: their own (the county for an administrator)."""
    from cases.selectors import overview_area

    return overview_area(user)


def coverage_region(user, code: str | None) -> Region | None:
    """The region with this code if it lies in the user's area (the area itself without a
    code), down to a village; None otherwise, as if it did not exist."""
    area = coverage_area(user)
    if not code or code == area.code:
        return area
    region = Region.objects.filter(county_code=settings.COUNTY_CODE, code=code).first()
    if region is None or region.level == Level.GRID or not area.contains(region):
        return None
    return region


def trail(area: Region, region: Region) -> list[Region]:
    """The regions from the user's area down to `region`: the page's breadcrumbs."""
    codes = region.ancestor_codes()[len(area.ancestor_codes()) :]
    found = {found.code: found for found in Region.objects.filter(code__in=codes)}
    return [area, *(found[code] for code in codes if code in found)]


@dataclass(frozen=True)
class CoverageRow:
    region: Region
    grids: int
    patrolled: int  # grids with at least one check-in in the week
    checkins: int

    @property
    def share(self) -> float | None:
        """Patrolled grids as a percentage of the grids, to one decimal."""
        return round(100 * self.patrolled / self.grids, 1) if self.grids else None


@dataclass(frozen=True)
class GridRow:
    grid: Region
    checkins: int

    @property
    def patrolled(self) -> bool:
        return self.checkins > 0


@dataclass
class Coverage:
    region: Region
    week: Period
    total: CoverageRow
    parts: list[CoverageRow] = field(default_factory=list)  # the towns, or a town's villages
    grids: list[GridRow] = field(default_factory=list)  # a village's grids


def checkins_by_grid(region: Region, week: Period) -> Counter[int]:
    """Check-ins per grid under the region in the week: those still kept, plus the weekly counts
    of those already folded (a week may be partly folded: both are added)."""
    under = {"county_code": region.county_code, "grid__path__startswith": region.path}
    counts: Counter[int] = Counter(
        dict(
            PatrolCheckIn.objects.filter(
                **under, at__gte=start_of(week.start), at__lt=start_of(week.end)
            )
            .values_list("grid_id")
            .annotate(Count("pk"))
            .order_by()
        )
    )
    for grid_id, checkins in PatrolWeek.objects.filter(**under, week_start=week.start).values_list(
        "grid_id", "checkins"
    ):
        counts[grid_id] += checkins
    return counts


def coverage(region: Region, week: Period) -> Coverage:
    """The region's grids patrolled in the week, in total and for each region one level below;
    for a village, each grid with its number of check-ins."""
    grids = list(
        Region.objects.subtree(region).grids().only("id", "code", "name", "path").order_by("code")
    )
    counts = checkins_by_grid(region, week)

    def row(place: Region, its_grids: list[Region]) -> CoverageRow:
        patrolled = [grid for grid in its_grids if counts.get(grid.pk)]
        return CoverageRow(
            place,
            len(its_grids),
            len(patrolled),
            sum(counts.get(grid.pk, 0) for grid in its_grids),
        )

    found = Coverage(region, week, row(region, grids))
    if region.level == Level.VILLAGE:
        found.grids = [GridRow(grid, counts.get(grid.pk, 0)) for grid in grids]
        return found
    depth = len(region.ancestor_codes())  # a grid's code at this position is its part's
    by_part: dict[str, list[Region]] = {}
    for grid in grids:
        by_part.setdefault(grid.ancestor_codes()[depth], []).append(grid)
    parts = Region.objects.filter(parent=region).only("id", "code", "name", "level", "path")
    found.parts = [row(part, by_part.get(part.code, [])) for part in parts.order_by("code")]
    return found
