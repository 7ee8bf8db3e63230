"""Reads: routing, what a user may see, what waits for them, one case fetched with access checked."""

import time
from dataclasses import dataclass, replace

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from staff.models import Department
from territory.models import Level, Region

from .models import Case, Category, RoutingRule
from .scopes import Reach, visible_reach
from .workflow import all_transitions


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
    rules = RoutingRule.objects.filter(
        category__in=category.lineage(),
        region__code__in=grid.ancestor_codes(),
        department__is_active=True,
    ).select_related("region", "department")
    return _best_route(rules, category, grid)


def _best_route(rules, category: Category, grid: Region) -> Route:
    """Among the rules for this category's lineage and this place, the deepest region first, then
    the narrowest category; none: the town centre's dispatcher (属地兜底)."""
    category_rank = {node.pk: rank for rank, node in enumerate(category.lineage())}  # 0 = narrowest
    regions = set(grid.ancestor_codes())
    fitting = [
        rule for rule in rules if rule.category_id in category_rank and rule.region.code in regions
    ]
    best = min(
        fitting,
        key=lambda rule: (-rule.region.depth, category_rank[rule.category_id]),
        default=None,
    )
    if best is None:
        return Route(department=None, level=Level.TOWN, rule=None)
    return Route(department=best.department, level=best.level, rule=best)


class RouteTable:
    """Routing for bulk work (the simulated year, a history import): every rule read once, each
    (category, grid) decided once, by the same precedence as `route_for`."""

    def __init__(self):
        self.rules_by_category: dict[int, list[RoutingRule]] = {}
        active = RoutingRule.objects.filter(department__is_active=True)
        for rule in active.select_related("region", "department"):
            self.rules_by_category.setdefault(rule.category_id, []).append(rule)
        self.decided: dict[tuple[int, int], Route] = {}

    def route(self, category: Category, grid: Region) -> Route:
        key = (category.pk, grid.pk)
        if key not in self.decided:
            rules = [
                rule
                for node in category.lineage()
                for rule in self.rules_by_category.get(node.pk, ())
            ]
            self.decided[key] = _best_route(rules, category, grid)
        return self.decided[key]


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may open: their area, their department, or what they reported."""
    return visible_reach(user).filter(Case.objects.all())


def may_see(user, case: Case) -> bool:
    """The same rule as `cases_visible_to`, for one case in memory."""
    return visible_reach(user).holds(case)


def awaiting_reach(user) -> Reach:
    """Where the workflow expects the user's next main-line step (read off the transitions).

    One clause per way of standing, with every status it acts on: a short OR the database can
    answer from its indexes (each clause is a subset of what the user may see).
    """
    merged: dict[tuple, list] = {}
    for transition in all_transitions():
        if transition.side_branch or transition.role != user.role:
            continue
        key = (transition.scope, transition.case_levels, transition.case_kind)
        merged.setdefault(key, []).append(transition)
    reach = Reach()
    for group in merged.values():
        statuses = sorted({status for transition in group for status in transition.sources})
        first = replace(group[0], sources=tuple(statuses))
        reach = reach | first.reach(user)
    return reach


def cases_awaiting(user) -> QuerySet[Case]:
    """The user's queue: cases on which the workflow expects their next main-line step."""
    return awaiting_reach(user).filter(Case.objects.all())


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
