"""Reads: routing, what a user may see, what waits for them, one case fetched with access checked."""

from dataclasses import dataclass, replace

from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, When
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404

from staff.models import Department
from territory.models import Level, Region, level_below
from wangge.kept import KeptFor

from .models import (
    HANDLE_DEADLINE_STATUSES,
    OPEN_STATUSES,
    Case,
    Category,
    RoutingRule,
    Status,
    overdue_condition,
)
from .scopes import Reach, visible_reach
from .workflow import all_transitions, transitions_for
from .worktime import LOCAL


@dataclass(frozen=True)
class Route:
    department: Department | None
    level: str
    rule: RoutingRule | None


ROUTE_SECONDS = 30.0


@receiver([post_save, post_delete], sender=RoutingRule)
@receiver([post_save, post_delete], sender=Category)
@receiver([post_save, post_delete], sender=Department)
def forget_routes(**kwargs) -> None:
    """Routing changed in this process: decide afresh (other processes within ROUTE_SECONDS)."""
    _route_table.forget()


def route_for(category: Category, grid: Region) -> Route:
    """归口: the most specific rule wins: the deepest region first, then the narrowest category.

    With no rule at all the case goes to the town centre's dispatcher: never nowhere. Decided in
    memory from every active rule, read once per process and kept ROUTE_SECONDS: rules change
    seldom, reports come often, and from any of 1,624 grids (a memo per category and grid alone
    missed most reports and asked the database each time).
    """
    return _route_table.get().route(category, grid)


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
    """Routing from every active rule, read once; each (category, grid) decided once. `route_for`
    keeps one per process; bulk work (the simulated year, a history import) makes its own."""

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


_route_table = KeptFor(ROUTE_SECONDS, RouteTable)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case the user may open: their area, their department, or what they reported."""
    return visible_reach(user).filter(Case.objects.all())


def may_see(user, case: Case) -> bool:
    """The same rule as `cases_visible_to`, for one case in memory."""
    return visible_reach(user).holds(case)


def awaiting_reach(user, queue: str = "awaiting") -> Reach:
    """Where the workflow expects the user's next main-line step of this queue (read off the
    transitions): "awaiting" for work to do now, "suspended" (挂账), "to_evaluate" (待评价).

    One clause per way of standing, with every status it acts on: a short OR the database can
    answer from its indexes (each clause is a subset of what the user may see).
    """
    merged: dict[tuple, list] = {}
    for transition in all_transitions():
        if transition.side_branch or transition.role != user.role or transition.queue != queue:
            continue
        key = (transition.scope, transition.case_levels, transition.case_kind)
        merged.setdefault(key, []).append(transition)
    reach = Reach()
    for group in merged.values():
        statuses = sorted({status for transition in group for status in transition.sources})
        first = replace(group[0], sources=tuple(statuses))
        reach = reach | first.reach(user)
    return reach


def cases_awaiting(user, queue: str = "awaiting") -> QuerySet[Case]:
    """The user's queue: cases on which the workflow expects their next main-line step."""
    return awaiting_reach(user, queue).filter(Case.objects.all())


def queues_of(user) -> list[str]:
    """The queues the workflow gives this user's role, in the order of the tabs."""
    present = {
        transition.queue
        for transition in all_transitions()
        if transition.role == user.role and not transition.side_branch
    }
    return [queue for queue in ("awaiting", "suspended", "to_evaluate") if queue in present]


def inbox_tabs(user) -> list[str]:
    """The inbox's tabs for this user, the default first: their queues, what they reported (for
    those who report), everything they may see."""
    from .services import REPORTING_ROLES

    tabs = queues_of(user)
    if user.role in REPORTING_ROLES:
        tabs.append("mine")
    return [*tabs, "all"]


def cases_of_tab(user, tab: str) -> QuerySet[Case]:
    if tab == "all":
        return cases_visible_to(user)
    if tab == "mine":
        return cases_visible_to(user).filter(reporter=user)
    return cases_awaiting(user, tab)


def next_step_for(user, case: Case):
    """The main-line step the workflow expects of this user on this case now, or None: the
    inbox's "next step" column (a label, not a check: the case page checks)."""
    for transition in transitions_for(case.case_kind):
        if (
            not transition.side_branch
            and transition.role == user.role
            and case.status in transition.sources
            and (not transition.case_levels or case.level in transition.case_levels)
        ):
            return transition
    return None


def by_deadline(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The deadline that applies now first (overdue at the top, then the nearest), cases with no
    running deadline last, newest first among them."""
    due = DbCase(
        When(status=Status.REPORTED, then=F("accept_deadline")),
        When(status__in=HANDLE_DEADLINE_STATUSES, then=F("handle_deadline")),
        default=None,
    )
    return cases.annotate(due=due).order_by(F("due").asc(nulls_last=True), "-reported_at", "-pk")


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


def latest_result(case: Case):
    """The last 处置反馈 on the case's timeline (its note is the handler's result), or None."""
    return (
        case.timeline.filter(action="feed_back")
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def merged_codes(case: Case) -> list[str]:
    """The numbers of the duplicates merged into this case. In id order: ordered by report time,
    SQLite walks the reported_at index over every case instead of using merged_into's."""
    return list(Case.objects.filter(merged_into=case).order_by("pk").values_list("code", flat=True))


def timeline_of(case: Case):
    return case.timeline.select_related("actor", "department").order_by("at", "id")


@dataclass
class RegionCounts:
    region: Region
    where: str = ""  # the inbox filter for this region ("town=12"), empty for the whole area
    open: int = 0
    overdue: int = 0
    supervised: int = 0
    closed_this_month: int = 0


def overview_area(user) -> Region:
    """The region a leader's or centre's first screen covers: their own (the county for an
    administrator)."""
    from territory.counties import instance_county

    return user.region if user.region_id else instance_county()


def overview_by_region(user, now) -> tuple[list[RegionCounts], RegionCounts]:
    """Open, overdue, under supervision and closed this month, for each region one level below
    the user's area (towns of a county, villages of a town …), over the cases they may see; and
    the area's totals."""
    area = overview_area(user)
    child_level = level_below(area.level) or Level.GRID
    column = {Level.TOWN: "town", Level.VILLAGE: "village", Level.GRID: "grid"}[child_level]
    inbox_filter = {"grid": "grid_id"}.get(column, column)
    month_start = now.astimezone(LOCAL).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    rows = (
        cases_visible_to(user)
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=month_start))
        .values(column)
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("pk", filter=overdue_condition(now)),
            supervised=Count("pk", filter=Q(status__in=OPEN_STATUSES, supervised_at__isnull=False)),
            closed_this_month=Count("pk", filter=Q(closed_at__gte=month_start)),
        )
        .order_by()
    )
    by_region = {row[column]: row for row in rows}
    children = Region.objects.filter(parent=area, level=child_level).order_by("code")
    counts, total = [], RegionCounts(area)
    for child in children:
        row = by_region.get(child.pk, {})
        figures = RegionCounts(
            child,
            f"{inbox_filter}={child.pk}",
            *(row.get(name, 0) for name in ("open", "overdue", "supervised", "closed_this_month")),
        )
        counts.append(figures)
        for name in ("open", "overdue", "supervised", "closed_this_month"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
    return counts, total
