"""Who may take a mediation step and when, and the rules a dispute closes by."""

from datetime import date

import pytest

from cases.errors import CaseError, InputError
from cases.models import Priority, Status
from cases.services import take_action
from disputes.models import DisputeParty, Outcome, Performance
from territory.models import Level

from .conftest import MORNING, agree, file_dispute, session, to_mediation, visit

pytestmark = pytest.mark.django_db


def test_intake_keeps_the_details_and_both_parties(people, dispute_categories):
    case = file_dispute(people, dispute_categories, amount_involved="1200.50")
    assert case.case_kind == "dispute"
    assert (case.dispute.people_involved, str(case.dispute.amount_involved)) == (4, "1200.50")
    parties = list(DisputeParty.objects.filter(case=case).values_list("side", "name", "phone"))
    assert parties == [
        ("applicant", "王建国", "13800001111"),
        ("respondent", "李德胜", "13900002222"),
    ]
    assert case.level == Level.VILLAGE and case.priority == Priority.NORMAL


def test_intake_without_the_parties_says_what_is_missing(people, dispute_categories):
    with pytest.raises(InputError) as refused:
        file_dispute(people, dispute_categories, respondent_name="")
    assert "respondent_name" in refused.value.errors


def test_a_high_risk_dispute_goes_to_the_town_centre_at_once(people, dispute_categories):
    case = file_dispute(people, dispute_categories, risk="high")
    assert (case.level, case.priority) == (Level.TOWN, Priority.URGENT)
    with pytest.raises(CaseError):  # no longer the village centre's to accept
        take_action(case, people["village_operator"], "accept")
    take_action(case, people["town_operator"], "accept")


def test_a_dispute_found_riskier_later_goes_up_to_the_town(people, dispute_categories):
    case = to_mediation(file_dispute(people, dispute_categories), people)
    inputs = {"risk": "high", "note": "一方扬言报复"}
    case = take_action(case, people["justice_handler"], "reassess_risk", inputs)
    case.refresh_from_db()
    assert (case.level, case.priority, case.dispute.risk) == (Level.TOWN, Priority.URGENT, "high")


def test_only_the_mediation_body_it_was_dispatched_to_mediates(people, dispute_categories):
    case = to_mediation(file_dispute(people, dispute_categories), people)
    for other in ("urban_handler", "village_operator", "grid_worker"):
        with pytest.raises(CaseError):
            take_action(case, people[other], "inform_rights")
    take_action(case, people["justice_handler"], "inform_rights")
    case.dispute.refresh_from_db()
    assert case.dispute.mediator == people["justice_handler"]


def test_rights_first_then_a_session_then_one_outcome(people, dispute_categories):
    case = to_mediation(file_dispute(people, dispute_categories), people)
    minutes = {"held_on": "2026-11-02", "place": "调解室", "note": "笔录"}
    with pytest.raises(CaseError, match="先告知当事人权利义务"):
        take_action(case, people["justice_handler"], "hold_session", minutes)
    with pytest.raises(CaseError, match="至少记录一次调解"):
        agree(case, people)
    case = session(case, people)
    with pytest.raises(CaseError, match="已告知过"):
        take_action(case, people["justice_handler"], "inform_rights")
    case = agree(case, people)
    with pytest.raises(CaseError, match="调解结果已记录"):
        take_action(case, people["justice_handler"], "record_oral_agreement", {"terms": "口头"})
    assert case.dispute.outcome == Outcome.WRITTEN


def test_a_session_needs_its_minutes_and_an_agreement_its_terms(people, dispute_categories):
    case = to_mediation(file_dispute(people, dispute_categories), people)
    take_action(case, people["justice_handler"], "inform_rights")
    with pytest.raises(InputError) as refused:
        take_action(case, people["justice_handler"], "hold_session", {"held_on": "2026-11-02"})
    assert {"note", "place"} <= set(refused.value.errors)
    minutes = {"held_on": "2026-11-02", "place": "调解室", "note": "笔录"}
    case = take_action(case, people["justice_handler"], "hold_session", minutes)
    with pytest.raises(InputError) as refused:
        agree(case, people, terms="  ")
    assert "terms" in refused.value.errors
    with pytest.raises(InputError) as refused:
        agree(case, people, perform_by="2026-13-40")
    assert "perform_by" in refused.value.errors


