"""A year of service applications for the demo, walked through the real services (filed by grid
workers as agents, at the windows, and handed over from the governance centre), the catalogue,
the named counsellors and the social-psychological service's requests (counts for the pages);
then a 高龄津贴 application the demo grid worker filed as agent, waiting at the seat town's
window for the demo window clerk."""

import json
import random
from datetime import datetime, timedelta

import numpy as np
import shapely

from cases.demo import DemoCast, sample_points
from cases.errors import CaseError
from cases.models import Case, Category
from cases.services import report_case, take_action
from cases.worktime import add_working_hours
from staff.models import User
from territory.counties import instance_county
from territory.models import Level, Region

from .models import Concern, CounsellingRequest, CounsellingStatus, Counsellor
from .selectors import point_in
from .services import KIND, install_catalogue

APPLICATIONS_A_YEAR = 240
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英志强桂兰明华德胜玉梅永福春燕"
# The items most applied for, with what the application says.
STORIES = {
    "F0201": "申领高龄津贴，老人已满80周岁",
    "F0101": "家庭收入低于当地低保标准，申请最低生活保障",
    "F0103": "家中突发火灾，申请临时救助",
    "F0301": "重度残疾，申请残疾人两项补贴",
    "F0401": "新生儿参加城乡居民医保",
    "F0502": "年满60周岁，申请领取城乡居民养老保险待遇",
    "F0503": "首次申领社会保障卡",
    "F0601": "子女入学需开具居住证明",
    "F0701": "工伤赔偿纠纷，经济困难，申请法律援助",
    "F0801": "退役士兵申领优待证",
    "F0903": "土木结构老房开裂，申请危房改造",
}
WEIGHTS = [20, 10, 6, 8, 12, 10, 10, 8, 4, 6, 6]


def _applicant(rng: random.Random) -> dict:
    return {
        "applicant_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "applicant_phone": f"13{rng.randrange(10**9):09d}",
        "documents_brought": "身份证；户口簿",
    }


def _walk(case: Case, cast: DemoCast, rng: random.Random, at: datetime, now: datetime) -> None:
    """The window's steps, each some working hours after the last, until the present."""

    def step(action, inputs=None, hours=(1, 8)) -> bool:
        nonlocal at, case
        at = add_working_hours(at, rng.uniform(*hours))
        clerk = cast.handlers.get(case.department_id)
        if at > now or clerk is None:
            return False
        case = take_action(case, clerk, action, inputs or {}, now=at)
        return True

    fate = rng.random()
    if fate < 0.04:
        step("decline", {"note": "申请人不符合该事项的申请条件，已当面说明"})
        return
    if fate < 0.18:
        if not step("request_documents", {"missing": "户口簿复印件；近期免冠照片"}):
            return
        if not step("documents_supplied", hours=(8, 40)):
            return
    if not step("receive"):
        return
    limit = max(case.category.handle_limit, 1) * 8
    late = rng.random() < 0.06
    hours = (limit * 1.05, limit * 1.4) if late else (limit * 0.1, limit * 0.9)
    step("complete", {"note": "已办结，结果已告知申请人"}, hours)


