"""Grid workers' coverage and load for a region: which grids have no active grid worker, how
many reports each worker (网格员, 信息员) filed per week in the period, and who carries more open
cases than the limit. Staff's own work, never residents: nothing here follows a person."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from cases.models import OPEN_STATUSES, Case, Status
from cases.worktime import start_of
from staff.models import Role, User
from territory.models import Region

from .periods import Period

GRID_ROLES = (Role.GRID_WORKER, Role.INFORMANT)
DEFAULT_LOAD = 10  # open cases in a worker's grid, per grid worker there


@dataclass(frozen=True)
class WorkerRow:
    worker: User
    grid: Region
    reports: int
    per_week: float
    open_in_grid: float  # the grid's open cases shared among its grid workers
    to_verify: int  # the grid's cases waiting for a grid worker's verification (核查)
    over_load: bool


@dataclass
class Coverage:
    period: Period
    load_limit: int
    grids: int = 0
    covered: int = 0
    uncovered: list[Region] = field(default_factory=list)
    workers: list[WorkerRow] = field(default_factory=list)

    @property
    def over_load(self) -> list[WorkerRow]:
        return [row for row in self.workers if row.over_load]

    @property
    def reports(self) -> int:
        return sum(row.reports for row in self.workers)


def coverage(region: Region, period: Period, load_limit: int = DEFAULT_LOAD) -> Coverage:
    """Coverage and load under the region over the period; workers most loaded first."""
    found = Coverage(period, load_limit)
    grids = {grid.pk: grid for grid in Region.objects.subtree(region).grids().order_by("code")}
    workers = list(
        User.objects.filter(
            role__in=GRID_ROLES, is_active=True, region_id__in=list(grids)
        ).order_by("region__code", "role", "username")
    )
    reports = dict(
        Case.objects.filter(
            reporter__in=[worker.pk for worker in workers],
            reported_at__gte=start_of(period.start),
            reported_at__lt=start_of(period.end),
        )
        .values_list("reporter_id")
        .annotate(Count("pk"))
        .order_by()
    )
    open_cases = {
        grid: (open_count, to_verify)
        for grid, open_count, to_verify in Case.objects.filter(
            status__in=OPEN_STATUSES, grid_id__in=list(grids)
        )
        .values_list("grid_id")
        .annotate(open=Count("pk"), to_verify=Count("pk", filter=Q(status=Status.FED_BACK)))
        .order_by()
    }
    grid_workers: dict[int, int] = {}
    for worker in workers:
        if worker.role == Role.GRID_WORKER:
            grid_workers[worker.region_id] = grid_workers.get(worker.region_id, 0) + 1
    weeks = max((period.end - period.start).days / 7, 1 / 7)
    rows = []
    for worker in workers:
        open_count, to_verify = open_cases.get(worker.region_id, (0, 0))
        share = open_count / max(grid_workers.get(worker.region_id, 0), 1)
        filed = reports.get(worker.pk, 0)
        rows.append(
            WorkerRow(
                worker,
                grids[worker.region_id],
                filed,
                filed / weeks,
                share,
                to_verify,
                worker.role == Role.GRID_WORKER and share > load_limit,
            )
        )
    rows.sort(key=lambda row: (-row.open_in_grid, row.grid.code))
    found.workers = rows
    found.grids = len(grids)
    found.covered = len(grid_workers)
    found.uncovered = [grid for pk, grid in grids.items() if pk not in grid_workers]
    return found
