"""The demo's publicity and survey: a year of activities (the 防范电信网络诈骗违法犯罪宣传起步年
series, the “平安城固杯” children's letter contest run with the post office, and the usual
publicity), and the 平安建设知晓率和群众安全感满意度调查 answered in the three modes across the
towns, with rates in the 90s % that vary by town. Written in bulk; scaled with the simulated
year (about 3,500 responses beside 50,000 cases, at least 60)."""

import random
from datetime import date, datetime, timedelta

from django.db import transaction

from staff.models import Department, Role, User
from territory.counties import instance_county
from territory.models import Level, Region

from .data import ACTIVITY_TYPES, MEASURES
from .models import (
    Activity,
    ActivityType,
    Answer,
    Audience,
    Choice,
    Measure,
    Method,
    Mode,
    Question,
    Response,
    SamplingFrame,
    Survey,
    SurveyStatus,
)

SURVEY_TITLE = "平安建设知晓率和群众安全感满意度调查"
ANTI_FRAUD_SERIES = "防范电信网络诈骗违法犯罪宣传起步年"
LETTER_CONTEST = "“平安城固杯”少年儿童书信大赛"
PLACES = ["村委会广场", "社区服务中心", "集镇街道", "中心小学", "初级中学", "农贸市场", "工业园区", "便民服务大厅"]  # fmt: skip
TOPICS = {
    "anti_fraud": ("防范电信网络诈骗进村入户宣传", Audience.VILLAGERS),
    "national_security": ("全民国家安全教育日宣传", Audience.PUBLIC),
    "anti_gang": ("常态化扫黑除恶斗争宣传", Audience.PUBLIC),
    "ping_an": ("平安建设集中宣传", Audience.VILLAGERS),
    "rule_of_law": ("法律明白人普法讲座", Audience.VILLAGERS),
    "anti_drug": ("禁毒知识进校园", Audience.STUDENTS),
    "anti_cult": ("反邪教警示教育", Audience.VILLAGERS),
    "mental_health": ("心理健康关爱讲座", Audience.ELDERLY),
}

# (text, measure code, required, [(choice, positive, counted)])
QUESTIONS = [
    ("您是否知道本县正在开展平安建设（平安城固）工作？", "ping_an_awareness", True,
     [("知道", True, True), ("听说过一些", True, True), ("不知道", False, True)]),
    ("您觉得在本地生活安全吗？", "sense_of_security", True,
     [("很安全", True, True), ("比较安全", True, True), ("不太安全", False, True),
      ("不安全", False, True), ("说不清", False, False)]),
    ("您对本地的社会治安状况满意吗？", "public_order_satisfaction", True,
     [("满意", True, True), ("比较满意", True, True), ("不太满意", False, True),
      ("不满意", False, True), ("不清楚", False, False)]),
    ("您对政法队伍（公安、检察、法院、司法行政）的工作满意吗？", "legal_team_satisfaction", True,
     [("满意", True, True), ("比较满意", True, True), ("不太满意", False, True),
      ("不满意", False, True), ("不清楚", False, False)]),
    ("您主要通过哪些渠道了解平安建设？", None, False,
     [("网格员入户宣传", False, True), ("村（社区）宣传栏", False, True),
      ("微信、短信", False, True), ("电视、广播", False, True), ("其他", False, True)]),
]  # fmt: skip


def install_defaults(county_code: str) -> None:
    """The county's types of publicity and measures, where the migration did not make them (a
    database holding another county)."""
    for order, (code, name) in enumerate(ACTIVITY_TYPES, start=1):
        ActivityType.objects.get_or_create(
            county_code=county_code, code=code, defaults={"name": name, "order": order * 10}
        )
    for order, (code, name, kind) in enumerate(MEASURES, start=1):
        Measure.objects.get_or_create(
            county_code=county_code,
            code=code,
            defaults={"name": name, "kind": kind, "order": order * 10},
        )


