"""Safe-unit creation in the demo, through the real services: units of the ten sectors in every
town (invented, each name marked 示例), a year of inspections by grid workers and departments —
most pass, some fail an item or two and file hazard cases, most rectified in time and a few left
past their deadline, so that their units lose 平安单位 — and, today, a school in the demo grid
worker's grid that fails two items: two hazard cases awaiting the seat town's centre."""

import json
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import shapely
from django.db import transaction

from cases.demo import DemoCast, sample_points
from cases.errors import CaseError
from cases.models import Case
from cases.services import take_action
from cases.worktime import add_working_hours, limit_in_hours, start_of
from territory.counties import instance_county
from territory.models import Level, Region

from .models import Sector, Unit
from .selectors import checklist_items, unit_department_id
from .services import Answer, install_safety, lose_lapsed_units, record_inspection, register_unit

UNITS_IN_FULL_DEMO = 200
EXAMPLE = "（示例）"
PRODUCTS = ["食品", "米业", "茶业", "建材", "纸业", "木业", "果业", "饮品", "农机", "药业"]
# The demo school's two failures today, with what the grid worker wrote.
TODAYS_FAILURES = {
    "有技防设施": "东侧围墙紧急报警按钮损坏，监控有两路无画面",
    "有应急预案": "本学期未组织应急疏散演练，预案未更新",
}
FOUND = {
    "有组织领导": "领导小组人员调整后未重新明确分工",
    "有工作制度": "门卫登记制度未落实，来访人员未登记",
    "有人防力量": "夜间无人值守",
    "有物防设施": "消防通道堆放杂物，部分灭火器过期",
    "有技防设施": "出入口监控损坏未修复",
    "有应急预案": "应急预案未演练",
    "有巡查台账": "近两月巡查记录缺失",
    "有宣传教育": "本季度未开展宣传教育",
    "有矛盾排查": "矛盾纠纷排查台账未更新",
    "有考核奖惩": "平安创建未纳入考核",
    "没有火灾事故": "仓库发生小型火情，已扑灭，无人员伤亡",
    "没有治安案件": "发生一起盗窃电动车案件",
}


def _short(town: Region) -> str:
    for suffix in ("街道", "镇", "乡"):
        if town.name.endswith(suffix):
            return town.name[: -len(suffix)]
    return town.name


def _candidates(county: Region, towns: list[Region], rng: random.Random) -> list[tuple[str, str, Region]]:  # fmt: skip
    """(sector code, name, town) of the units a county might register: every town's schools,
    clinic, market, firms, site, credit union, cultural station and rental rooms; the county's
    own in the seat town; scenic spots and bus stations in some towns."""
    seat = towns[0]
    county_name = county.name
    found = [
        ("school", f"{county_name}第一中学", seat),
        ("school", f"{county_name}第二中学", seat),
        ("hospital", f"{county_name}人民医院", seat),
        ("hospital", f"{county_name}中医医院", seat),
        ("transport_hub", f"{county_name}汽车客运站", seat),
        ("transport_hub", f"{county_name}火车站", towns[1 % len(towns)]),
        ("venue", f"{county_name}体育馆", seat),
        ("venue", f"{county_name}文化馆", seat),
        ("financial_outlet", f"{county_name}农村信用合作联社营业部", seat),
        ("financial_outlet", f"中国农业银行{county_name}支行", seat),
    ]
    for number, town in enumerate(towns):
        short = _short(town)
        clinic = "社区卫生服务中心" if town.name.endswith("街道") else "中心卫生院"
        products = rng.sample(PRODUCTS, 2)
        found += [
            ("school", f"{town.name}中心小学", town),
            ("school", f"{town.name}初级中学", town),
            ("hospital", f"{town.name}{clinic}", town),
            ("market", f"{short}农贸市场", town),
            ("enterprise", f"{county_name}{short}{products[0]}有限公司", town),
            ("enterprise", f"{county_name}{short}{products[1]}有限公司", town),
            ("building_site", f"{short}安置小区建设工地", town),
            ("financial_outlet", f"{short}信用社", town),
            ("venue", f"{town.name}综合文化站", town),
        ]
        found += [("rental_housing", f"{short}{n}号出租房屋", town) for n in rng.sample(range(1, 90), 3)]  # fmt: skip
        if number % 4 == 2:
            found.append(("scenic_spot", f"{short}生态旅游区", town))
        if number % 3 == 1:
            found.append(("transport_hub", f"{short}客运站", town))
    return found


