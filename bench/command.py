"""The command centre on the bench's database (called by bench.database, once per backend):
its pages beside their raw SQL, the full rebuild of the aggregates, and what keeping them
current adds to each step of a case."""

import time

from django.db import transaction
from django.utils import timezone

from cases.models import Category
from cases.services import report_case, take_action
from cases.signals import timeline_appended
from cases.workflow import available_transitions
from command import facts
from command.periods import month_of
from staff.models import User
from territory.models import Level, Region

from .common import percentiles

# A month inside the imported history (2020–2024), and a run of days in it (read from the daily
# facts, not the monthly rollup).
MONTH = "2023-06"
DAYS = "2023-06-03..2023-06-20"
STEP_SAMPLES = 150


def pages() -> dict[str, tuple[str, str]]:
    """The command centre's pages and exports for the county leader: (user, url)."""
    town = Region.objects.filter(level=Level.TOWN).order_by("code").first()
    village = Region.objects.filter(parent=town).order_by("code").first()
    grid = Region.objects.filter(parent=village).order_by("code").first()
    month = f"period={MONTH}&indicator=closed_on_time_rate"
    return {
        "command: county, a month": ("leader", f"/command/?{month}"),
        "command: county, 18 days": ("leader", f"/command/?period={DAYS}"),
        "command: town, a month": ("leader", f"/command/?region={town.code}&{month}"),
        "command: village, a month": ("leader", f"/command/?region={village.code}&{month}"),
        "command: grid, a month": ("leader", f"/command/?region={grid.code}&{month}"),
        "command: county, a year": ("leader", "/command/?period=2023"),
        "command: live feed": ("leader", "/command/live/"),
        "command: Excel export, county month": ("leader", f"/command/export.xlsx?{month}"),
        # A busy handler's last whole month: counted from the cases they took a step in.
        "command: a handler's figures, a month": (
            "leader",
            f"/command/staff/hd-cgj/?period={last_month()}",
        ),
    }


def last_month() -> str:
    """The month before this one (the demo's cases, whose steps have actors, are recent)."""
    return month_of(timezone.localdate()).previous().code


def rebuild_seconds() -> float:
    started = time.perf_counter()
    facts.rebuild()
    return time.perf_counter() - started


def step_cost() -> dict:
    """Report and accept cases through the services, timing the aggregates' receiver inside
    each step; all rolled back."""
    operator = User.objects.get(username="county_operator")
    category = (
        Category.objects.filter(children__isnull=True)
        .exclude(report_fields__required=True)
        .order_by("code")
        .first()
    )
    grids = list(
        Region.objects.grids()
        .exclude(centroid_lon=None)
        .order_by("code")
        .values_list("centroid_lon", "centroid_lat")[:STEP_SAMPLES]
    )
    in_receiver, whole_step = [], []

    def timed_count_step(sender, **kwargs):
        started = time.perf_counter()
        facts.count_step(sender, **kwargs)
        in_receiver.append((time.perf_counter() - started) * 1000)

    timeline_appended.disconnect(facts.count_step)
    timeline_appended.connect(timed_count_step)
    try:
        with transaction.atomic():
            for lon, lat in grids:
                started = time.perf_counter()
                case = report_case(
                    reporter=operator, category=category, description="测试", lon=lon, lat=lat
                )
                whole_step.append((time.perf_counter() - started) * 1000)
                if any(t.action == "accept" for t in available_transitions(operator, case)):
                    started = time.perf_counter()
                    take_action(case, operator, "accept", {"note": "立案"})
                    whole_step.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    finally:
        timeline_appended.disconnect(timed_count_step)
        timeline_appended.connect(facts.count_step)
    return {
        "steps": len(in_receiver),
        "receiver": percentiles(in_receiver),
        "step": percentiles(whole_step),
    }
