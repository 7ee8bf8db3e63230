"""A year of simulated cases for the demo, walked through the real workflow table.

Each case gets a path of actions (the happy loop, with the side branches at realistic rates),
timed in working hours from its report; steps that would lie in the future are cut off, so the
recent cases stay open in every state, as in a real county. Rows are written in bulk: running
50,000 cases through `take_action` one by one would take many minutes.
"""

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from staff.models import Department, Role, User
from territory.counties import instance_county
from territory.models import Level, Region

from .kinds import registered_kinds
from .models import (
    HANDLE_DEADLINE_STATUSES,
    Case,
    CaseCodeCounter,
    Category,
    Priority,
    Source,
    TimelineEntry,
)
from .scopes import Scope, approving_level
from .selectors import RouteTable
from .services import apply_transition, build_case, case_code, report_case, take_action
from .signals import cases_added
from .workflow import Transition, find_transition
from .worktime import LOCAL, add_working_hours, limit_in_hours

CATEGORY_WEIGHTS = {
    "E0101": 10,
    "E0103": 6,
    "E0201": 6,
    "E0501": 7,
    "E0503": 6,
    "C0103": 6,
    "C0101": 4,
    "C0202": 4,
    "G0201": 4,
}
SOURCE_WEIGHTS = {Source.GRID_WORKER: 70, Source.HOTLINE: 18, Source.RESIDENT: 7, Source.WINDOW: 5}
DESCRIPTIONS = {
    "E0101": ["路边有一堆生活垃圾无人清理", "垃圾桶旁散落垃圾，有异味"],
    "E0501": ["商贩占用人行道摆摊", "早市摊位占道，影响通行"],
    "C0103": ["路灯不亮，夜间通行不便", "路灯杆倾斜"],
}


@dataclass
class Step:
    """One timeline entry to be: the action and the case's state right after it."""

    action: str
    at: datetime
    actor_id: int | None
    from_status: str
    to_status: str
    level: str
    department_id: int | None
    note: str = ""


def sample_points(polygon: shapely.Geometry, count: int, rng: np.random.Generator) -> np.ndarray:
    west, south, east, north = polygon.bounds
    found: list[np.ndarray] = []
    while sum(len(chunk) for chunk in found) < count:
        xs = rng.uniform(west, east, count * 3)
        ys = rng.uniform(south, north, count * 3)
        inside = shapely.contains_xy(polygon, xs, ys)
        found.append(np.column_stack([xs[inside], ys[inside]]))
    return np.concatenate(found)[:count]


def _path(rng: random.Random) -> list[str]:
    """A sequence of actions, drawn at realistic rates for each side branch."""
    if rng.random() < 0.04:
        return ["reject"]
    path = ["accept", "dispatch"]
    if rng.random() < 0.03:
        path += ["return", "dispatch"]
    path += ["start"]
    if rng.random() < 0.02:
        return [*path, "suspend"]
    if rng.random() < 0.05:
        path += [
            "request_extension",
            rng.choice(["approve_extension", "approve_extension", "refuse_extension"]),
        ]
    path += ["feed_back"]
    if rng.random() < 0.07:
        path += ["rework", "feed_back"]
    return [*path, "verify", "close", "evaluate"]


