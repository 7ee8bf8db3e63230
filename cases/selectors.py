"""Reads: routing, what a user may see, what waits for them, one case fetched with access checked."""

import time
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from staff.models import Department, Role
from territory.models import Level, Region

from .models import Case, Category, RoutingRule
from .workflow import TRANSITIONS, Scope, approving_level


@dataclass(frozen=True)
class Route:
    department: Department | None
    level: str
    rule: RoutingRule | None


ROUTE_SECONDS = 30.0
_routes: dict[tuple[int, str], tuple[float, Route]] = {}


@receiver([post_save, post_delete], sender=RoutingRule)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Department)
def forget_routes(**kwargs) -> None:
    """Routing changed in this process: decide afresh (other processes within ROUTE_SECONDS)."""
    _routes.clear()


def route_for(category: Category, grid: Region) -> Route:
    """归口: the most specific rule wins: the deepest region first, then the narrowest category.

    With no rule at all the case goes to the town centre's dispatcher: never nowhere. The answer
    is kept for ROUTE_SECONDS per category and place: rules change seldom, reports come often.
    """
    key = (category.pk, grid.path)
    kept = _routes.get(key)
    if kept is not None and time.monotonic() - kept[0] < ROUTE_SECONDS:
        return kept[1]
    route = _decide_route(category, grid)
    _routes[key] = (time.monotonic(), route)
    return route


def _decide_route(category: Category, grid: Region) -> Route:
    lineage = category.lineage()
    category_rank = {node.pk: rank for rank, node in enumerate(lineage)}  # 0 = most specific
    rules = RoutingRule.objects.filter(
        category__in=lineage, region__code__in=grid.ancestor_codes(), department__is_active=True
    ).select_related("region", "department")
    best = min(
        rules, key=lambda rule: (-rule.region.depth, category_rank[rule.category_id]), default=None
    )
    if best is None:
        return Route(department=None, level=Level.TOWN, rule=None)
    return Route(department=best.department, level=best.level, rule=best)


def _area_q(region: Region) -> Q:
    field = {
        Level.COUNTY: "county_code",
        Level.TOWN: "town",
        Level.VILLAGE: "village",
        Level.GRID: "grid",
    }[region.level]
    return Q(**{field: region.code if region.level == Level.COUNTY else region.pk})


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may open: their area, their department, or what they reported."""
    cases = Case.objects.filter(county_code=settings.COUNTY_CODE)
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role == Role.ADMIN or user.is_superuser:
        return cases
    if user.role == Role.HANDLER:
        return cases.filter(Q(department=user.department_id) | Q(assignee=user))
    if user.region_id is None:
        return cases.none()
    if user.region.level == Level.COUNTY:
        return cases  # the whole county: no OR, so the list can walk the reported_at index
    return cases.filter(_area_q(user.region) | Q(reporter=user))


def _scope_q(user, scope: Scope) -> Q | None:
    if scope is Scope.CASE_GRID:
        return Q(grid=user.region_id) if user.region_id else None
    if scope is Scope.CASE_DEPARTMENT:
        return Q(department=user.department_id) if user.department_id else None
    region = user.region
    if region is None or region.level == Level.GRID:
        return None
    if scope is Scope.CASE_LEVEL:
        return _area_q(region) & Q(level=region.level)
    levels = [
        level
        for level in (Level.COUNTY, Level.TOWN, Level.VILLAGE)
        if approving_level(level) == region.level
    ]
    return _area_q(region) & Q(level__in=levels)


def cases_awaiting(user) -> QuerySet[Case]:
    """The user's queue: cases on which the workflow expects their next main-line step (read off TRANSITIONS).

    One clause per scope, with every status that scope acts on: a short OR the database can
    answer from its indexes (each clause is a subset of what the user may see).
    """
    statuses_by_scope: dict[tuple, set[str]] = {}
    for transition in TRANSITIONS:
        if transition.role != user.role or transition.side_branch:
            continue
        key = (transition.scope, transition.case_levels)
        statuses_by_scope.setdefault(key, set()).update(transition.sources)
    clauses = []
    for (scope, case_levels), statuses in statuses_by_scope.items():
        clause = _scope_q(user, scope)
        if clause is None:
            continue
        clause &= Q(status__in=sorted(statuses))
        if case_levels:
            clause &= Q(level__in=case_levels)
        clauses.append(clause)
    if not user.is_active or not clauses:
        return Case.objects.none()
    return Case.objects.filter(county_code=settings.COUNTY_CODE).filter(reduce(or_, clauses))


def get_case_for(user, code: str) -> Case:
    """One case by its public number, or 404 when it does not exist or is out of the user's scope."""
    try:
        return (
            cases_visible_to(user)
            .select_related(
                "category", "grid", "village", "town", "department", "assignee", "reporter"
            )
            .get(code=code)
        )
    except Case.DoesNotExist:
        raise Http404 from None


def timeline_of(case: Case):
    return case.timeline.select_related("actor", "department").order_by("at", "id")


def departments_for_dispatch(case: Case) -> QuerySet[Department]:
    """Active departments serving a region that holds the case's place."""
    return Department.objects.filter(
        is_active=True, region__code__in=case.grid.ancestor_codes()
    ).order_by("code")
