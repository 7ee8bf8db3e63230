"""Reads of safe-unit creation: who reaches which units (written once, as for cases), a unit's
hazards, and the figures: coverage, pass rate and 平安单位 by sector and by town."""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.kinds import Figure
from cases.models import CLOSED_STATUSES, Case, RoutingRule, Status
from cases.selectors import route_for
from cases.worktime import start_of
from command.periods import Period
from staff.models import REGION_ROLES, Department, Role
from territory.models import Level, Region

from .models import (
    KIND,
    ChecklistItem,
    HazardDetail,
    Inspection,
    SafeStatus,
    Sector,
    StatusChange,
    Unit,
)

# --- reach ---------------------------------------------------------------------------------------


def _within(region: Region) -> Q:
    """Units whose place lies in the region (a unit keeps its grid, village and town)."""
    if region.level == Level.COUNTY:
        return Q(county_code=region.code)
    column = {Level.TOWN: "town_id", Level.VILLAGE: "village_id", Level.GRID: "grid_id"}
    return Q(**{column[region.level]: region.pk})


def _lies_in(unit: Unit, region: Region) -> bool:
    """The same rule as `_within`, for one unit in memory."""
    if region.level == Level.COUNTY:
        return unit.county_code == region.code
    column = {Level.TOWN: "town_id", Level.VILLAGE: "village_id", Level.GRID: "grid_id"}
    return getattr(unit, column[region.level]) == region.pk


def unit_department(unit: Unit) -> Department | None:
    """The department the unit's hazards go to: its sector's hazard category routed from its
    grid, as the core routes any case (a bank's hazards to its town's police station)."""
    return route_for(unit.sector.category, unit.grid).department


def unit_department_id(unit: Unit) -> int | None:
    department = unit_department(unit)
    return department.pk if department is not None else None


def _routed_to(department_id: int, units: QuerySet[Unit]) -> QuerySet[Unit]:
    """The units whose hazards are routed to the department: those the department's hazard
    rules may cover, then each decided by `unit_department_id` (a more specific rule may send a
    place elsewhere), so the list and the check of one unit cannot disagree."""
    rules = RoutingRule.objects.filter(
        department_id=department_id, category__case_kind=KIND
    ).select_related("region")
    covered = Q()
    for rule in rules:
        category = Q(sector__category_id=rule.category_id) | Q(
            sector__category__parent_id=rule.category_id
        )
        covered |= category & _within(rule.region)
    if not covered:
        return units.none()
    candidates = units.filter(covered).select_related("sector__category__parent", "grid")
    ids = [unit.pk for unit in candidates if unit_department_id(unit) == department_id]
    return units.filter(pk__in=ids)


def units_visible_to(user) -> QuerySet[Unit]:
    """Every unit the user may open: in their area (grid, village, town, county), or, for a
    department's handlers, those whose hazards go to their department."""
    units = Unit.objects.filter(county_code=settings.COUNTY_CODE)
    if not user.is_authenticated or not user.is_active:
        return units.none()
    if user.role == Role.ADMIN or user.is_superuser:
        return units
    if user.role == Role.HANDLER:
        return _routed_to(user.department_id, units) if user.department_id else units.none()
    if user.role not in REGION_ROLES or user.region_id is None:
        return units.none()
    return units.filter(_within(user.region))


def may_see_unit(user, unit: Unit) -> bool:
    """The same rule as `units_visible_to`, for one unit in memory."""
    if not user.is_authenticated or not user.is_active:
        return False
    if unit.county_code != settings.COUNTY_CODE:
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    if user.role == Role.HANDLER:
        return user.department_id is not None and unit_department_id(unit) == user.department_id
    if user.role not in REGION_ROLES or user.region_id is None:
        return False
    return _lies_in(unit, user.region)


def may_inspect(user, unit: Unit) -> bool:
    """The grid worker of the unit's grid, an operator of a centre over the unit's place, a
    handler of the department its hazards go to; an active unit only. Leaders read; informants
    report what they see on the report form; administrators configure."""
    if not unit.is_active or not may_see_unit(user, unit):
        return False
    if user.role == Role.GRID_WORKER:
        return user.region_id == unit.grid_id
    return user.role in (Role.OPERATOR, Role.HANDLER)