def fill_services(logins, now: datetime, simulated: int = 50_000, *, seed: int = 23) -> int:
    """The catalogue; applications over the year before `now` (240 beside the full demo's 50,000
    simulated cases, at least 12), each walked as far as the present; two hand-overs; the
    counsellors and their requests; the application waiting for the demo window clerk."""
    county = instance_county()
    install_catalogue(county)
    categories = {c.code: c for c in Category.objects.filter(code__in=STORIES, case_kind=KIND)}
    if not categories:
        return 0
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    cast = DemoCast()
    grids = list(Region.objects.grids().subtree(county).exclude(boundary=""))
    count = min(APPLICATIONS_A_YEAR, max(12, simulated // 200))
    filed = 0
    for _number in range(count):
        code = rng.choices(list(STORIES), WEIGHTS)[0]
        category = categories.get(code)
        grid = rng.choice(grids)
        reported_at = now - timedelta(days=rng.uniform(0.2, 365), hours=rng.uniform(0, 8))
        agent = cast.grid_workers.get(grid.pk)
        by_agent = category.service_item.agent_allowed and rng.random() < 0.45
        if by_agent:
            lon, lat = sample_points(shapely.geometry.shape(json.loads(grid.boundary)), 1, np_rng)[
                0
            ]
        else:
            lon, lat = point_in(grid.parent)
        try:
            case = report_case(
                reporter=agent if by_agent else None,
                category=category,
                description=STORIES[code],
                lon=float(lon),
                lat=float(lat),
                source="grid_worker" if by_agent else "window",
                details=_applicant(rng),
                now=reported_at,
            )
        except CaseError:
            continue  # a point on a county border the index puts outside
        _walk(case, cast, rng, reported_at, now)
        filed += 1
    _hand_overs(logins, cast, now)
    _counselling(rng, now)
    _waiting_at_the_window(logins, categories.get("F0201"), now)
    return filed


def _hand_overs(logins, cast: DemoCast, now: datetime) -> None:
    """Both ways: a resident's question to the governance centre that is really a 低保
    application goes to the window; an 'application' that is really a neighbours' problem goes
    back. One case number each, throughout."""
    grid_worker, operator = logins.get("grid_worker"), logins.get("town_operator")
    low_income = Category.objects.filter(code="F0101", case_kind=KIND).first()
    question = Category.objects.filter(code="G0501").first()
    drains = Category.objects.filter(code="G0101").first()
    if not (grid_worker and operator and low_income and question):
        return
    lon, lat = point_in(grid_worker.region.parent)
    asked = report_case(
        reporter=grid_worker,
        category=question,
        description="村民咨询家庭收入低、老人患病能否申请低保，希望帮助办理",
        lon=lon,
        lat=lat,
        now=now - timedelta(days=3),
    )
    operator_here = cast.operator(asked) or operator
    asked = take_action(
        asked,
        operator_here,
        "reclassify",
        {"category": low_income.code, "note": "属便民服务事项，转便民服务中心受理"},
        now=now - timedelta(days=3) + timedelta(hours=1),
    )
    if drains is None:
        return
    applied = report_case(
        reporter=None,
        category=low_income,
        description="申请人称邻居修房占用其宅前通道，要求处理",
        lon=lon,
        lat=lat,
        source="window",
        details={"applicant_name": "陈玉梅", "applicant_phone": "13700003333"},
        now=now - timedelta(days=2),
    )
    clerk = cast.handlers.get(applied.department_id)
    if clerk is not None:
        take_action(
            applied,
            clerk,
            "hand_back",
            {"category": drains.code, "note": "系邻里纠纷，不属于便民服务事项，转综治中心"},
            now=now - timedelta(days=2) + timedelta(hours=1),
        )


def _counselling(rng: random.Random, now: datetime) -> None:
    """Named counsellors and a year of requests (most closed), for the counts."""
    counsellors = []
    for username in ("counsellor",):
        user = User.objects.filter(username=username).first()
        if user is not None:
            counsellor, _created = Counsellor.objects.get_or_create(
                user=user,
                defaults={"county_code": user.county_code, "qualification": "心理咨询师（二级）"},
            )
            counsellors.append(counsellor)
    towns = list(Region.objects.filter(level=Level.TOWN, county_code=instance_county().code))
    requests = []
    for _number in range(48):
        requested_at = now - timedelta(days=rng.uniform(1, 360))
        closed = requested_at < now - timedelta(days=30) and rng.random() < 0.85
        requests.append(
            CounsellingRequest(
                county_code=instance_county().code,
                town=rng.choice(towns),
                requested_at=requested_at,
                concern=rng.choices(Concern.values, [30, 25, 20, 10, 5, 10])[0],
                consent=True,
                status=CounsellingStatus.CLOSED if closed else CounsellingStatus.OPEN,
                counsellor=counsellors[0] if counsellors else None,
                sessions=rng.randint(1, 6),
                closed_at=requested_at + timedelta(days=rng.uniform(7, 30)) if closed else None,
            )
        )
    CounsellingRequest.objects.bulk_create(requests)


def _waiting_at_the_window(logins, category, now: datetime) -> None:
    """高龄津贴, filed by the demo grid worker as agent for an 82-year-old in their grid: the
    demo window clerk (the seat town's 便民服务中心) accepts and completes it."""
    grid_worker = logins.get("grid_worker")
    if category is None or grid_worker is None:
        return
    grid = grid_worker.region
    lon, lat = sample_points(
        shapely.geometry.shape(json.loads(grid.boundary)), 1, np.random.default_rng(9)
    )[0]
    report_case(
        reporter=grid_worker,
        category=category,
        description="老人年满82周岁，行动不便，由网格员代办高龄津贴申领",
        lon=float(lon),
        lat=float(lat),
        details={
            "applicant_name": "刘桂兰",
            "applicant_phone": "13800004444",
            "documents_brought": "身份证；户口簿；社会保障卡",
        },
        now=now - timedelta(hours=2),
    )