def test_no_feedback_without_an_outcome(people, dispute_categories):
    case = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    with pytest.raises(CaseError, match="请先记录调解结果"):
        take_action(case, people["justice_handler"], "feed_back", {"note": "done"})


def close(case, people):
    case = take_action(case, people["justice_handler"], "feed_back", {"note": "调解结束"})
    case = take_action(case, people["grid_worker"], "verify", {"note": "已核实"})
    return take_action(case, people["village_operator"], "close", {"note": "结案归档"})


def test_an_agreed_dispute_closes_only_after_a_follow_up_visit(people, dispute_categories):
    case = agree(session(to_mediation(file_dispute(people, dispute_categories), people), people), people)  # fmt: skip
    case = take_action(case, people["justice_handler"], "feed_back", {"note": "调解结束"})
    case = take_action(case, people["grid_worker"], "verify", {"note": "已核实"})
    closing = {"note": "结案归档"}
    with pytest.raises(CaseError, match="须经回访"):
        take_action(case, people["village_operator"], "close", closing)
    case = visit(case, people, "visit_pending")
    case.dispute.refresh_from_db()
    assert case.dispute.performance == Performance.PENDING
    case = visit(case, people)
    case = take_action(case, people["village_operator"], "close", closing)
    assert case.status == Status.CLOSED
    case.dispute.refresh_from_db()
    assert case.dispute.performance == Performance.PERFORMED


def test_a_failed_mediation_closes_with_its_referral_and_no_visit(people, dispute_categories):
    case = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    with pytest.raises(InputError):  # why it failed is required
        take_action(case, people["justice_handler"], "record_failure", {"referral": "court"})
    inputs = {"referral": "court", "note": "分歧较大，告知诉讼"}
    case = take_action(case, people["justice_handler"], "record_failure", inputs)
    with pytest.raises(CaseError, match="请先记录调解协议"):
        visit(case, people)
    assert close(case, people).status == Status.CLOSED


def test_judicial_confirmation_is_applied_for_within_thirty_days(people, dispute_categories):
    case = agree(session(to_mediation(file_dispute(people, dispute_categories), people), people), people)  # fmt: skip
    assert case.dispute.confirmation_deadline() == date(2026, 12, 2)
    late = {"applied_on": "2026-12-03", "court": "城固县人民法院"}
    with pytest.raises(CaseError, match="30日内"):
        take_action(case, people["justice_handler"], "apply_confirmation", late)
    early = {"applied_on": "2026-10-30", "court": "城固县人民法院"}
    with pytest.raises(CaseError, match="不能早于"):
        take_action(case, people["justice_handler"], "apply_confirmation", early)
    in_time = {"applied_on": "2026-11-10", "court": "城固县人民法院"}
    take_action(case, people["justice_handler"], "apply_confirmation", in_time)
    case.dispute.refresh_from_db()
    assert case.dispute.confirmation_applied_on == date(2026, 11, 10)


def test_an_oral_agreement_is_not_confirmed_by_a_court(people, dispute_categories):
    case = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    inputs = {"terms": "当场赔礼道歉"}
    case = take_action(case, people["justice_handler"], "record_oral_agreement", inputs)
    assert case.dispute.confirmation_deadline() is None
    with pytest.raises(CaseError, match="书面调解协议"):
        take_action(
            case,
            people["justice_handler"],
            "apply_confirmation",
            {"applied_on": "2026-11-03", "court": "法院"},
        )


def test_a_dispute_filed_before_the_kind_gets_its_record_on_its_first_step(
    people, dispute_categories
):
    case = file_dispute(people, dispute_categories)
    case.dispute.delete()  # as a dispute from before this app had none
    case = to_mediation(case, people)
    take_action(case, people["justice_handler"], "inform_rights", now=MORNING)
    case.refresh_from_db()
    assert case.dispute.rights_informed_at == MORNING