def _point(grid: Region, rng: random.Random) -> tuple[float, float]:
    polygon = shapely.geometry.shape(json.loads(grid.boundary))
    lon, lat = sample_points(polygon, 1, np.random.default_rng(rng.randrange(10**9)))[0]
    return float(lon), float(lat)


def _register(logins, now, count, rng) -> list[Unit]:
    """`count` of the county's candidates, the seat town's primary school first, in the demo grid
    worker's grid; each at a random point of a grid of its town, registered a year ago."""
    county = instance_county()
    towns = list(Region.objects.filter(parent=county, level=Level.TOWN).order_by("code"))
    grids_by_town: dict[int, list[Region]] = {}
    grids = Region.objects.grids().subtree(county).exclude(boundary="").select_related("parent")
    for grid in grids:
        grids_by_town.setdefault(grid.parent.parent_id, []).append(grid)
    sectors = {sector.code: sector for sector in Sector.objects.filter(is_active=True)}
    candidates = [c for c in _candidates(county, towns, rng) if c[0] in sectors]
    school = next(c for c in candidates if c[0] == "school" and c[1].endswith("中心小学"))
    rest = [c for c in candidates if c is not school]
    rng.shuffle(rest)
    operator, home = logins["county_operator"], logins.get("grid_worker")
    registered = []
    for sector, name, town in [school, *rest][:count]:
        in_town = grids_by_town.get(town.pk)
        if not in_town:
            continue
        grid = home.region if home is not None and name == school[1] else rng.choice(in_town)
        lon, lat = _point(grid, rng)
        try:
            unit = register_unit(
                operator,
                name=name + EXAMPLE,
                sector=sectors[sector],
                lon=lon,
                lat=lat,
                address=f"{town.name}{grid.parent.name}",
                at=now - timedelta(days=400),
            )
        except CaseError:
            continue  # a point the index puts on a neighbour's side of the county line
        registered.append(unit)
    return registered


def _moment(now: datetime, days_ago: float, rng: random.Random) -> datetime:
    """A moment in working hours about `days_ago` days before now."""
    return add_working_hours(
        start_of((now - timedelta(days=days_ago)).date()), rng.uniform(0.2, 6.5)
    )


def _answers(items, rng: random.Random, failing: list[str] | None = None, notes=FOUND) -> dict[int, Answer]:  # fmt: skip
    """Most inspections pass every item; some fail one 有 item (the unit still passes), a few two
    (it does not), now and then a veto item."""
    if failing is None:
        fate = rng.random()
        ordinary = [item.text for item in items if not item.veto and item.text in FOUND]
        vetoes = [item.text for item in items if item.veto and item.text in FOUND]
        if fate < 0.92 or not ordinary:
            failing = []
        elif fate < 0.97:
            failing = rng.sample(ordinary, 1)
        elif fate < 0.99 or not vetoes:
            failing = rng.sample(ordinary, 2)
        else:
            failing = rng.sample(vetoes, 1)
    return {
        item.pk: Answer(passed=item.text not in failing, note=notes.get(item.text, ""))
        if item.text in failing
        else Answer(passed=True)
        for item in items
    }


