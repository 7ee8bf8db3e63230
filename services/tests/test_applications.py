"""A service application through the window's own steps, and the hand-over between the two
centres keeping one case number."""

from datetime import timedelta

import pytest

from cases.errors import CaseError, InputError
from cases.models import Case, Status
from cases.services import report_case, take_action
from cases.workflow import available_transitions
from cases.worktime import deadline_after
from conftest import IN_FIRST_GRID
from services.models import ServiceApplication

from .conftest import MORNING

APPLICANT = {"applicant_name": "刘桂兰", "applicant_phone": "13800004444"}


def apply_as_agent(people, code="F0201", when=MORNING, **details):
    lon, lat = IN_FIRST_GRID
    from cases.models import Category

    return report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code=code),
        description="老人年满82周岁，由网格员代办高龄津贴申领",
        lon=lon,
        lat=lat,
        details={**APPLICANT, "documents_brought": "身份证", **details},
        now=when,
    )


def actions(user, case) -> set[str]:
    return {transition.action for transition in available_transitions(user, case)}


def test_an_application_goes_from_missing_documents_through_acceptance_to_completion(
    service_categories, people, clerk, windows
):
    case = apply_as_agent(people)
    assert (case.case_kind, case.level, case.department) == (
        "service",
        "town",
        windows["610722001"],
    )
    # The window takes it, not the governance centre; no one verifies it on site.
    assert actions(people["town_operator"], case) == set()
    assert actions(clerk, case) == {"receive", "request_documents", "decline", "hand_back"}

    at = MORNING + timedelta(hours=1)
    case = take_action(case, clerk, "request_documents", {"missing": "户口簿"}, now=at)
    assert case.status == Status.SUSPENDED
    assert ServiceApplication.objects.get(case=case).missing_documents == "户口簿"
    assert actions(clerk, case) == {"documents_supplied", "decline", "hand_back"}

    case = take_action(case, clerk, "documents_supplied", now=at + timedelta(days=1))
    case = take_action(case, clerk, "receive", now=at + timedelta(days=1, hours=1))
    assert case.status == Status.HANDLING and case.assignee == clerk
    # 高龄津贴: 10 working days from acceptance, not from the first visit.
    assert case.handle_deadline == deadline_after(case.accepted_at, 10, "days")
    assert case.handle_deadline.date().isoformat() == "2026-11-17"
    assert ServiceApplication.objects.get(case=case).missing_documents == ""
    assert "feed_back" not in actions(clerk, case)

    done_at = at + timedelta(days=3)
    case = take_action(case, clerk, "complete", {"note": "已发放至社保卡"}, now=done_at)
    assert case.status == Status.CLOSED
    assert case.fed_back_at == case.closed_at == done_at
    assert ServiceApplication.objects.get(case=case).result == "已发放至社保卡"
    steps = list(case.timeline.order_by("at", "pk").values_list("action", flat=True))
    assert steps == ["report", "request_documents", "documents_supplied", "receive", "complete"]


def test_completing_needs_the_result_and_declining_a_reason(service_categories, people, clerk):
    case = apply_as_agent(people)
    with pytest.raises(InputError):
        take_action(case, clerk, "decline", {"note": ""})
    take_action(case, clerk, "receive")
    with pytest.raises(InputError):
        take_action(case, clerk, "complete", {"note": ""})
    assert Case.objects.get(pk=case.pk).status == Status.HANDLING


def test_another_towns_window_cannot_take_the_application(service_categories, people, windows):
    from conftest import make_user
    from staff.models import Role

    east = make_user("east_window", Role.HANDLER, department=windows["610722002"])
    case = apply_as_agent(people)
    assert actions(east, case) == set()
    with pytest.raises(CaseError):
        take_action(case, east, "receive")


def test_a_grid_worker_cannot_apply_as_agent_for_an_item_that_needs_the_applicant(
    service_categories, people
):
    with pytest.raises(CaseError) as refused:
        apply_as_agent(people, code="F0302")  # 残疾人证新办: in person, at the county
    assert "不能由他人代办" in str(refused.value)
    assert not Case.objects.exists()


def test_a_service_request_goes_to_the_window_and_a_problem_comes_back_with_one_number(
    service_categories, people, clerk, windows, departments
):
    lon, lat = IN_FIRST_GRID
    from cases.models import Category

    asked = report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code="G0501"),
        description="村民咨询能否申请低保，希望帮助办理",
        lon=lon,
        lat=lat,
        now=MORNING,
    )
    code = asked.code
    moved = take_action(
        asked,
        people["town_operator"],
        "reclassify",
        {"category": "F0101", "note": "属便民服务事项"},
        now=MORNING + timedelta(hours=1),
    )
    assert (moved.code, moved.case_kind, moved.status) == (code, "service", Status.REPORTED)
    assert moved.department == windows["610722001"]
    assert "receive" in actions(clerk, moved)

    back = take_action(
        moved,
        clerk,
        "hand_back",
        {"category": "G0101", "note": "系邻里纠纷"},
        now=MORNING + timedelta(hours=2),
    )
    assert (back.code, back.case_kind, back.status) == (code, "", Status.REPORTED)
    assert (back.level, back.department) == ("village", departments["justice_west"])
    assert "accept" in actions(people["village_operator"], back)
    steps = list(back.timeline.order_by("at", "pk").values_list("action", flat=True))
    assert steps == ["report", "reclassify", "hand_back"]
    # The window hands back only to a governance category, not to another service item.
    again = take_action(
        back, people["village_operator"], "reclassify", {"category": "F0101", "note": "再转"}
    )
    with pytest.raises(InputError):
        take_action(again, clerk, "hand_back", {"category": "F0103", "note": "x"})


def test_the_applicants_name_and_phone_are_masked_and_blanked_with_the_case(
    service_categories, people
):
    from cases.signals import cases_anonymised

    case = apply_as_agent(people)
    cases_anonymised.send(sender=Case, case_ids=[case.pk])
    detail = ServiceApplication.objects.get(case=case)
    assert (detail.applicant_name, detail.applicant_phone) == ("", "")


def test_two_peoples_applications_are_never_offered_as_duplicates(service_categories, people):
    from cases.duplicates import likely_duplicates, open_cases_nearby

    first = apply_as_agent(people)
    second = apply_as_agent(people, when=MORNING + timedelta(minutes=5))
    assert likely_duplicates(second, Case.objects.all()) == []
    assert open_cases_nearby(first.category, first.lon, first.lat, now=MORNING) == []
