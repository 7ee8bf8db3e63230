"""The city's copies of what the counties publish (rollup.publication), for the city database.

Each copy has exactly the published columns of its county table, under the same table name (the
subscription matches tables by name), and (county_code, id) as its primary key: every county's ids
start at 1, and rows of two counties must never collide. A relation becomes its plain id column,
to be read with the county code beside it. The copies are derived from the county models and the
publication, so a column added to a published table reaches the city's schema through this app's
next migration (`makemigrations --check` in `make test` says when one is due).

These tables live in the roll-up database only (`rollup.router`); nothing but the subscription
writes them.
"""

from django.db import models

from cases.models import Case as CountyCase
from cases.models import Category as CountyCategory
from cases.models import TimelineEntry as CountyTimelineEntry
from command.models import Fact as CountyFact
from command.models import MonthFact as CountyMonthFact
from command.models import TownMonthFact as CountyTownMonthFact
from staff.models import Department as CountyDepartment
from territory.models import Region as CountyRegion
from territory.models import RegionPath

from .publication import published

# Keyword arguments of a county field that describe the county's own writes, not the stored value.
COUNTY_ONLY_OPTIONS = ("unique", "db_index", "default", "auto_now", "auto_now_add", "primary_key")


def _city_field(field: models.Field) -> models.Field:
    if field.primary_key or field.is_relation:
        return models.BigIntegerField(field.verbose_name, null=field.null)
    _name, _path, args, kwargs = field.deconstruct()
    for option in COUNTY_ONLY_OPTIONS:
        kwargs.pop(option, None)
    return field.__class__(*args, **kwargs)


def city_copy(
    county_model: type[models.Model],
    indexes: tuple[tuple[str, ...], ...] = (),
    bases: tuple[type, ...] = (),
):
    """The city's model of a published county table (`bases`: plain classes whose methods it
    shares with the county's model)."""
    table = published(county_model._meta.label)
    name = county_model.__name__
    meta = type(
        "Meta",
        (),
        {
            "db_table": county_model._meta.db_table,
            "verbose_name": county_model._meta.verbose_name,
            "verbose_name_plural": county_model._meta.verbose_name_plural,
            "default_permissions": ("view",),
            "indexes": [
                models.Index(
                    fields=list(columns), name=f"city_{name.lower()}_{'_'.join(columns)}"[:30]
                )
                for columns in indexes
            ],
        },
    )
    attributes = {
        "__module__": __name__,
        "pk": models.CompositePrimaryKey("county_code", "id"),
        "Meta": meta,
        "__str__": lambda row: f"{row.county_code}/{row.id}",
    }
    for field in table.fields(county_model):
        attributes[field.column] = _city_field(field)
    return type(name, (*bases, models.Model), attributes)


Region = city_copy(
    CountyRegion,
    indexes=(("county_code", "level"), ("county_code", "parent_id")),
    bases=(RegionPath,),
)
Department = city_copy(CountyDepartment)
Category = city_copy(CountyCategory)
Case = city_copy(
    CountyCase,
    indexes=(("county_code", "town_id", "status"), ("county_code", "reported_at")),
)
TimelineEntry = city_copy(CountyTimelineEntry, indexes=(("county_code", "case_id"),))
# The command centre's facts (command.facts): the city sums them, as a county does its own.
Fact = city_copy(CountyFact, indexes=(("step", "day"), ("county_code", "grid_id", "day")))
MonthFact = city_copy(CountyMonthFact, indexes=(("step", "month", "county_code"),))
TownMonthFact = city_copy(CountyTownMonthFact, indexes=(("step", "month", "county_code"),))
