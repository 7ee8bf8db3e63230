"""Where the command centre reads its regions and facts: on a county instance, the county's own
tables; on a city instance (settings.AT_CITY), the city's copies of every county's (rollup), with
the city on top and the counties as its parts. The figures' rules (command.selectors) are the
same on both: every place below the top is read with its county code beside its id, because
every county's ids start at 1."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from territory.models import Level

CITY = "city"


@dataclass(frozen=True)
class City:
    """The top of a city instance: every county that publishes to it."""

    name: str
    code: str = CITY
    level: str = CITY
    path: str = ""
    id: None = None
    county_code: str = ""

    def ancestor_codes(self) -> list[str]:
        return []

    def contains(self, other) -> bool:
        return True


@dataclass(frozen=True)
class Tables:
    Region: type[models.Model]
    Category: type[models.Model]
    Department: type[models.Model]
    Fact: type[models.Model]
    MonthFact: type[models.Model]
    TownMonthFact: type[models.Model]


@cache
def _tables(at_city: bool) -> Tables:
    if at_city:
        from rollup import models as city

        return Tables(
            city.Region,
            city.Category,
            city.Department,
            city.Fact,
            city.MonthFact,
            city.TownMonthFact,
        )
    from cases.models import Category
    from staff.models import Department
    from territory.models import Region

    from .models import Fact, MonthFact, TownMonthFact

    return Tables(Region, Category, Department, Fact, MonthFact, TownMonthFact)


def tables() -> Tables:
    return _tables(settings.AT_CITY)


def at_city() -> bool:
    return settings.AT_CITY


def is_city(region) -> bool:
    return isinstance(region, City)


def top(user):
    """The region a user's command centre opens on: the city on a city instance, else their
    own area (the county for an administrator)."""
    if at_city():
        return City(settings.CITY_NAME or _("The city"))
    from cases.selectors import overview_area

    return overview_area(user)


def find(code: str):
    """The region with this code (codes are national, unique across counties), or None."""
    return tables().Region.objects.filter(code=code).first()


def in_county(rows: QuerySet, region) -> QuerySet:
    """Rows of the region's county (all of them for the city)."""
    return rows if is_city(region) else rows.filter(county_code=region.county_code)


def children(region) -> QuerySet:
    """The regions one level below, by code: the counties of the city, the towns of a county …"""
    Region = tables().Region
    if is_city(region):
        return Region.objects.filter(level=Level.COUNTY).order_by("code")
    return Region.objects.filter(county_code=region.county_code, parent_id=region.id).order_by(
        "code"
    )


def parent_of(region):
    """The region above (the city above a county on a city instance; None at the top)."""
    if is_city(region):
        return None
    if region.level == Level.COUNTY:
        return top(None) if at_city() else None
    return (
        tables().Region.objects.filter(county_code=region.county_code, id=region.parent_id).first()
    )


def below(region, level: str) -> QuerySet:
    """The regions of one level in the region's subtree."""
    Region = tables().Region
    return in_county(Region.objects.filter(level=level, path__startswith=region.path), region)


def grid_ids(region) -> list[int]:
    return list(below(region, Level.GRID).values_list("id", flat=True))


def by_region(rows: QuerySet, region, grid_column: str = "grid_id") -> QuerySet:
    """Rows with a grid column, of the region's grids. The ids are listed, not sub-queried:
    PostgreSQL cannot tell how many grids a path prefix matches and, guessing one, loops over
    the rows once per grid (ten times slower for a village)."""
    if is_city(region) or region.level == Level.COUNTY:
        return in_county(rows, region)
    return rows.filter(county_code=region.county_code, **{f"{grid_column}__in": grid_ids(region)})


def by_village(rows: QuerySet, region) -> QuerySet:
    """Rows with a village column (the monthly facts), of a city's, county's, town's or
    village's villages."""
    if is_city(region) or region.level == Level.COUNTY:
        return in_county(rows, region)
    if region.level == Level.VILLAGE:
        return rows.filter(county_code=region.county_code, village_id=region.id)
    villages = children(region).filter(level=Level.VILLAGE).values_list("id", flat=True)
    return rows.filter(county_code=region.county_code, village_id__in=list(villages))


def keyed(column: str, keys) -> Q:
    """A filter on `column` for these (county code, id) keys, each county's ids with its own
    code (no key: nothing matches)."""
    ids_by_county: dict[str, list[int]] = defaultdict(list)
    for county_code, pk in keys:
        ids_by_county[county_code].append(pk)
    found = Q(id__in=[])
    for county_code, ids in ids_by_county.items():
        found |= Q(county_code=county_code, **{f"{column}__in": ids})
    return found


def by_town(rows: QuerySet, region) -> QuerySet:
    """Rows with a town column (the monthly facts by town), of a city's, county's or town's
    towns."""
    if region.level == Level.TOWN:
        return rows.filter(county_code=region.county_code, town_id=region.id)
    return in_county(rows, region)


def matching(column: str, rows: QuerySet) -> Q:
    """A filter on `column` for these rows of a category or department table."""
    return keyed(column, rows.values_list("county_code", "id"))


def category_filter(codes: list[str]) -> Q:
    """Facts of the categories with these codes and of their leaves (a class stands for its
    own), in every county."""
    Category = tables().Category
    chosen = set(Category.objects.filter(code__in=codes).values_list("county_code", "id"))
    leaves = {
        (county_code, pk)
        for county_code, pk, parent in Category.objects.filter(parent_id__isnull=False).values_list(
            "county_code", "id", "parent_id"
        )
        if (county_code, parent) in chosen
    }
    return keyed("category_id", chosen | leaves)


def rows_by_key(model: type[models.Model], keys) -> dict[tuple[str, int], models.Model]:
    """The rows of a region, category or department table with these (county code, id) keys."""
    return {(row.county_code, row.id): row for row in model.objects.filter(keyed("id", keys))}


def names(model: type[models.Model], keys) -> dict[tuple[str, int], str]:
    """The names of the rows with these (county code, id) keys; from more than one county each
    with its county's name before it, as two counties' departments may share a name."""
    found = {key: row.name for key, row in rows_by_key(model, keys).items()}
    if len({county_code for county_code, _id in found}) > 1:
        counties = dict(
            tables().Region.objects.filter(level=Level.COUNTY).values_list("county_code", "name")
        )
        found = {key: f"{counties.get(key[0], key[0])} {name}" for key, name in found.items()}
    return found


def department_choices() -> list[dict]:
    """The departments to narrow the pages to, by code (on a city instance: one entry for a
    code that several counties share)."""
    return list(
        tables()
        .Department.objects.filter(is_active=True)
        .values("code", "name")
        .distinct()
        .order_by("name", "code")
    )


def department(code: str):
    """A department with this code (on a city instance, any county's: a figure narrowed to it
    counts every county's department of that code)."""
    return tables().Department.objects.filter(code=code).first()
