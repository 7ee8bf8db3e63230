"""Patrol check-ins (巡查打卡): recording one, and folding those past retention into weekly counts.

The phone's position is used once, to find the grid it lies in, and then dropped: it is never
stored, logged or returned. A check-in is a grid and a time, never a track.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.worktime import LOCAL
from territory.grid_index import PointOutsideCounty, locate_grid
from territory.models import Region
from territory.selectors import instance_county_name

from .models import PatrolCheckIn, PatrolWeek
from .selectors import may_check_in

RETENTION_DAYS = 90  # then only the count per grid and week remains (docs/privacy.md)
MAX_AGE = timedelta(days=7)  # a phone may send a patrol it could not send at the time
# A phone's clock may run a little ahead of the server's: not a patrol "in the future".
CLOCK_SKEW = timedelta(minutes=5)
CHUNK = 2000


class PatrolRefused(Exception):
    """A check-in refused; the message says why, in the user's language. `field` names the input
    at fault ("" when it is not one input)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class NotAPatroller(PatrolRefused):
    """Only grid workers and informants check in (the API answers 403)."""


def week_start_of(moment: datetime) -> date:
    """The Monday of the week the moment falls in, by the county's days."""
    day = timezone.localtime(moment, LOCAL).date()
    return day - timedelta(days=day.weekday())


def _checked_time(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at, LOCAL)
    if at > now + CLOCK_SKEW:
        raise PatrolRefused(
            _("The patrol time is in the future: check the phone's clock and try again."), "at"
        )
    if at < now - MAX_AGE:
        raise PatrolRefused(
            _("A patrol more than %(days)s days ago can no longer be checked in.")
            % {"days": MAX_AGE.days},
            "at",
        )
    return at


def _patrolled_grid(user, lon: float, lat: float) -> Region:
    """The grid of the position, if it is in the worker's own village."""
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty:
        raise PatrolRefused(
            _(
                "Your position is not in any grid of %(county)s: check in from inside one of "
                "your village's grids."
            )
            % {"county": instance_county_name()},
            "lon",
        ) from None
    own_village = user.region.parent
    if grid.parent_id != own_village.pk:
        raise PatrolRefused(
            _(
                "Your position is in %(grid)s of %(village)s. You check in only in the grids of "
                "your own village, %(own)s."
            )
            % {"grid": grid.name, "village": grid.parent.name, "own": own_village.name},
            "lon",
        )
    return grid


def _earlier(user, client_key: str) -> PatrolCheckIn | None:
    if not client_key:
        return None
    return (
        PatrolCheckIn.objects.filter(user=user, client_key=client_key)
        .select_related("grid")
        .first()
    )


def check_in(
    user, *, lon: float, lat: float, at: datetime | None = None, client_key: str = ""
) -> tuple[PatrolCheckIn, bool]:
    """巡查打卡: the worker patrolled the grid their position lies in, at `at` (now by default).
    Answers (check-in, created): a resend with the same client key gets the one made before."""
    if not may_check_in(user):
        raise NotAPatroller(_("Only grid workers and informants check in on patrol."))
    client_key = (client_key or "").strip()[:100]
    earlier = _earlier(user, client_key)
    if earlier is not None:
        return earlier, False
    now = timezone.now()
    at = _checked_time(at, now)
    grid = _patrolled_grid(user, lon, lat)
    try:
        with transaction.atomic():
            checkin = PatrolCheckIn.objects.create(
                county_code=grid.county_code,
                user=user,
                grid=grid,
                at=at,
                received_at=now,
                client_key=client_key,
            )
    except IntegrityError:
        # The same key sent twice at once: the other request made the check-in.
        earlier = _earlier(user, client_key)
        if earlier is None:
            raise
        return earlier, False
    return checkin, True


# --- retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoldRun:
    checkins: int  # check-ins counted and deleted (or, in a dry run, that would be)
    weeks: int  # grid-weeks they were added to
    dry_run: bool = False


def fold_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=RETENTION_DAYS)


@transaction.atomic
def fold_old_checkins(now: datetime | None = None, dry_run: bool = False) -> FoldRun:
    """Check-ins older than RETENTION_DAYS become counts per grid and week (added to the week's
    row if an earlier run began it) and are deleted: exactly those counted, under a row lock, so
    that two runs at once cannot count one twice."""
    now = now or timezone.now()
    due = PatrolCheckIn.objects.filter(at__lt=fold_cutoff(now))
    if dry_run:
        weeks = {(grid, week_start_of(at)) for grid, at in due.values_list("grid_id", "at")}
        return FoldRun(due.count(), len(weeks), dry_run=True)
    counts: Counter[tuple[str, int, date]] = Counter()
    ids = []
    rows = due.select_for_update().values_list("pk", "county_code", "grid_id", "at").order_by("pk")
    for pk, county_code, grid_id, at in rows:
        counts[(county_code, grid_id, week_start_of(at))] += 1
        ids.append(pk)
    if not ids:
        return FoldRun(0, 0)
    existing = {
        (week.county_code, week.grid_id, week.week_start): week
        for week in PatrolWeek.objects.select_for_update().filter(
            week_start__in={key[2] for key in counts},
            grid_id__in={key[1] for key in counts},
        )
    }
    added, new = [], []
    for key, count in counts.items():
        week = existing.get(key)
        if week is None:
            county_code, grid_id, week_start = key
            new.append(
                PatrolWeek(
                    county_code=county_code, grid_id=grid_id, week_start=week_start, checkins=count
                )
            )
        else:
            week.checkins += count
            added.append(week)
    PatrolWeek.objects.bulk_update(added, ["checkins"], batch_size=CHUNK)
    PatrolWeek.objects.bulk_create(new, batch_size=CHUNK)
    for start in range(0, len(ids), CHUNK):
        PatrolCheckIn.objects.filter(pk__in=ids[start : start + CHUNK]).delete()
    return FoldRun(len(ids), len(counts))
