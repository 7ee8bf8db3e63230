"""A year of emergencies for the demo, through the real steps, and a level-III flood reported
twenty minutes ago: at the county centre at once, its first report due in ten minutes."""

import json
import random
from datetime import datetime, timedelta

import numpy as np
import shapely

from cases.demo import DemoCast, sample_points
from cases.errors import CaseError
from cases.models import Case, Category
from cases.services import report_case, take_action
from territory.counties import instance_county
from territory.models import Region

from .services import KIND

EMERGENCIES_A_YEAR = 24
STORIES = {
    "K0101": "河道水位上涨漫过堤顶，沿河数户进水",
    "K0102": "山体滑坡堵塞村道，一户房屋后墙受损",
    "K0103": "山林起火，火线约200米",
    "K0201": "民房起火，已拨打119",
    "K0202": "两车相撞，一人受伤被困",
    "K0302": "村民宴席后多人腹痛呕吐",
    "K0401": "数十名工人聚集讨要工资",
}


def _report(rng, cast, category, grid, when, severity) -> Case:
    polygon = shapely.geometry.shape(json.loads(grid.boundary))
    lon, lat = sample_points(polygon, 1, np.random.default_rng(rng.randrange(10**6)))[0]
    return report_case(
        reporter=cast.grid_workers.get(grid.pk),
        category=category,
        description=STORIES[category.code],
        lon=float(lon),
        lat=float(lat),
        details={
            "severity": severity,
            "warning": rng.choice(["", "", "yellow", "orange"]),
            "deaths": 0,
            "injured": rng.choice([0, 0, 1, 2]),
            "missing": 0,
            "affected": rng.choice([3, 10, 40, 120]),
            "contact_name": "",
            "contact_phone": "",
        },
        now=when,
    )


def _walk(case: Case, cast: DemoCast, rng: random.Random, now: datetime) -> None:
    at = case.reported_at

    def step(user, action, inputs=None, minutes=(5, 40)) -> bool:
        nonlocal at, case
        at = at + timedelta(minutes=rng.uniform(*minutes))
        if at > now or user is None:
            return False
        case = take_action(case, user, action, inputs or {}, now=at)
        return True

    operator = cast.operator(case)
    late = rng.random() < 0.1  # now and then a report goes up late
    if not step(operator, "accept", minutes=(2, 10)):
        return
    if not step(operator, "first_report", {"note": "已电话报告县应急指挥部"}, (20, 50) if late else (5, 25)):  # fmt: skip
        return
    if not (step(operator, "dispatch", minutes=(1, 5))):
        return
    handler = cast.handlers.get(case.department_id)
    if not step(handler, "start", minutes=(5, 20)):
        return
    step(operator, "written_report", {"note": "书面报告已报送县政府值班室"}, (30, 90))
    for _entry in range(rng.choice([1, 2, 3])):
        if not step(handler, "log_measure", {"entry_kind": "measure", "note": "已组织人员转移、设置警戒"}, (20, 120)):  # fmt: skip
            return
    if not step(handler, "feed_back", {"note": "险情已排除"}, (60, 600)):
        return
    grid_worker = cast.grid_workers.get(case.grid_id)
    if not step(grid_worker, "verify", {"note": "现场已恢复"}, (60, 600)):
        return
    if step(operator, "record_summary", {"note": "处置及时，无人员伤亡扩大；需加强汛前排查"}):
        step(operator, "close", {"note": "处置完毕"})


def fill_emergencies(logins, now: datetime, simulated: int = 50_000, *, count: int | None = None, seed: int = 23) -> int:  # fmt: skip
    """Emergencies over the year before `now` (24 beside the full demo, at least 6), each walked as
    far as the present, and the level-III flood of twenty minutes ago."""
    if count is None:
        count = min(EMERGENCIES_A_YEAR, max(6, simulated // 2000))
    rng = random.Random(seed)
    cast = DemoCast()
    categories = {c.code: c for c in Category.objects.filter(code__in=STORIES, case_kind=KIND)}
    if not categories:
        return 0
    grids = list(Region.objects.grids().subtree(instance_county()).exclude(boundary=""))
    filed = 0
    for _number in range(count):
        category = categories[rng.choice(sorted(categories))]
        when = now - timedelta(days=rng.uniform(2, 365))
        severity = rng.choices(["2", "3", "4"], [1, 4, 15])[0]
        try:
            case = _report(rng, cast, category, rng.choice(grids), when, severity)
        except CaseError:
            continue
        _walk(case, cast, rng, now)
        filed += 1
    flood = categories.get("K0101")
    grid_worker = logins.get("grid_worker")
    if flood is not None and grid_worker is not None:  # the one on the wall screen now
        _report(rng, cast, flood, grid_worker.region, now - timedelta(minutes=20), "3")
    return filed