class Simulator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        # A kind with a demo of its own fills its cases through its own steps (cases.kinds).
        own_demo = [kind.code for kind in registered_kinds() if kind.demo is not None]
        categories = {
            category.code: category
            for category in Category.objects.filter(children__isnull=True).exclude(
                case_kind__in=own_demo
            )
        }
        self.categories = list(categories.values())
        self.weights = [CATEGORY_WEIGHTS.get(code, 1) for code in categories]
        self.operators = {
            user.region_id: user.pk for user in User.objects.filter(role=Role.OPERATOR)
        }
        self.departments = Department.objects.in_bulk()
        self.handlers: dict[int, User] = {}
        for user in User.objects.filter(role=Role.HANDLER).order_by("pk"):
            self.handlers.setdefault(user.department_id, user)
        self.grid_workers = {}
        for user in User.objects.filter(role=Role.GRID_WORKER).order_by("pk"):
            self.grid_workers.setdefault(user.region_id, user.pk)
        self.county = instance_county()
        self.routes = RouteTable()

    def centre(self, case: Case, level: str) -> int | None:
        region_id = {
            Level.COUNTY: self.county.pk,
            Level.TOWN: case.town_id,
            Level.VILLAGE: case.village_id,
        }[level]
        return self.operators.get(region_id)

    def later(self, moment: datetime, hours: float) -> datetime:
        return add_working_hours(moment, max(hours, 0.05))

    def walk(self, case: Case, category: Category, now: datetime) -> list[Step]:
        """Apply a drawn path to the case until it ends or reaches the present."""
        rng = self.rng
        steps = [
            Step(
                "report",
                case.reported_at,
                case.reporter_id,
                "",
                case.status,
                case.level,
                case.department_id,
            )
        ]
        moment = case.reported_at
        accept_hours = limit_in_hours(category.accept_limit, category.accept_unit)
        handle_hours = limit_in_hours(category.handle_limit, category.handle_unit)
        path = _path(rng)
        if case.reporter_phone and path[-1] == "evaluate" and rng.random() < 0.1:
            path.pop()  # the reporter has not rated it and no call-back (回访) has reached them
        if case.level != Level.COUNTY and rng.random() < 0.03:
            path.insert(0, "escalate")
        for action in path:
            transition = find_transition(action)
            assert case.status in transition.sources, (action, case.status)
            late = rng.random() < 0.06  # about one step in sixteen misses its deadline
            if action in ("accept", "reject", "escalate"):
                hours = accept_hours * (rng.uniform(1.0, 2.0) if late else rng.uniform(0.1, 0.9))
            elif action == "start":
                hours = handle_hours * rng.uniform(0.02, 0.15)
            elif action == "feed_back":
                hours = handle_hours * (rng.uniform(0.9, 1.5) if late else rng.uniform(0.2, 0.8))
            else:
                hours = rng.uniform(0.1, 1.5)
            if rng.random() < 0.005:  # now and then a step lingers for days
                hours += rng.uniform(7, 120)
            moment = self.later(moment, hours)
            if moment > now:
                break
            actor = self.actor_for(case, transition)
            from_status = case.status
            note = self.apply(case, transition, moment)
            steps.append(
                Step(
                    action,
                    moment,
                    actor,
                    from_status,
                    case.status,
                    case.level,
                    case.department_id,
                    note,
                )
            )
        missed = self.missed_deadline(case, steps, now)
        if missed is not None:
            # 督办 at the deadline, recorded with the state the case was in at that moment.
            before = [step for step in steps if step.at <= missed][-1]
            case.supervised_at = missed
            supervise = Step(
                "supervise",
                missed,
                None,
                before.to_status,
                before.to_status,
                before.level,
                before.department_id,
            )
            steps.insert(steps.index(before) + 1, supervise)
        return steps

    @staticmethod
    def missed_deadline(case: Case, steps: list[Step], now: datetime) -> datetime | None:
        """The first deadline the case missed (to accept, then to handle), if any."""
        decided = next((step.at for step in steps if step.action in ("accept", "reject")), now)
        if decided > case.accept_deadline:
            return case.accept_deadline
        if case.handle_deadline is not None:
            handled = case.fed_back_at or (now if case.status in HANDLE_DEADLINE_STATUSES else None)
            if handled is not None and handled > case.handle_deadline:
                return case.handle_deadline
        return None

    def actor_for(self, case: Case, transition) -> int | None:
        if transition.role == Role.HANDLER:
            handler = self.handlers.get(case.department_id)
            return handler.pk if handler else None
        if transition.role == Role.GRID_WORKER:
            return self.grid_workers.get(case.grid_id)
        level = case.level if transition.scope == Scope.CASE_LEVEL else approving_level(case.level)
        return self.centre(case, level)

    def apply(self, case: Case, transition: Transition, moment: datetime) -> str:
        """The step's own effect with its declared example inputs, on the unsaved case; the note
        it leaves on the timeline. (The examples pass the step's own checks: test_workflow.)"""
        inputs = transition.example_inputs(case, self.rng)
        handler = self.handlers.get(case.department_id) if transition.action == "start" else None
        apply_transition(case, handler, transition, moment, inputs)
        return inputs["note"]