def _walk(case: Case, cast: DemoCast, rng: random.Random, now: datetime, fate: str) -> None:
    """The hazard's steps after its report: rectified within its deadline ("rectified"), or
    started and left past its deadline ("lapsed")."""
    at = case.reported_at
    handle_hours = limit_in_hours(case.category.handle_limit, case.category.handle_unit)

    def step(user, action, inputs=None, hours=(0.2, 1.5)) -> bool:
        nonlocal at, case
        at = add_working_hours(at, rng.uniform(*hours))
        if at > now or user is None:
            return False
        case = take_action(case, user, action, inputs or {}, now=at)
        return True

    operator = cast.operator(case)
    if not (step(operator, "accept") and step(operator, "dispatch")):
        return
    handler = cast.handlers.get(case.department_id)
    if not step(handler, "start", hours=(0.5, 4)) or fate == "lapsed":
        return
    if not step(handler, "feed_back", {"note": "已督促单位整改到位"}, (4, 0.8 * handle_hours)):
        return
    grid_worker = cast.grid_workers.get(case.grid_id)
    if step(grid_worker, "verify", {"note": "现场复查，已整改"}, (1, 8)):
        step(operator, "close", {"note": "隐患已整改销号"}, (0.5, 4))


def _inspector(unit: Unit, cast: DemoCast, rng: random.Random):
    """The grid worker of its grid mostly, the sector's department now and then."""
    handler = cast.handlers.get(unit_department_id(unit))
    if handler is not None and rng.random() < 0.3:
        return handler
    return cast.grid_workers.get(unit.grid_id) or handler


@transaction.atomic
def fill_safety(logins: Mapping[str, Any], now: datetime, simulated: int = 50_000, *, count: int | None = None, seed: int = 29) -> int:  # fmt: skip
    """Units (200 beside the full demo's 50,000 simulated cases, at least 20), inspected over the
    year before `now` in order of time, and today's failed inspection of the demo school. Returns
    how many units were registered. One transaction: a few hundred inspections commit once."""
    if count is None:
        count = min(UNITS_IN_FULL_DEMO, max(20, simulated // 200))
    try:
        install_safety()
    except CaseError:
        return 0  # the hazard categories are not installed: nothing to file hazards under
    rng = random.Random(seed)
    units = _register(logins, now, count, rng)
    if not units:
        return 0
    cast = DemoCast()
    visits = []
    for unit in units:
        days = [rng.uniform(190, 360), rng.uniform(8, 175)]
        if rng.random() < 0.12:
            days = days[1:]  # registered late in the rounds: inspected once
        visits += [(_moment(now, day, rng), unit) for day in days]
    demo_school, swept, items_of = units[0], None, {}
    for at, unit in sorted(visits, key=lambda visit: (visit[0], visit[1].pk)):
        if swept is None or at - swept > timedelta(days=1):
            lose_lapsed_units(at)  # what the worker would have done by then (dated by deadline)
            swept = at
        inspector = _inspector(unit, cast, rng)
        if inspector is None:
            continue
        checklist = unit.sector.checklist_id
        items = items_of.setdefault(checklist, checklist_items(unit))
        answers = _answers(items, rng, failing=[] if unit is demo_school else None)
        inspection = record_inspection(unit, inspector, answers, at=at)
        for hazard in inspection.hazards.select_related("case__category"):
            fate = "lapsed" if rng.random() < 0.12 else "rectified"
            _walk(hazard.case, cast, rng, now, fate)
    lose_lapsed_units(now)
    _todays_inspection(logins, demo_school, now)
    return len(units)


def _todays_inspection(logins, school: Unit, now: datetime) -> None:
    """The demo grid worker inspects the school in their grid this morning: two items fail, two
    hazard cases go to the seat town's centre, routed to the county's education bureau."""
    grid_worker = logins.get("grid_worker")
    if grid_worker is None or school.grid_id != grid_worker.region_id:
        return
    school.refresh_from_db()
    items = checklist_items(school)
    answers = _answers(items, random.Random(0), list(TODAYS_FAILURES), TODAYS_FAILURES)
    note = "校门口护学岗落实较好，技防和演练两项需限期整改"
    record_inspection(school, grid_worker, answers, note=note, at=now - timedelta(hours=2))
