"""A year of disputes for the demo, walked through the real services step by step (a few hundred
steps, not the simulated year's bulk rows), so that every state, outcome and figure shows up; and
one neighbour dispute waiting for the demo mediator of the seat town's judicial office."""

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
from territory.counties import instance_county
from territory.models import Region

from .services import KIND

DISPUTES_A_YEAR = 72
STORIES = {
    "G0101": ("两户邻居因屋后排水沟堵塞发生争执", "双方共同出资疏通排水沟，费用各半"),
    "G0102": ("夫妻因赡养老人问题发生争吵", "双方轮流照料老人，每月各出生活费500元"),
    "G0103": ("两组村民对山林界址有争议", "以1998年林权证界址为准，共同埋设界桩"),
    "G0105": ("宅基地滴水檐距离引发纠纷", "东侧一户拆除伸出檐口30厘米，西侧补偿材料费800元"),
    "G0106": ("电动车碰撞致一人轻伤，赔偿有争议", "一次性赔偿医疗费及误工费共计3200元"),
    "G0107": ("业主与物业公司因停车收费发生纠纷", "物业退还多收停车费，业主补缴物业费"),
    "G0108": ("村民之间民间借贷到期未还", "分三期还清借款2万元，每月底前支付"),
}
SCALES = {"G0106": 3200, "G0108": 20000, "G0105": 800}


def _party_details(rng: random.Random, code: str) -> dict:
    surnames = "王李张刘陈杨赵黄周吴"
    risk = rng.choices(["low", "medium", "high"], [70, 24, 6])[0]
    return {
        "risk": risk,
        "people_involved": rng.choice([2, 2, 2, 3, 4, 6]),
        "amount_involved": SCALES.get(code, ""),
        "body": "town" if code != "G0101" else rng.choice(["village", "town"]),
        "applicant_name": rng.choice(surnames) + rng.choice("建国秀英志强桂兰明华"),
        "applicant_phone": f"13{rng.randrange(10**9):09d}",
        "respondent_name": rng.choice(surnames) + rng.choice("德胜玉梅永福春燕"),
        "respondent_phone": "",
    }


def _walk(case: Case, cast: DemoCast, rng: random.Random, at: datetime, now: datetime, terms: str):
    """The dispute's steps from acceptance on, each some working hours after the last, until
    the present; the fate (agreed, oral, failed, still open) drawn at realistic rates."""

    def step(user, action, inputs=None, hours=(1, 8)) -> bool:
        nonlocal at, case
        at = add_working_hours(at, rng.uniform(*hours))
        if at > now or user is None:
            return False
        case = take_action(case, user, action, inputs or {}, now=at)
        return True

    operator = cast.operator(case)
    if rng.random() < 0.05:
        step(operator, "reject", {"note": "不属于人民调解受理范围，已告知当事人向法院起诉"})
        return
    if not (step(operator, "accept") and step(operator, "dispatch")):
        return
    handler = cast.handlers.get(case.department_id)
    day = lambda: at.date().isoformat()  # noqa: E731 (the date of the step being taken)
    if not (step(handler, "start", hours=(1, 4)) and step(handler, "inform_rights")):
        return
    for _session in range(rng.choice([1, 1, 2, 3])):
        minutes = "双方陈述事实，调解员释法明理，双方各退一步"
        if not step(handler, "hold_session", {"held_on": day(), "place": "司法所调解室", "note": minutes}, (4, 24)):  # fmt: skip
            return
    fate = rng.choices(["written", "oral", "failed"], [60, 22, 18])[0]
    if fate == "written":
        agreement = {
            "facts": case.description,
            "responsibilities": "双方对纠纷的发生均负有一定责任",
            "terms": terms,
            "performance_method": "当事人自行履行，调解员回访",
            "perform_by": (at + timedelta(days=20)).date().isoformat(),
            "confirmation_wanted": rng.random() < 0.3,
        }
        done = step(handler, "record_agreement", agreement)
    elif fate == "oral":
        done = step(handler, "record_oral_agreement", {"terms": terms})
    else:
        done = step(handler, "record_failure", {"referral": rng.choice(["court", "arbitration"]), "note": "双方分歧较大，调解不成，已告知诉讼途径"})  # fmt: skip
    if not done or not step(handler, "feed_back", {"note": "调解结束"}):
        return
    grid_worker = cast.grid_workers.get(case.grid_id)
    if not step(grid_worker, "verify", {"note": "已向双方核实"}, (2, 16)):
        return
    if fate != "failed":
        if rng.random() < 0.15:
            note = "尚有部分款项未付，约定下月付清"
            if not step(handler, "visit_pending", {"visited_on": day(), "note": note}, (16, 60)):
                return
        if not step(handler, "visit_performed", {"visited_on": day(), "note": "协议已履行完毕，双方满意"}, (16, 80)):  # fmt: skip
            return
    if step(operator, "close", {"note": "调解结案，卷宗归档"}, (1, 8)):
        step(operator, "evaluate", {"rating": rng.choices([5, 4, 3, 2], [55, 30, 10, 5])[0]})