def generate_demo_cases(
    count: int, seed: int = 2026, now: datetime | None = None, days: int = 365
) -> int:
    """Create `count` cases reported over the last `days` days, with their full timelines."""
    now = now or timezone.now()
    simulator = Simulator(seed)
    rng = simulator.rng
    county = simulator.county
    grids = list(Region.objects.grids().subtree(county).select_related("parent").order_by("code"))
    weights = np.array([grid.households or 300 for grid in grids], dtype=float)
    chosen = simulator.np_rng.choice(len(grids), size=count, p=weights / weights.sum())
    points: dict[int, list] = {}
    for position in np.unique(chosen):
        grid = grids[position]
        polygon = shapely.geometry.shape(json.loads(grid.boundary))
        points[position] = list(
            sample_points(polygon, int((chosen == position).sum()), simulator.np_rng)
        )
    start = now - timedelta(days=days)
    moments = sorted(start + timedelta(seconds=rng.uniform(0, days * 86400)) for _ in range(count))
    serials: dict = {}
    cases, timelines = [], []
    for moment, position in zip(moments, chosen, strict=True):
        local = moment.astimezone(LOCAL)
        moment = local.replace(
            hour=rng.randint(7, 20), minute=rng.randint(0, 59)
        )  # reports come by day
        if moment > now:
            moment = now - timedelta(minutes=rng.randint(1, 600))
        grid = grids[position]
        lon, lat = points[position].pop()
        category = rng.choices(simulator.categories, simulator.weights)[0]
        source = rng.choices(list(SOURCE_WEIGHTS), list(SOURCE_WEIGHTS.values()))[0]
        day = moment.astimezone(LOCAL).date()
        serials[day] = serials.get(day, 0) + 1
        by_resident = source != Source.GRID_WORKER
        case = build_case(
            code=case_code(day, serials[day]),
            category=category,
            grid=grid,
            route=simulator.routes.route(category, grid),
            description=rng.choice(
                DESCRIPTIONS.get(category.code, [f"{category.name}问题，请处理"])
            ),
            lon=round(float(lon), 6),
            lat=round(float(lat), 6),
            reported_at=moment,
            source=source,
            reporter_name=rng.choice("王李张刘陈杨黄赵") + "先生" if by_resident else "",
            reporter_phone="100" + str(rng.randint(10**7, 10**8 - 1)) if by_resident else "",
            priority=Priority.URGENT if rng.random() < 0.05 else Priority.NORMAL,
        )
        case.reporter_id = None if by_resident else simulator.grid_workers.get(grid.pk)
        steps = simulator.walk(case, category, now)
        cases.append(case)
        timelines.append(steps)
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=2000)
        TimelineEntry.objects.bulk_create(
            [
                TimelineEntry(
                    county_code=case.county_code,
                    case_id=case.pk,
                    at=step.at,
                    actor_id=step.actor_id,
                    action=step.action,
                    from_status=step.from_status,
                    to_status=step.to_status,
                    level=step.level,
                    department_id=step.department_id,
                    note=step.note,
                )
                for case, steps in zip(cases, timelines, strict=True)
                for step in steps
            ],
            batch_size=5000,
        )
        cases_added.send(sender=Case, case_ids=[case.pk for case in cases])
        for day, last in serials.items():
            counter, _created = CaseCodeCounter.objects.get_or_create(
                county_code=county.code, day=day
            )
            counter.last = max(counter.last, last)
            counter.save()
    return len(cases)


def fill_demo_queues(logins: dict) -> list[Case]:
    """A few fresh cases around the named demo logins, walked through the real services, so that
    each demo role finds something waiting when they log in (the simulated year is mostly done)."""
    grid_worker = logins["grid_worker"]
    grid = grid_worker.region
    polygon = shapely.geometry.shape(json.loads(grid.boundary))
    points = iter(sample_points(polygon, 6, np.random.default_rng(42)))
    categories = {
        category.code: category
        for category in Category.objects.filter(code__in=["E0101", "C0103", "G0401", "E0501"])
    }

    def report(code: str, description: str, answers: dict | None = None) -> Case:
        lon, lat = next(points)
        return report_case(
            reporter=grid_worker,
            category=categories[code],
            description=description,
            lon=float(lon),
            lat=float(lat),
            attributes=answers,
        )

    cases = [
        report("E0101", "小区门口垃圾堆积，已有异味"),  # → the town centre's queue to accept
        report("G0401", "独居老人家中屋顶漏雨，需要帮扶修缮"),  # → the village centre's queue
    ]
    verified = report("C0103", "路灯不亮，夜间通行不便", {"lamps_out": 2, "pole_number": "CG-0417"})
    take_action(verified, logins["town_operator"], "accept")
    take_action(verified, logins["town_operator"], "dispatch")
    handler = User.objects.filter(role=Role.HANDLER, department=verified.department).first()
    if handler is not None:
        take_action(verified, handler, "start")
        take_action(
            verified, handler, "feed_back", {"note": "已更换灯泡，恢复照明"}
        )  # → the grid worker verifies
    street = report("E0501", "早市摊贩占道经营，影响通行")
    take_action(street, logins["town_operator"], "accept")
    take_action(street, logins["town_operator"], "dispatch")  # → the urban handler's queue
    return [*cases, verified, street]


class DemoCast:
    """Who takes each step of a kind's demo case through the real services: its centre's
    operator, its department's handler, the grid worker of its grid."""

    def __init__(self):
        self.operators = {u.region_id: u for u in User.objects.filter(role=Role.OPERATOR)}
        self.handlers = {}
        for user in User.objects.filter(role=Role.HANDLER).order_by("pk"):
            self.handlers.setdefault(user.department_id, user)
        self.grid_workers = {}
        for user in User.objects.filter(role=Role.GRID_WORKER).order_by("pk"):
            self.grid_workers.setdefault(user.region_id, user)
        self.county = instance_county()

    def operator(self, case: Case) -> User | None:
        region_id = {
            Level.COUNTY: self.county.pk,
            Level.TOWN: case.town_id,
            Level.VILLAGE: case.village_id,
        }[case.level]
        return self.operators.get(region_id)
