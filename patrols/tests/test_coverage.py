"""Coverage by week against a hand-counted week, scoped to the reader's area, and the same
before and after the check-ins are folded into weekly counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patrols.models import PatrolCheckIn, PatrolWeek
from patrols.selectors import coverage, coverage_region, week_asked, week_of
from patrols.services import RETENTION_DAYS, fold_old_checkins, week_start_of
from territory.models import Region

from .conftest import MONDAY, WEEK

pytestmark = pytest.mark.django_db


def grid(code: str) -> Region:
    return Region.objects.get(code=code)


def add(user, grid_code: str, at):
    return PatrolCheckIn.objects.create(user=user, grid=grid(grid_code), at=at)


@pytest.fixture
def patrolled(crew):
    """Week 2026-W45, hand-counted: in 西镇北村 both grids (first grid three times: the worker
    twice, the informant once; second grid once), in 西镇南村 one grid of two, nothing in 东镇.
    So 西镇 3 of 4 grids (75.0 %), 北村 2 of 2, 南村 1 of 2 (50.0 %), the county 3 of 8 (37.5 %).
    Check-ins the Sunday before and the Monday after fall in other weeks."""
    add(crew["grid_worker"], "610722001001001", MONDAY)
    add(crew["grid_worker"], "610722001001001", MONDAY + timedelta(days=3))
    add(crew["informant"], "610722001001001", MONDAY + timedelta(days=6, hours=14))  # Sun 23:00
    add(crew["other_grid_worker"], "610722001001002", MONDAY + timedelta(days=1))
    add(crew["south_worker"], "610722001101001", MONDAY + timedelta(days=2))
    add(crew["south_worker"], "610722001101002", MONDAY - timedelta(hours=9, minutes=1))  # Sun
    add(crew["south_worker"], "610722001101002", MONDAY + timedelta(days=7) - timedelta(hours=9))
    return crew


def figures(row) -> tuple:
    return (row.region.code, row.grids, row.patrolled, row.checkins, row.share)


def test_the_county_by_town(patrolled):
    found = coverage(grid("610722"), week_asked(WEEK, MONDAY.date()))
    assert figures(found.total) == ("610722", 8, 3, 5, 37.5)
    assert [figures(row) for row in found.parts] == [
        ("610722001", 4, 3, 5, 75.0),
        ("610722002", 4, 0, 0, 0.0),
    ]
    assert found.grids == []


def test_a_town_by_village_and_a_village_by_grid(patrolled):
    week = week_asked(WEEK, MONDAY.date())
    town = coverage(grid("610722001"), week)
    assert [figures(row) for row in town.parts] == [
        ("610722001001", 2, 2, 4, 100.0),
        ("610722001101", 2, 1, 1, 50.0),
    ]
    village = coverage(grid("610722001101"), week)
    assert figures(village.total) == ("610722001101", 2, 1, 1, 50.0)
    assert [(row.grid.code, row.checkins, row.patrolled) for row in village.grids] == [
        ("610722001101001", 1, True),
        ("610722001101002", 0, False),
    ]


def test_three_grids_two_patrolled_is_66_7_per_cent(crew):
    """A village of three grids (a third added to 北村), two of them patrolled."""
    north = grid("610722001001")
    Region.objects.create(
        code="610722001001003", name="西镇北村第3网格", level="grid", parent=north,
        path=north.path + "610722001001003/",
    )  # fmt: skip
    add(crew["grid_worker"], "610722001001001", MONDAY)
    add(crew["other_grid_worker"], "610722001001002", MONDAY)
    found = coverage(north, week_asked(WEEK, MONDAY.date()))
    assert figures(found.total) == ("610722001001", 3, 2, 2, 66.7)


def test_the_week_defaults_to_this_one_and_must_be_a_week():
    today = timezone.localdate()
    assert week_asked("", today) == week_of(today)
    assert week_asked(None, today).start.weekday() == 0
    assert week_asked("2026-W49", today).start.isoformat() == "2026-11-30"
    for wrong in ("2026-11", "2026-W60", "next week"):
        with pytest.raises(ValueError):
            week_asked(wrong, today)


def test_a_town_operator_reaches_their_town_and_no_other(patrolled):
    operator = patrolled["town_operator"]
    assert coverage_region(operator, None).code == "610722001"
    assert coverage_region(operator, "610722001101").code == "610722001101"
    assert coverage_region(operator, "610722002") is None
    assert coverage_region(operator, "610722002001") is None
    assert coverage_region(operator, "610722") is None
    assert coverage_region(operator, "610722001001001") is None  # a grid: counts by village only
    assert coverage_region(patrolled["admin"], "610722002").code == "610722002"
    assert coverage_region(patrolled["leader"], None).code == "610722"


def test_folding_keeps_the_counts_and_drops_the_people(patrolled):
    """90 days after the week, its check-ins become counts per grid and week, with no person;
    the coverage of every level reads the same before and after."""
    week = week_asked(WEEK, MONDAY.date())
    regions = [grid(code) for code in ("610722", "610722001", "610722001001", "610722001101")]
    before = [coverage(region, week) for region in regions]
    recent = add(patrolled["grid_worker"], "610722001001001", MONDAY + timedelta(days=80))
    now = MONDAY + timedelta(days=RETENTION_DAYS + 8)  # everything but `recent` is past 90 days

    run = fold_old_checkins(now)

    assert (run.checkins, run.weeks) == (7, 5)
    assert list(PatrolCheckIn.objects.all()) == [recent]
    assert sorted(PatrolWeek.objects.values_list("grid__code", "week_start", "checkins")) == [
        ("610722001001001", MONDAY.date(), 3),
        ("610722001001002", MONDAY.date(), 1),
        ("610722001101001", MONDAY.date(), 1),
        ("610722001101002", MONDAY.date() - timedelta(days=7), 1),
        ("610722001101002", MONDAY.date() + timedelta(days=7), 1),
    ]
    assert not any("user" in field.name for field in PatrolWeek._meta.get_fields())
    after = [coverage(region, week) for region in regions]
    assert after == before
    assert fold_old_checkins(now).checkins == 0  # nothing twice


def test_a_week_folded_in_two_runs_adds_up(crew):
    """A week straddling the 90 days is folded in part one night and the rest later."""
    week = week_asked(WEEK, MONDAY.date())
    for days in (0, 1, 5):
        add(crew["grid_worker"], "610722001001001", MONDAY + timedelta(days=days))
    before = coverage(grid("610722001001"), week)
    first_night = MONDAY + timedelta(days=RETENTION_DAYS + 2)
    assert fold_old_checkins(first_night).checkins == 2
    assert coverage(grid("610722001001"), week) == before
    assert fold_old_checkins(first_night + timedelta(days=7)).checkins == 1
    assert PatrolWeek.objects.get().checkins == 3 and not PatrolCheckIn.objects.exists()
    assert coverage(grid("610722001001"), week) == before


def test_a_dry_run_folds_nothing(patrolled):
    run = fold_old_checkins(MONDAY + timedelta(days=RETENTION_DAYS + 8), dry_run=True)
    assert (run.checkins, run.dry_run) == (7, True)
    assert PatrolCheckIn.objects.count() == 7 and not PatrolWeek.objects.exists()


def test_weeks_start_on_monday_in_the_county_time():
    sunday_night = MONDAY - timedelta(hours=9, minutes=1)  # Sunday 23:59 in Shanghai
    assert week_start_of(sunday_night) == MONDAY.date() - timedelta(days=7)
    assert week_start_of(MONDAY - timedelta(hours=9)) == MONDAY.date()