def fill_disputes(logins, now: datetime, simulated: int = 50_000, *, count: int | None = None, seed: int = 17) -> int:  # fmt: skip
    """Disputes reported over the year before `now` (72 beside the full demo's 50,000 simulated
    cases, at least 12), each walked as far as the present; then a neighbour dispute dispatched
    to the seat town's judicial office, awaiting its mediator."""
    if count is None:
        count = min(DISPUTES_A_YEAR, max(12, simulated // 690))
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    cast = DemoCast()
    categories = {c.code: c for c in Category.objects.filter(code__in=STORIES, case_kind=KIND)}
    if not categories:
        return 0
    grids = list(Region.objects.grids().subtree(instance_county()).exclude(boundary=""))
    filed = 0
    for _number in range(count):
        code = rng.choices(list(categories), [30, 12, 8, 10, 12, 8, 10][: len(categories)])[0]
        grid = rng.choice(grids)
        lon, lat = sample_points(shapely.geometry.shape(json.loads(grid.boundary)), 1, np_rng)[0]
        # One in five in the last fortnight: those are still being mediated, in every state.
        days = rng.uniform(0.2, 14) if rng.random() < 0.2 else rng.uniform(14, 365)
        reported_at = now - timedelta(days=days, hours=rng.uniform(0, 8))
        description, terms = STORIES[code]
        try:
            case = report_case(
                reporter=cast.grid_workers.get(grid.pk),
                category=categories[code],
                description=description,
                lon=float(lon),
                lat=float(lat),
                details=_party_details(rng, code),
                now=reported_at,
            )
        except CaseError:
            continue  # a point on a county border the index puts outside
        _walk(case, cast, rng, reported_at, now, terms)
        filed += 1
    _waiting_for_the_mediator(logins, categories.get("G0101"), cast, now)
    return filed


def _waiting_for_the_mediator(logins, category, cast: DemoCast, now: datetime) -> None:
    """A neighbour dispute in the demo grid worker's grid, accepted by the village centre and
    dispatched to the seat town's judicial office: the demo mediator takes it from there."""
    grid_worker = logins.get("grid_worker")
    if category is None or grid_worker is None:
        return
    grid = grid_worker.region
    lon, lat = sample_points(
        shapely.geometry.shape(json.loads(grid.boundary)), 1, np.random.default_rng(5)
    )[0]
    case = report_case(
        reporter=grid_worker,
        category=category,
        description="两户邻居因屋后排水沟堵塞、雨水倒灌发生争执，曾有推搡",
        lon=float(lon),
        lat=float(lat),
        details={
            "risk": "medium",
            "people_involved": 5,
            "amount_involved": "",
            "body": "town",
            "applicant_name": "王建国",
            "applicant_phone": "13800001111",
            "respondent_name": "李德胜",
            "respondent_phone": "13900002222",
        },
        now=now - timedelta(hours=3),
    )
    operator = cast.operator(case)
    take_action(case, operator, "accept", now=now - timedelta(hours=2))
    take_action(case, operator, "dispatch", now=now - timedelta(hours=1))