def may_register(user) -> bool:
    """Operators of a centre (county, town or village) register the units of their area."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.OPERATOR
        and user.region_id is not None
        and user.region.level != Level.GRID
    )


def sees_safety(user) -> bool:
    """Whether the menu offers safe units: to those who inspect, register or read them, and to a
    department's handlers when hazards are routed to their department."""
    if user.role in (Role.GRID_WORKER, Role.OPERATOR, Role.LEADER, Role.ADMIN):
        return True
    if user.role == Role.HANDLER and user.department_id:
        rules = RoutingRule.objects.filter(
            department_id=user.department_id, category__case_kind=KIND
        )
        return rules.exists()
    return False


def get_unit_for(user, pk: int) -> Unit:
    """One unit, or 404 when it does not exist or lies outside the user's reach."""
    unit = (
        Unit.objects.select_related(
            "sector__category__parent", "sector__checklist", "grid", "village", "town"
        )
        .filter(pk=pk)
        .first()
    )
    if unit is None or not may_see_unit(user, unit):
        raise Http404
    return unit


# --- a unit --------------------------------------------------------------------------------------


def checklist_items(unit: Unit) -> list[ChecklistItem]:
    """The items the unit is inspected against now: its sector's checklist's active items."""
    return list(unit.sector.checklist.items.filter(is_active=True).order_by("order", "pk"))


def first_overdue_hazard(unit: Unit, moment: datetime) -> Case | None:
    """The unit's hazard case whose deadline passed first, among those past it unresolved at
    `moment` (the core's rule: the deadline of the step the case waits for)."""
    overdue = list(Case.objects.overdue(moment).filter(hazard__unit=unit))
    return min(overdue, key=lambda case: case.current_deadline(), default=None)


def hazards_of(unit: Unit) -> QuerySet[HazardDetail]:
    return (
        HazardDetail.objects.filter(unit=unit)
        .select_related("case__department", "inspection", "result")
        .order_by("-case__reported_at")
    )


def inspections_of(unit: Unit) -> QuerySet[Inspection]:
    return (
        Inspection.objects.filter(unit=unit)
        .select_related("inspector")
        .prefetch_related("results__hazard__case", "photos")
        .order_by("-at", "-pk")
    )


# --- figures -------------------------------------------------------------------------------------


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass(frozen=True)
class UnitFigures:
    """The figures of a set of units over a period (definitions: DEFINITIONS, docs/safety.md)."""

    registered: int = 0  # 登记单位: active units registered before the period's end
    inspected: int = 0  # 检查单位: of those, inspected at least once in the period
    inspections: int = 0  # 检查次数
    passed: int = 0  # 合格单位: inspected units whose last inspection in the period passed
    hazards: int = 0  # 发现隐患: hazard cases the period's inspections filed
    safe: int = 0  # 平安单位 at the period's end (now, for a period still running)

    def __add__(self, other: "UnitFigures") -> "UnitFigures":
        return UnitFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def coverage(self) -> float | None:
        """检查覆盖率 = units inspected ÷ units registered, in %."""
        return _rate(self.inspected, self.registered)

    @property
    def pass_rate(self) -> float | None:
        """合格率 = units passed ÷ units inspected, in %."""
        return _rate(self.passed, self.inspected)

    @property
    def safe_share(self) -> float | None:
        """平安单位占比 = 平安单位 ÷ units registered, in %."""
        return _rate(self.safe, self.registered)


@dataclass(frozen=True)
class SafetyFigures:
    period: Period
    as_of: datetime  # the moment registration and 平安单位 are read at
    total: UnitFigures
    by_sector: list[tuple[Sector, UnitFigures]]
    by_town: list[tuple[Region, UnitFigures]]


