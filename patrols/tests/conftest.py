"""Patrols on the small county (conftest.py at the root): the grid worker and the informant of the
first grid, their neighbour in the village's second grid, and a worker of the south village."""

from datetime import datetime

import pytest

from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID, make_user
from staff.models import Role

IN_SECOND_GRID = (107.15, 33.15)  # 610722001001002: the same village (西镇北村)
IN_SOUTH_VILLAGE = (107.05, 33.05)  # 610722001101001: 西镇南村, the same town
IN_EAST_TOWN = (107.25, 33.15)  # 610722002001001
OUTSIDE = (108.5, 34.0)  # beyond the county
# A Monday of the past: hand-made check-ins (not through check_in, whose 7 days it is past).
WEEK = "2026-W45"
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL)

__all__ = ["IN_FIRST_GRID"]


@pytest.fixture
def crew(people):
    return people | {
        "south_worker": make_user("south_worker", Role.GRID_WORKER, region_code="610722001101001"),
        "village_leader": make_user("village_leader", Role.LEADER, region_code="610722001001"),
    }
