"""A year of what is not a case for the demo: questions, praise and invalid calls, mostly by the
12345 hotline, each answered (or, if invalid, not accepted) by its town centre through the real
steps; then a question waiting in the demo town operator's queue."""

import json
import random
from datetime import datetime, timedelta

import numpy as np
import shapely

from cases.demo import DemoCast, sample_points
from cases.errors import CaseError
from cases.models import Category, Source
from cases.services import report_case, take_action
from cases.worktime import add_working_hours
from territory.counties import instance_county
from territory.models import Region

from .services import KIND

A_YEAR = 120
# What is asked, and the answer given; praise; invalid calls (answered by 不予立案).
QUESTIONS = [
    (
        "来电人咨询城乡居民医保今年的缴费截止时间和缴费方式。",
        "已答复：缴费截止时间以当年公告为准，可通过微信、村便民服务站缴纳。",
    ),
    (
        "来电人询问孩子上小学需要准备哪些入学材料。",
        "已答复：户口簿、居住证明及预防接种证，具体以学校通知为准。",
    ),
    ("群众问镇上便民服务中心周六上不上班。", "已答复：周六上午设值班窗口，可办理社保、民政业务。"),
    (
        "来电人咨询老房子翻修需不需要办手续。",
        "已答复：农村住房翻建需向镇政府申请，村委会可协助填写申请表。",
    ),
    (
        "居民问城固到汉中的城际公交末班车是几点。",
        "已答复：末班车时间以公交公司公告为准，已告知查询电话。",
    ),
]
PRAISE = [
    "来电人表扬网格员帮助其母亲办理高龄津贴，服务热情，特此致谢。",
    "群众打电话感谢镇上及时修好了村口的路灯，晚上出门方便多了。",
    "居民建议在小区门口增设一处快递柜，方便上班族取件。",
]
INVALID = [
    "来电无声，多次询问无应答后挂断。",
    "来电人拨错号码，无具体诉求。",
]


def fill_enquiries(logins, now: datetime, simulated: int = 50_000, *, seed: int = 31) -> int:
    """About one enquiry for every 400 simulated cases (at least 8), most answered within hours
    by the town centre; invalid calls not accepted; one question left for the demo town
    operator."""
    categories = {c.code: c for c in Category.objects.filter(case_kind=KIND, children__isnull=True)}
    if len(categories) < 3:
        return 0
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    cast = DemoCast()
    grids = list(Region.objects.grids().subtree(instance_county()).exclude(boundary=""))
    filed = 0
    for _number in range(min(A_YEAR, max(8, simulated // 400))):
        fate = rng.random()
        if fate < 0.7:
            code, (text, answer) = "N0101", rng.choice(QUESTIONS)
        elif fate < 0.9:
            code, text, answer = "N0102", rng.choice(PRAISE), "已记录并转告相关单位，感谢来电。"
        else:
            code, text, answer = "N0103", rng.choice(INVALID), ""
        reported_at = now - timedelta(days=rng.uniform(0.5, 365))
        if _file_and_answer(categories[code], text, answer, rng.choice(grids), cast, rng, np_rng,
                            reported_at, now):  # fmt: skip
            filed += 1
    grid_worker = logins.get("grid_worker")
    if grid_worker is not None:
        _file_and_answer(categories["N0101"], "村民问今年秋季征兵报名在哪里报", "", grid_worker.region,
                         cast, rng, np_rng, now - timedelta(hours=2), now)  # fmt: skip
    return filed


def _file_and_answer(category, text, answer, grid, cast, rng, np_rng, at, now) -> bool:
    lon, lat = sample_points(shapely.geometry.shape(json.loads(grid.boundary)), 1, np_rng)[0]
    try:
        case = report_case(
            reporter=None,
            category=category,
            description=text,
            lon=float(lon),
            lat=float(lat),
            source=Source.HOTLINE,
            now=at,
        )
    except CaseError:
        return False  # a point on a county border the index puts outside
    answered_at = add_working_hours(at, rng.uniform(0.2, 6))
    operator = cast.operator(case)
    if operator is None or answered_at > now:
        return True
    if category.code == "N0103":
        take_action(case, operator, "reject", {"note": "无效来电", "public_note": ""},
                    now=answered_at)  # fmt: skip
    elif answer:
        take_action(case, operator, "answer", {"public_note": answer}, now=answered_at)
    return True
