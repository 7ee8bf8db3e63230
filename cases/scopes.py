"""Who reaches which cases, written once: each reach gives both the query and the check of one case.

A reach is an OR of clauses, a clause an AND of conditions, a condition one column of the case
holding one of a few values. The lists and queues turn a reach into a `Q`; the workflow asks
the same reach whether it holds one case in memory. Both answers come from one value, so they
cannot drift apart (`tests/test_scopes.py` checks them against each other over the demo data).
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from operator import and_, or_
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from staff.models import REGION_ROLES, Role
from territory.models import Level, Region, level_above

CENTRE_LEVELS = (Level.COUNTY, Level.TOWN, Level.VILLAGE)


class Scope(StrEnum):
    """How the actor must stand to the case to take a step."""

    CASE_LEVEL = "case_level"  # operator of the centre at the case's level, over the case's place
    LEVEL_ABOVE = "level_above"  # operator of the centre one level above (the county for itself)
    CASE_GRID = "case_grid"  # grid worker of the case's grid
    CASE_DEPARTMENT = "case_department"  # handler in the department the case is dispatched to


def approving_level(case_level: str) -> str:
    """The level that approves extensions: the one above, or the county for its own cases."""
    return level_above(case_level) or Level.COUNTY


@dataclass(frozen=True)
class Condition:
    """One column of the case (its attribute name, `town_id`, `status` …) in a set of values, or
    (negated) in none of them."""

    column: str
    values: tuple[Any, ...]
    negated: bool = False

    def q(self) -> Q:
        if len(self.values) == 1:
            q = Q(**{self.column: self.values[0]})
        else:
            q = Q(**{f"{self.column}__in": self.values})
        return ~q if self.negated else q

    def holds(self, case) -> bool:
        return (getattr(case, self.column) in self.values) != self.negated


def where(column: str, *values: Any) -> Condition:
    return Condition(column, tuple(sorted(values)) if len(values) > 1 else values)


def where_not(column: str, *values: Any) -> Condition:
    return Condition(column, tuple(sorted(values)), negated=True)


@dataclass(frozen=True)
class Reach:
    """The cases that any of the clauses holds (a clause with no condition holds every case)."""

    clauses: tuple[tuple[Condition, ...], ...] = ()

    def __or__(self, other: "Reach") -> "Reach":
        return Reach(self.clauses + other.clauses)

    def narrowed(self, *conditions: Condition) -> "Reach":
        """The same reach, each clause also requiring `conditions`."""
        return Reach(tuple((*clause, *conditions) for clause in self.clauses))

    def holds(self, case) -> bool:
        return case.county_code == settings.COUNTY_CODE and any(
            all(condition.holds(case) for condition in clause) for clause in self.clauses
        )

    def filter(self, cases: QuerySet) -> QuerySet:
        """The cases of this county that the reach holds: one short OR the indexes can answer."""
        cases = cases.filter(county_code=settings.COUNTY_CODE)
        if not self.clauses:
            return cases.none()
        if not all(self.clauses):
            return cases  # one clause holds everything: no OR, so a list can walk an index
        return cases.filter(
            reduce(or_, (reduce(and_, (condition.q() for condition in c)) for c in self.clauses))
        )


NOWHERE = Reach()
EVERYWHERE = Reach(((),))


def within(region: Region) -> Condition:
    """The case's place lies in the region (the case keeps its grid, village and town)."""
    if region.level == Level.COUNTY:
        return where("county_code", region.code)
    column = {Level.TOWN: "town_id", Level.VILLAGE: "village_id", Level.GRID: "grid_id"}
    return where(column[region.level], region.pk)


def visible_reach(user) -> Reach:
    """Every case the user may open: their area, their department, or what they reported."""
    if not user.is_authenticated or not user.is_active:
        return NOWHERE
    if user.role == Role.ADMIN or user.is_superuser:
        return EVERYWHERE
    if user.role == Role.HANDLER:
        return Reach(
            ((where("department_id", user.department_id),), (where("assignee_id", user.pk),))
        )
    if user.role not in REGION_ROLES or user.region_id is None:
        return NOWHERE  # no role yet: no access, whatever region was filled in
    if user.region.level == Level.COUNTY:
        return EVERYWHERE
    return Reach(((within(user.region),), (where("reporter_id", user.pk),)))


def standing_reach(user, scope: Scope) -> Reach:
    """The cases on which the user stands as `scope` requires (role and status are checked apart)."""
    if scope is Scope.CASE_GRID:
        return Reach(((where("grid_id", user.region_id),),)) if user.region_id else NOWHERE
    if scope is Scope.CASE_DEPARTMENT:
        if user.department_id is None:
            return NOWHERE
        return Reach(((where("department_id", user.department_id),),))
    region = user.region
    if region is None or region.level not in CENTRE_LEVELS:
        return NOWHERE
    if scope is Scope.CASE_LEVEL:
        levels = [region.level]
    else:
        levels = [level for level in CENTRE_LEVELS if approving_level(level) == region.level]
    if not levels:
        return NOWHERE
    return Reach(((within(region), where("level", *levels)),))
