"""The residents' public list and map of cases (案件公开): what is being handled and what was
closed lately, by category, status, date and approximate place.

Everything starts from `published_cases()` (public categories only, held reports left out), so a
dispute, a security matter or a person's hardship never appears. A case leaves this module only
as a `PublicCase`, which holds nothing else: no description, reporter, staff name or note, and a
point only where it is not someone's door (a public facility 部件 exactly, an event 事件 at its
grid's centre).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet, TextChoices
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CLOSED_STATUSES, OPEN_STATUSES, Case, Status
from open311.selectors import EXACT_POINT_KINDS, public_point
from territory.models import Level, Region

from .selectors import is_finished, published_cases

RECENT_DAYS = 30  # a closed case stays on the public pages this long after closure
MAP_LIMIT = 200  # the newest on the map; the list pages through them all
PER_PAGE = 30
POINT_DECIMALS = 5  # about a metre: no finer than the point it comes from

# Not ended: the open steps and 挂账 (suspended: waiting on money or work elsewhere, still a
# problem a resident sees). Rejected and merged cases are not shown at all.
UNFINISHED = [*OPEN_STATUSES, Status.SUSPENDED]


class Standing(TextChoices):
    """The list's filter: cases not ended, or those closed in the last RECENT_DAYS."""

    OPEN = "open", _("Being handled")
    CLOSED = "closed", _("Recently closed")


@dataclass(frozen=True)
class PublicCase:
    """A case as the public pages show it."""

    code: str
    category: str
    status: str  # the status's code, for its colour
    status_label: str
    is_open: bool
    reported_on: date
    closed_on: date | None
    place: str  # town and village, never the address
    point: tuple[float, float] | None  # lon, lat; None: not on the map

    @property
    def url(self) -> str:
        return reverse("portal:track", args=[self.code])


def recent_public_cases(
    *, town_code: str | None = None, status: str | None = None, now: datetime | None = None
) -> QuerySet[Case]:
    """Published cases still being handled, or closed (not rejected) in the last RECENT_DAYS;
    `status` "open" or "closed" narrows to one of the two; newest report first."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    unfinished = Q(status__in=UNFINISHED)
    recently_closed = Q(status__in=CLOSED_STATUSES, closed_at__gte=since)
    shown = {Standing.OPEN: unfinished, Standing.CLOSED: recently_closed}.get(
        status, unfinished | recently_closed
    )
    cases = published_cases().filter(shown)
    if town_code:
        cases = cases.filter(town__code=town_code)
    return cases.order_by("-reported_at", "-pk")


def public_towns() -> QuerySet[Region]:
    """The county's towns, for the list's filter."""
    return Region.objects.filter(county_code=settings.COUNTY_CODE, level=Level.TOWN).order_by(
        "code"
    )


def place_name(case: Case) -> str:
    """镇 and 村; the village's name alone when it already starts with the town's."""
    town, village = case.town.name, case.village.name
    return village if village.startswith(town) else f"{town}{village}"


def map_point(case: Case) -> tuple[float, float] | None:
    """Where the map puts the case, rounded. None for an event whose grid has no centre:
    `public_point` would then give the reported point, which may be someone's door."""
    if case.kind not in EXACT_POINT_KINDS and case.grid.centroid_lon is None:
        return None
    lon, lat = public_point(case)
    return round(lon, POINT_DECIMALS), round(lat, POINT_DECIMALS)


def public_case(case: Case) -> PublicCase:
    ended = is_finished(case)
    return PublicCase(
        code=case.code,
        category=case.category.name,
        status=case.status,
        status_label=str(case.get_status_display()),
        is_open=not ended,
        reported_on=timezone.localdate(case.reported_at),
        closed_on=timezone.localdate(case.closed_at) if ended and case.closed_at else None,
        place=place_name(case),
        point=map_point(case),
    )


def map_feature_collection(
    *,
    town_code: str | None = None,
    status: str | None = None,
    now: datetime | None = None,
    limit: int = MAP_LIMIT,
) -> dict:
    """The map's GeoJSON: the newest `limit` of `recent_public_cases` that have a point; `more`
    says that older ones were left for the list."""
    cases = list(recent_public_cases(town_code=town_code, status=status, now=now)[: limit + 1])
    rows = [public_case(case) for case in cases[:limit]]
    return {
        "type": "FeatureCollection",
        "features": [_feature(row) for row in rows if row.point is not None],
        "more": len(cases) > limit,
    }


def _feature(row: PublicCase) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": list(row.point or ())},
        "properties": {
            "code": row.code,
            "category": row.category,
            "status": row.status_label,
            "open": row.is_open,
            "reported_on": row.reported_on.isoformat(),
            "closed_on": row.closed_on.isoformat() if row.closed_on else None,
            "place": row.place,
            "url": row.url,
        },
    }