DEFINITIONS = {
    "registered": _("Active units registered before the end of the period."),
    "inspected": _("Registered units inspected at least once in the period."),
    "coverage": _("检查覆盖率 = units inspected ÷ units registered × 100 %."),
    "inspections": _("Inspections recorded in the period."),
    "passed": _(
        "Inspected units whose last inspection in the period passed: the checklist's pass mark "
        "reached and no veto item failed."
    ),
    "pass_rate": _("合格率 = units passed ÷ units inspected × 100 %."),
    "hazards": _("Hazard cases filed by the period's inspections, one per failed item."),
    "safe": _(
        "Registered units holding 平安单位 at the end of the period (now, for a period still "
        "running), read from each unit's status log."
    ),
    "safe_share": _("平安单位占比 = 平安单位 ÷ units registered × 100 %."),
}


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("unit").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def safety_figures(units: QuerySet[Unit], period: Period, now: datetime | None = None) -> SafetyFigures:  # fmt: skip
    """Coverage, pass rate, hazards and 平安单位 of the units, in total, by sector and by town, in
    one query: each unit's counts for the period, summed here (a county has hundreds of units)."""
    start = start_of(period.start)
    as_of = min(start_of(period.end), now or timezone.now())
    in_period = Q(at__gte=start, at__lt=as_of)
    inspections = Inspection.objects.filter(in_period, unit=OuterRef("pk"))
    hazards = HazardDetail.objects.filter(
        inspection__at__gte=start, inspection__at__lt=as_of, unit=OuterRef("pk")
    )
    last = inspections.order_by("-at", "-pk").values("passed")[:1]
    status_then = (
        StatusChange.objects.filter(unit=OuterRef("pk"), at__lt=as_of)
        .order_by("-at", "-pk")
        .values("status")[:1]
    )
    rows = (
        units.filter(is_active=True, registered_at__lt=as_of)
        .annotate(
            n_inspections=_count(inspections),
            n_hazards=_count(hazards),
            last_passed=Subquery(last),
            status_then=Subquery(status_then),
        )
        .values_list(
            "sector_id", "town_id", "n_inspections", "n_hazards", "last_passed", "status_then"
        )
    )
    by_sector: dict[int, UnitFigures] = {}
    by_town: dict[int, UnitFigures] = {}
    for sector_id, town_id, n_inspections, n_hazards, last_passed, status in rows:
        one = UnitFigures(
            registered=1,
            inspected=int(n_inspections > 0),
            inspections=n_inspections,
            passed=int(bool(last_passed)),
            hazards=n_hazards,
            safe=int(status == SafeStatus.SAFE),
        )
        by_sector[sector_id] = by_sector.get(sector_id, UnitFigures()) + one
        by_town[town_id] = by_town.get(town_id, UnitFigures()) + one
    sectors = Sector.objects.filter(Q(is_active=True) | Q(pk__in=list(by_sector)))
    towns = Region.objects.filter(pk__in=by_town).order_by("code")
    return SafetyFigures(
        period=period,
        as_of=as_of,
        total=sum(by_sector.values(), UnitFigures()),
        by_sector=[(sector, by_sector.get(sector.pk, UnitFigures())) for sector in sectors],
        by_town=[(town, by_town[town.pk]) for town in towns],
    )


def latest_inspections(units: Iterable[Unit]) -> dict[int, Inspection]:
    """Each unit's last inspection, for a page of units (one query)."""
    ids = [unit.pk for unit in units]
    newest = (
        Inspection.objects.filter(unit=OuterRef("unit")).order_by("-at", "-pk").values("pk")[:1]
    )
    found = Inspection.objects.filter(unit_id__in=ids, pk=Subquery(newest))
    return {inspection.unit_id: inspection for inspection in found}


# --- the kind's figures over cases (the command centre and /cases/figures/) ----------------------


def _hazards(cases: QuerySet) -> QuerySet:
    return cases.filter(case_kind=KIND).exclude(status__in=[Status.MERGED, Status.REJECTED])


def _found(cases: QuerySet) -> int:
    return _hazards(cases).count()


def _from_inspections(cases: QuerySet) -> int:
    return _hazards(cases).filter(hazard__inspection__isnull=False).count()


def _rectified(cases: QuerySet) -> int:
    return _hazards(cases).filter(status__in=CLOSED_STATUSES).count()


FIGURES = (
    Figure("found", _("Hazards found (发现隐患)"), _found),
    Figure("from_inspections", _("Of those, at safe-unit inspections"), _from_inspections),
    Figure("rectified", _("Hazards rectified and closed (整改销号)"), _rectified),
)
