"""Patrols in the demo: eight weeks of check-ins by the grid workers, by the rules of
`services.check_in` (a worker checks in in the grids of their own village, never in the future)
but written in bulk. Most grids are patrolled every week; a few often miss a week, so that the
coverage pages have something to show. The demo's named grid worker patrolled today."""

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from cases.worktime import LOCAL, start_of
from staff.models import Role, User
from territory.counties import instance_county
from territory.models import Region

from .models import PatrolCheckIn
from .services import week_start_of

WEEKS = 8
DILIGENT = 0.92  # chance a grid worker patrols in a given week
LAX = 0.35  # the same for the few who often miss one
LAX_SHARE = 0.12  # the share of grid workers who are lax
ELSEWHERE = 0.15  # chance a check-in is in another grid of the worker's village
CHUNK = 2000


def _moment(rng: random.Random, monday, now: datetime) -> datetime | None:
    """A daytime moment of the week, not after now."""
    day = monday + timedelta(days=rng.randrange(7))
    moment = start_of(day) + timedelta(hours=rng.uniform(8, 18))
    return moment if moment <= now else None


def fill_patrols(logins: Mapping[str, Any], now: datetime, simulated: int = 50_000) -> None:
    county = instance_county()
    if PatrolCheckIn.objects.filter(county_code=county.code).exists():
        return
    rng = random.Random(46)
    workers = list(
        User.objects.filter(
            county_code=county.code, role=Role.GRID_WORKER, is_active=True, region__isnull=False
        )
        .select_related("region")
        .order_by("username")
    )
    village_grids: dict[int, list[int]] = {}
    for grid_id, village_id in (
        Region.objects.subtree(county).grids().values_list("id", "parent_id")
    ):
        village_grids.setdefault(village_id, []).append(grid_id)
    named = logins.get("grid_worker")
    this_monday = week_start_of(now)
    rows = []
    for worker in workers:
        chance = DILIGENT if worker == named or rng.random() >= LAX_SHARE else LAX
        neighbours = village_grids.get(worker.region.parent_id, [worker.region_id])
        for weeks_ago in range(WEEKS):
            if rng.random() >= chance:
                continue
            monday = this_monday - timedelta(weeks=weeks_ago)
            for _patrol in range(rng.choice((1, 1, 2, 2, 3))):
                at = _moment(rng, monday, now)
                if at is None:
                    continue
                grid = rng.choice(neighbours) if rng.random() < ELSEWHERE else worker.region_id
                rows.append(
                    PatrolCheckIn(
                        county_code=county.code,
                        user=worker,
                        grid_id=grid,
                        at=at,
                        received_at=at + timedelta(seconds=rng.randint(1, 90)),
                    )
                )
    if named is not None and named.role == Role.GRID_WORKER:
        today = timezone.localtime(now, LOCAL).replace(hour=9, minute=12, second=0, microsecond=0)
        at = min(today, now - timedelta(minutes=5))
        rows.append(
            PatrolCheckIn(
                county_code=county.code, user=named, grid_id=named.region_id, at=at, received_at=at
            )
        )
    PatrolCheckIn.objects.bulk_create(rows, batch_size=CHUNK)
