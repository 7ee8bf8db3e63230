"""The demo's screening campaigns and filings, as the article counts them: a year's stability
screening that found 15 risks and resolved all 15 (100 %), a safety campaign running now, and
35 filings (15 projects assessed by the city, 20 outside the plan)."""

import json
import random
from datetime import date, datetime, timedelta

import numpy as np
import shapely

from cases.demo import DemoCast, sample_points
from cases.errors import CaseError
from cases.models import Case, Category
from cases.services import report_case, take_action
from staff.models import Department, User
from territory.counties import instance_county
from territory.models import Region

from .models import Campaign, Decision, Filing, FilingStatus, FilingType, Method, RiskLevel
from .services import KIND

RISKS = {
    "R0101": ("企业拖欠农民工工资，工人酝酿集体讨薪", "协调企业分期支付，劳动监察跟进"),
    "R0103": ("出租屋电动车入户充电，存在火灾隐患", "清理入户电动车，加装集中充电桩"),
    "R0199": ("征地补偿款分配争议，村民意见较大", "召开村民代表会议，公开分配方案"),
}
PROJECTS = [
    "城南片区棚户区改造", "汉江堤防加固工程", "县城污水处理厂扩建", "柑橘产业园建设", "城固高铁站站前广场",
    "老旧小区改造（二期）", "农村供水保障工程", "县医院新院区", "工业园区道路", "垃圾焚烧发电项目",
    "中学扩建", "殡仪馆迁建", "天然气管网延伸", "湑水河综合治理", "物流园区",
]  # fmt: skip
UNPLANNED = [
    "城北农贸市场改造", "原公镇集镇道路拓宽", "桔园镇光伏电站", "县城公交线路调整", "湑水河采砂规划",
    "村级垃圾中转站布点", "二里镇砖厂关停", "老庄镇养殖场搬迁", "县城夜市设置", "学校布局调整",
    "城区停车收费调整", "集中供暖价格", "农村宅基地审批规范", "出租车运营权", "菜市场搬迁",
    "五堵镇移民安置点", "天明镇水库除险加固", "文川镇产业园征地", "上元观镇道路改线", "董家营镇污水管网",
]  # fmt: skip


def _walk_risk(case: Case, cast: DemoCast, rng: random.Random, now: datetime, resolution: str):
    at = case.reported_at

    def step(user, action, inputs=None) -> bool:
        nonlocal at, case
        at = at + timedelta(hours=rng.uniform(2, 30))
        if at > now or user is None:
            return False
        case = take_action(case, user, action, inputs or {}, now=at)
        return True

    operator = cast.operator(case)
    handler = None
    for action, inputs in (
        ("accept", {}),
        ("dispatch", {}),
        ("start", {}),
        ("record_resolution", {"note": resolution}),
        ("feed_back", {"note": "风险已化解"}),
        ("verify", {"note": "已回访核实"}),
        ("close", {"note": "化解结案"}),
    ):
        if action == "start":
            handler = cast.handlers.get(case.department_id)
        user = {"verify": cast.grid_workers.get(case.grid_id)}.get(action)
        user = user or (
            handler if action in ("start", "record_resolution", "feed_back") else operator
        )
        if not step(user, action, inputs):
            return


def _risk(cast, rng, category, grid, campaign, when) -> Case:
    polygon = shapely.geometry.shape(json.loads(grid.boundary))
    lon, lat = sample_points(polygon, 1, np.random.default_rng(rng.randrange(10**6)))[0]
    return report_case(
        reporter=cast.grid_workers.get(grid.pk),
        category=category,
        description=RISKS[category.code][0],
        lon=float(lon),
        lat=float(lat),
        details={"level": rng.choice(["low", "medium", "medium", "high"]), "campaign": campaign.pk},
        now=when,
    )


def fill_assessments(logins, now: datetime, simulated: int = 50_000) -> None:
    rng = random.Random(31)
    cast = DemoCast()
    county = instance_county()
    departments = {d.code: d for d in Department.objects.filter(county_code=county.code)}
    categories = {c.code: c for c in Category.objects.filter(code__in=RISKS, case_kind=KIND)}
    if not categories or "gaj" not in departments:
        return
    grids = list(Region.objects.grids().subtree(county).exclude(boundary=""))
    today = now.date()
    done = Campaign.objects.create(
        county_code=county.code,
        name=f"{today.year}年涉稳风险隐患排查化解专项行动",
        theme="stability",
        # From New Year (or two months back, early in a year) to 40 days ago: it ended this year.
        starts_on=min(date(today.year, 1, 1), today - timedelta(days=100)),
        ends_on=today - timedelta(days=40),
        owner=departments["gaj"],
    )
    running = Campaign.objects.create(
        county_code=county.code,
        name="冬春火灾隐患排查整治",
        theme="safety",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=90),
        owner=departments.get("yjglj", departments["gaj"]),
    )
    for campaign, count, first_day, last_day in (
        (done, 15, done.starts_on, done.ends_on - timedelta(days=20)),
        (running, 6, running.starts_on, today),
    ):
        span = (last_day - first_day).days
        for _number in range(count):
            category = categories[rng.choice(sorted(categories))]
            when = datetime.combine(first_day, datetime.min.time(), now.tzinfo) + timedelta(
                days=rng.uniform(0, span), hours=rng.uniform(9, 17)
            )
            try:
                case = _risk(cast, rng, category, rng.choice(grids), campaign, when)
            except CaseError:
                continue
            # The finished campaign resolved every risk it found: walked to the end in time.
            _walk_risk(case, cast, rng, now if campaign is running else datetime.combine(done.ends_on, datetime.min.time(), now.tzinfo), RISKS[category.code][1])  # fmt: skip
    _file_the_register(rng, county, departments, today)


def _file_the_register(rng, county, departments, today: date) -> None:
    entered_by = User.objects.filter(region=county, role="operator").first()
    if entered_by is None:
        return
    owners = [d for code, d in sorted(departments.items()) if "-" not in code]
    days_this_year = (today - date(today.year, 1, 1)).days + 1
    entries = [(name, FilingType.CITY_ASSESSED) for name in PROJECTS]
    entries += [(name, FilingType.UNPLANNED) for name in UNPLANNED]
    for name, kind in entries:
        risk = rng.choices(RiskLevel.values, [1, 5, 14])[0]  # high, medium, low
        mitigated = risk != RiskLevel.LOW
        Filing.objects.create(
            county_code=county.code,
            name=name,
            owner=rng.choice(owners),
            kind=kind,
            assessor="县委政法委稳评中心" if kind == FilingType.CITY_ASSESSED else "第三方评估机构",
            methods=rng.sample(Method.values, 3),
            legality="符合法律法规和政策规定",
            reasonableness="兼顾各方利益，补偿标准合理",
            feasibility="资金落实，群众总体支持",
            controllability="风险点已识别，有应急预案",
            risk=risk,
            mitigation="公开补偿方案，设专人接待群众诉求" if mitigated else "",
            decision=Decision.WITH_MITIGATION if mitigated else Decision.APPROVED,
            status=FilingStatus.FILED,
            # Within this year, as the county's yearly count has them.
            filed_on=date(today.year, 1, 1) + timedelta(days=rng.randrange(days_this_year)),
            created_by=entered_by,
        )
