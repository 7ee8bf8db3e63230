"""A small survey over the test county: one awareness question (知道 / 不知道 / 不清楚, the last
left out of the denominator), one satisfaction question, one unmeasured optional question, and a
frame for each mode."""

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys.models import (
    Choice,
    Measure,
    Method,
    Mode,
    Question,
    SamplingFrame,
    Survey,
    SurveyStatus,
)


def add_question(survey, order, text, measure, options, required=True):
    question = Question.objects.create(
        survey=survey, order=order, text=text, measure=measure, required=required
    )
    choices = {}
    for number, (label, positive, counted) in enumerate(options, start=1):
        choices[label] = Choice.objects.create(
            question=question, order=number, text=label, positive=positive, counted=counted
        )
    return question, choices


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Photos written by a test go to its own folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def survey(county):
    today = timezone.localdate()
    found = Survey.objects.create(
        title="平安建设知晓率调查",
        purpose="了解群众对平安建设的知晓情况",
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=30),
        scope=county,
        status=SurveyStatus.OPEN,
    )
    aware = Measure.objects.get(code="ping_an_awareness")
    satisfied = Measure.objects.get(code="public_order_satisfaction")
    found.aware_q, found.aware = add_question(
        found, 1, "您是否知道平安建设？", aware,
        [("知道", True, True), ("不知道", False, True), ("不清楚", False, False)],
    )  # fmt: skip
    found.satisfied_q, found.satisfied = add_question(
        found, 2, "您对社会治安满意吗？", satisfied,
        [("满意", True, True), ("比较满意", True, True), ("不满意", False, True)],
    )  # fmt: skip
    found.channel_q, found.channel = add_question(
        found, 3, "您从哪里了解到？", None, [("网格员", False, True), ("电视", False, True)],
        required=False,
    )  # fmt: skip
    found.frames_by_mode = {
        Mode.DOOR: SamplingFrame.objects.create(
            survey=found, mode=Mode.DOOR, description="各村户籍名册随机抽样", population=4000,
            method=Method.SYSTEMATIC, planned=200,
        ),
        Mode.PHONE: SamplingFrame.objects.create(
            survey=found, mode=Mode.PHONE, description="随机拨号", method=Method.SIMPLE, planned=100
        ),
        Mode.ONLINE: SamplingFrame.objects.create(
            survey=found, mode=Mode.ONLINE, description="二维码自愿填写", method=Method.SELF_SELECTED
        ),
    }  # fmt: skip
    return found


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def this_year(today):
    from command.periods import parse_period

    return parse_period(str(today.year))
