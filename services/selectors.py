"""What the service pages read: the catalogue, the applications' figures, the counselling counts."""

import json
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from shapely.geometry import shape

from cases.models import Category, Status, TimelineEntry
from cases.worktime import start_of
from staff.models import Role
from territory.models import Region

from .models import CounsellingRequest, CounsellingStatus, ServiceItem
from .services import KIND

# How each figure is counted, shown beside it.
DEFINITIONS = {
    "applied": "申请 = 期内登记的申请（含由综治中心转入的）",
    "received": "受理 = 其中已受理的",
    "awaiting_documents": "补正中 = 现正等待补正材料的",
    "declined": "不予受理 = 其中不予受理的",
    "completed": "办结 = 其中已办结的",
    "completed_on_time": "按期办结 = 在办理时限内办结的",
    "on_time_rate": "按期办结率 = 按期办结 ÷ 办结 × 100",
    "handed_in": "转入 = 由综治中心改类转入便民服务的",
    "handed_back": "转出 = 由便民服务中心转回综治中心的",
}


def catalogue() -> dict[str, list[ServiceItem]]:
    """The active items by group, as the service guide lists them."""
    groups: dict[str, list[ServiceItem]] = {}
    for item in ServiceItem.objects.filter(is_active=True).select_related("department"):
        groups.setdefault(item.group, []).append(item)
    return groups


def service_categories() -> QuerySet:
    return Category.objects.filter(case_kind=KIND, is_active=True, children__isnull=True).order_by(
        "code"
    )


def applications(cases: QuerySet) -> QuerySet:
    return cases.filter(case_kind=KIND)


@dataclass(frozen=True)
class ServiceCounts:
    applied: int
    received: int
    awaiting_documents: int
    declined: int
    completed: int
    completed_on_time: int
    handed_in: int
    handed_back: int

    @property
    def on_time_rate(self) -> float | None:
        if not self.completed:
            return None
        return round(100 * self.completed_on_time / self.completed, 1)


def service_counts(cases: QuerySet, handed_back: QuerySet) -> ServiceCounts:
    """The figures of these applications; `handed_back` the cases (of any kind now) the window
    handed to the governance centre in the same period."""
    done = Q(status__in=[Status.CLOSED, Status.EVALUATED])
    counts = cases.aggregate(
        applied=Count("pk"),
        received=Count("pk", filter=Q(accepted_at__isnull=False)),
        awaiting_documents=Count("pk", filter=Q(status=Status.SUSPENDED)),
        declined=Count("pk", filter=Q(status=Status.REJECTED)),
        completed=Count("pk", filter=done),
        completed_on_time=Count("pk", filter=done & Q(fed_back_at__lte=F("handle_deadline"))),
    )
    handed_in = (
        TimelineEntry.objects.filter(case__in=cases, action="reclassify")
        .values("case_id")
        .distinct()
        .count()
    )
    back = (
        TimelineEntry.objects.filter(case__in=handed_back, action="hand_back")
        .values("case_id")
        .distinct()
        .count()
    )
    return ServiceCounts(**counts, handed_in=handed_in, handed_back=back)


def by_item(cases: QuerySet) -> list[dict]:
    return list(
        cases.values("category__code", "category__name")
        .annotate(
            applied=Count("pk"),
            completed=Count("pk", filter=Q(status__in=[Status.CLOSED, Status.EVALUATED])),
        )
        .order_by("-applied", "category__code")
    )


def window_of(user) -> bool:
    """Whether the user works at a service window (the county's 政务服务中心 or a town's
    便民服务中心): they register applicants who come in person."""
    department = user.department if user.role == Role.HANDLER else None
    return department is not None and department.code.split("-")[0] in ("zwfw", "bmfw")


def villages_served_by(user) -> QuerySet:
    """The villages whose applicants this window registers: a town's, or the whole county's."""
    villages = Region.objects.filter(level="village", county_code=user.county_code)
    if user.department.region.level == "town":
        villages = villages.filter(parent=user.department.region)
    return villages.order_by("code")


def point_in(village: Region) -> tuple[float, float]:
    """A point inside the village's first grid: where a window's application is placed (the
    applicant's village, never their address)."""
    grid = Region.objects.filter(parent=village).exclude(boundary="").order_by("code").first()
    if grid is None:
        return village.centroid_lon, village.centroid_lat
    point = shape(json.loads(grid.boundary)).representative_point()
    return point.x, point.y


def counselling_counts(county_code: str, period) -> list[dict]:
    """Requests by town and status in the period: the only view of the service that is not a
    counsellor's."""
    rows = (
        CounsellingRequest.objects.filter(
            county_code=county_code,
            requested_at__gte=start_of(period.start),
            requested_at__lt=start_of(period.end),
        )
        .values("town__name")
        .annotate(
            requested=Count("pk"),
            open=Count("pk", filter=~Q(status=CounsellingStatus.CLOSED)),
            closed=Count("pk", filter=Q(status=CounsellingStatus.CLOSED)),
        )
        .order_by("town__name")
    )
    return list(rows)


def handed_back_cases(visible: QuerySet) -> QuerySet:
    return visible.filter(timeline__action="hand_back")
