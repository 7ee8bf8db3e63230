"""Counts by county and town, on a county's own database or on the city's roll-up of many: the
same rule over `cases.Case` or its city copy (both carry the county code, town and status)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from cases.models import CLOSED_STATUSES, OPEN_STATUSES, Status, overdue_condition
from staff.models import Role
from territory.models import Level


@dataclass
class Counts:
    code: str
    name: str
    reported: int = 0
    open: int = 0
    overdue: int = 0
    closed: int = 0

    @property
    def closed_share(self) -> float | None:
        """Closed cases as a share of those reported, in %: None with nothing reported."""
        return round(100 * self.closed / self.reported, 1) if self.reported else None

    def add(self, other: "Counts") -> None:
        self.reported += other.reported
        self.open += other.open
        self.overdue += other.overdue
        self.closed += other.closed


@dataclass
class CountyCounts(Counts):
    towns: list[Counts] = field(default_factory=list)


def may_see_counts(user) -> bool:
    """The whole county (or city): its leaders, the county centre and the administrators."""
    return user.role in (Role.LEADER, Role.ADMIN) or (
        user.role == Role.OPERATOR and user.centre_level == Level.COUNTY
    )


def case_and_region_models():
    """The city's copies on a city instance, the county's own tables on a county instance."""
    if settings.AT_CITY:
        from rollup.models import Case, Region
    else:
        from cases.models import Case
        from territory.models import Region
    return Case, Region


def counts_by_county_and_town(now: datetime | None = None) -> list[CountyCounts]:
    """Every county with its figures and its towns', in code order; a town with no case shows 0."""
    now = now or timezone.now()
    Case, Region = case_and_region_models()
    regions = Region.objects.filter(level__in=[Level.COUNTY, Level.TOWN]).values_list(
        "county_code", "id", "code", "name", "level"
    )
    counties: dict[str, CountyCounts] = {}
    towns: dict[tuple[str, int], Counts] = {}
    for county_code, region_id, code, name, level in regions.order_by("code"):
        if level == Level.COUNTY:
            counties[county_code] = CountyCounts(code=code, name=name)
        else:
            towns[county_code, region_id] = Counts(code=code, name=name)
    for (county_code, _id), town in towns.items():
        counties[county_code].towns.append(town)
    # A merged duplicate is counted once, as the case it joined.
    rows = (
        Case.objects.exclude(status=Status.MERGED)
        .values("county_code", "town_id")
        .annotate(
            reported=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=overdue_condition(now)),
            closed=Count("id", filter=Q(status__in=CLOSED_STATUSES)),
        )
    )
    for row in rows.order_by():
        town = towns.get((row["county_code"], row["town_id"]))
        if town is None:  # the town has not arrived yet (the initial copy is under way)
            continue
        figures = Counts("", "", row["reported"], row["open"], row["overdue"], row["closed"])
        town.add(figures)
        counties[row["county_code"]].add(figures)
    return sorted(counties.values(), key=lambda county: county.code)