@transaction.atomic
def fill_surveys(logins, now: datetime, simulated: int = 50_000) -> None:
    county = instance_county()
    install_defaults(county.code)
    rng = random.Random(61)
    towns = list(Region.objects.filter(parent=county, level=Level.TOWN).order_by("code"))
    villages = list(Region.objects.subtree(county).filter(level=Level.VILLAGE).order_by("code"))
    if not towns or not villages:
        return
    _activities(rng, county, towns, villages, now.date(), min(110, max(12, simulated // 450)))
    _survey(rng, county, towns, villages, logins, now.date(), min(3600, max(60, simulated // 14)))


def _activities(rng, county, towns, villages, today: date, count: int) -> None:
    kinds = {kind.code: kind for kind in ActivityType.objects.filter(county_code=county.code)}
    operators = {u.region_id: u for u in User.objects.filter(role=Role.OPERATOR, region__in=towns)}
    county_operator = User.objects.filter(role=Role.OPERATOR, region=county).first()
    committee = Department.objects.filter(county_code=county.code, code="gaj").first()
    if county_operator is None:
        return
    start = date(today.year, 1, 1)
    span = max(1, (today - start).days)
    by_town = {}
    for village in villages:
        by_town.setdefault(village.parent_id, []).append(village)
    rows = []

    def add(kind, title, held_on, place, organiser, audience, size, summary, partners="", department=None):  # fmt: skip
        town = place if place.level == Level.TOWN else place.parent
        rows.append(
            Activity(
                county_code=county.code, held_on=held_on, kind=kind, title=title, region=place,
                town=town, place=rng.choice(PLACES), organiser=organiser, department=department,
                partners=partners, audience=audience, audience_size=size, summary=summary,
                recorded_by=operators.get(town.pk, county_operator),
            )
        )  # fmt: skip

    # The 起步年 series: each month in a town, more in the first quarter.
    for number in range(max(4, count // 4)):
        town = towns[number % len(towns)]
        held_on = start + timedelta(days=rng.randrange(span))
        add(kinds["anti_fraud"], f"{ANTI_FRAUD_SERIES}·{town.name}专场", held_on, town,
            f"{town.name}综治中心", rng.choice([Audience.VILLAGERS, Audience.ELDERLY, Audience.WORKERS]),
            rng.randrange(80, 600), "发放反诈宣传册，现场讲解典型案例，指导群众安装国家反诈中心App",
            partners="县公安局反诈中心", department=committee)  # fmt: skip
    # The letter contest with the post office: launched in spring, prizes in the autumn.
    for title, day, size in (("启动仪式", date(today.year, 4, 15), 1200), ("颁奖仪式", date(today.year, 9, 28), 400)):  # fmt: skip
        if day <= today:
            add(kinds["ping_an"], f"{LETTER_CONTEST}{title}", day, towns[0], "县委政法委",
                Audience.STUDENTS, size, "以书信形式讲述身边的平安故事，全县中小学生踊跃参与",
                partners="中国邮政集团有限公司城固县分公司")  # fmt: skip
    codes = list(TOPICS)
    while len(rows) < count:
        code = rng.choice(codes)
        village = rng.choice(villages)
        title, audience = TOPICS[code]
        place = village if rng.random() < 0.7 else village.parent
        add(kinds[code], title, start + timedelta(days=rng.randrange(span)), place,
            f"{place.name}网格员队伍", audience, rng.randrange(20, 300),
            "悬挂横幅、发放资料、面对面讲解")  # fmt: skip
    Activity.objects.bulk_create(rows, batch_size=500)


def _survey(rng, county, towns, villages, logins, today: date, count: int) -> None:
    measures = {m.code: m for m in Measure.objects.filter(county_code=county.code)}
    opens_on = today - timedelta(days=75)
    survey = Survey.objects.create(
        county_code=county.code,
        title=SURVEY_TITLE,
        purpose="为了解群众对平安建设的知晓情况和对社会治安、政法队伍的满意程度，请您花一分钟回答"
        "以下问题。问卷不记录姓名、电话等个人信息。",
        opens_on=opens_on,
        closes_on=today + timedelta(days=20),
        scope=county,
        status=SurveyStatus.OPEN,
    )
    choices = {}
    for order, (text, measure, required, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            county_code=county.code, survey=survey, order=order, text=text,
            measure=measures.get(measure), required=required,
        )  # fmt: skip
        choices[question] = Choice.objects.bulk_create(
            Choice(county_code=county.code, question=question, order=number, text=label,
                   positive=positive, counted=counted)
            for number, (label, positive, counted) in enumerate(options, start=1)
        )  # fmt: skip
    households = sum(v.households or 0 for v in Region.objects.grids().subtree(county)) or 130_000
    frames = {
        Mode.DOOR: SamplingFrame.objects.create(
            county_code=county.code, survey=survey, mode=Mode.DOOR,
            description="各村（社区）户籍名册，按户系统抽样", population=households,
            method=Method.SYSTEMATIC, planned=count // 2,
        ),
        Mode.PHONE: SamplingFrame.objects.create(
            county_code=county.code, survey=survey, mode=Mode.PHONE,
            description="全县固定电话和手机号段随机拨号", population=None,
            method=Method.SIMPLE, planned=count // 4,
        ),
        Mode.ONLINE: SamplingFrame.objects.create(
            county_code=county.code, survey=survey, mode=Mode.ONLINE,
            description="宣传活动现场和村（社区）公告栏二维码，自愿填写", population=None,
            method=Method.SELF_SELECTED, planned=None,
        ),
    }  # fmt: skip
    # Each town's own level: awareness and satisfaction in the 90s %, some towns lower.
    level = {town.pk: rng.uniform(-0.04, 0.025) for town in towns}
    workers: dict[int, User] = {}
    for user in User.objects.filter(role=Role.GRID_WORKER, region__parent__in=villages).order_by(
        "pk"
    ):
        workers.setdefault(user.region.parent_id, user)
    demo_worker = logins.get("grid_worker")
    if demo_worker is not None:
        workers[demo_worker.region.parent_id] = demo_worker
    days = max(1, (today - opens_on).days)
    responses, picks = [], []
    for _number in range(count):
        village = rng.choice(villages)
        mode = rng.choices([Mode.DOOR, Mode.PHONE, Mode.ONLINE], [50, 25, 25])[0]
        worker = workers.get(village.pk)
        if mode != Mode.ONLINE and worker is None:
            mode = Mode.ONLINE
        responses.append(
            Response(
                county_code=county.code, survey=survey, mode=mode, town_id=village.parent_id,
                village=village, frame=frames[mode], answered_on=opens_on + timedelta(days=rng.randrange(days + 1)),
                entered_by=None if mode == Mode.ONLINE else worker,
            )
        )  # fmt: skip
        shift = level[village.parent_id] - (0.02 if mode == Mode.ONLINE else 0)
        picks.append(
            [_pick(rng, question, options, shift) for question, options in choices.items()]
        )
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = [
        Answer(county_code=county.code, response=response, question=question, choice=choice)
        for response, chosen in zip(responses, picks, strict=True)
        for question, choice in chosen
        if choice is not None
    ]
    Answer.objects.bulk_create(answers, batch_size=2000)


POSITIVE = {"ping_an_awareness": 0.96, "sense_of_security": 0.965, "public_order_satisfaction": 0.955, "legal_team_satisfaction": 0.95}  # fmt: skip


def _pick(rng, question, options, shift):
    """One respondent's answer: positive at the measure's level for the town, a few 不清楚."""
    if question.measure is None:
        return (question, rng.choice(options)) if rng.random() < 0.8 else (question, None)
    uncounted = [choice for choice in options if not choice.counted]
    if uncounted and rng.random() < 0.03:
        return question, uncounted[0]
    positive = [choice for choice in options if choice.positive]
    negative = [choice for choice in options if choice.counted and not choice.positive]
    if rng.random() < POSITIVE[question.measure.code] + shift:
        return question, rng.choices(positive, [60, 40][: len(positive)])[0]
    return question, rng.choice(negative)
