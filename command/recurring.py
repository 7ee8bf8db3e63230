"""Recurring problems (源头治理): the same category reported again and again in the same grid
within a window, read from the daily facts, each with the screening task opened for it, if
any. A screening task is a case of the same category at the grid's centre, filed by the centre
(command.services.open_screening), routed and handled like any other: find the cause and end
it."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Sum

from cases.models import OPEN_STATUSES, Case, Category
from cases.worktime import start_of
from territory.models import Region

from .models import Fact, Step
from .selectors import in_region

SCREENING_MARK = "【源头治理】"  # a screening task's description starts with it
DEFAULT_TIMES, DEFAULT_DAYS = 3, 30
LISTED = 200


@dataclass(frozen=True)
class Recurring:
    grid: Region
    category: Category
    times: int
    last_day: date
    screening: Case | None  # the open screening task for this grid and category


def recurring(
    region: Region, until: date, times: int = DEFAULT_TIMES, days: int = DEFAULT_DAYS
) -> list[Recurring]:
    """Grid and category pairs reported at least `times` times in the `days` days up to and
    including `until`, the most frequent first."""
    start, end = until - timedelta(days=days - 1), until + timedelta(days=1)
    rows = list(
        in_region(Fact.objects.filter(step=Step.REPORTED, day__gte=start, day__lt=end), region)
        .values_list("grid_id", "category_id")
        .annotate(times=Sum("count"), last_day=Max("day"))
        .filter(times__gte=times)
        .order_by("-times", "-last_day")[:LISTED]
    )
    grids = Region.objects.in_bulk({grid for grid, *_rest in rows})
    categories = Category.objects.in_bulk({category for _grid, category, *_rest in rows})
    open_screenings = {
        (case.grid_id, case.category_id): case
        for case in Case.objects.filter(
            grid_id__in=list(grids),
            status__in=OPEN_STATUSES,
            description__startswith=SCREENING_MARK,
        )
    }
    return [
        Recurring(
            grids[grid],
            categories[category],
            count,
            last_day,
            open_screenings.get((grid, category)),
        )
        for grid, category, count, last_day in rows
    ]


def cases_behind(grid: Region, category: Category, until: date, days: int) -> list[Case]:
    """The reports that make a pair recur, oldest first."""
    start = until - timedelta(days=days - 1)
    return list(
        Case.objects.filter(
            grid=grid,
            category=category,
            reported_at__gte=start_of(start),
            reported_at__lt=start_of(until + timedelta(days=1)),
        ).order_by("reported_at")
    )
