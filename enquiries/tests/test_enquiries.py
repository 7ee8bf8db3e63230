"""What is not a case: answered by the centre where it lands, never accepted, dispatched or
verified; turned into a case by 改类 when it is a problem after all."""

from pathlib import Path

import pytest

from cases.errors import InputError
from cases.models import Category, Source, Status
from cases.services import report_case, take_action
from cases.workflow import available_transitions
from conftest import IN_FIRST_GRID

ROOT = Path(__file__).resolve().parents[2]


def asked(people, text="来电人咨询城乡居民医保今年的缴费截止时间"):
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=None,
        category=Category.objects.get(code="N0101"),
        description=text,
        lon=lon,
        lat=lat,
        source=Source.HOTLINE,
    )


def test_a_question_is_answered_by_the_town_centre_and_never_dispatched(shipped, people):
    case = asked(people)
    assert (case.case_kind, case.level, case.department) == ("enquiry", "town", None)
    operator = people["town_operator"]
    steps = {transition.action for transition in available_transitions(operator, case)}
    assert steps == {"answer", "reject", "reclassify"}
    with pytest.raises(InputError) as refused:
        take_action(case, operator, "answer", {})
    assert refused.value.errors["public_note"] == ["请填写给提问人的答复。"]

    case = take_action(case, operator, "answer", {"public_note": "缴费截止时间以当年公告为准"})
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert case.dispatched_at is None and case.department is None
    entry = case.timeline.order_by("-pk").first()
    assert (entry.action, entry.public_note) == ("answer", "缴费截止时间以当年公告为准")
    assert available_transitions(operator, case) == []


def test_another_towns_operator_and_a_grid_worker_cannot_answer(shipped, people):
    case = asked(people)
    for name in ("grid_worker", "county_operator"):
        assert available_transitions(people[name], case) == [], name


def test_an_invalid_call_is_not_accepted_with_its_reason(shipped, people):
    case = asked(people, "来电无声，多次询问无应答")
    case = take_action(case, people["town_operator"], "reject", {"note": "无效来电"})
    assert case.status == Status.REJECTED


def test_a_question_that_is_a_problem_becomes_a_case_and_keeps_its_number(shipped, people):
    case = asked(people, "来电人咨询路灯坏了找谁修，小区门口路灯三天不亮")
    code = case.code
    case = take_action(
        case, people["town_operator"], "reclassify", {"category": "C0103", "note": "实为路灯故障"}
    )
    assert (case.code, case.case_kind, case.category.code) == (code, "street", "C0103")
    assert case.status == Status.REPORTED and case.department.code == "cgj"
    operator = people["county_operator" if case.level == "county" else "town_operator"]
    assert "accept" in {t.action for t in available_transitions(operator, case)}
