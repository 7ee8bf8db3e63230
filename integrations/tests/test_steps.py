"""A step sent from a phone that may lose the answer, or that queued it without signal: taken at
most once per idempotency key, and refused plainly when the case moved on meanwhile."""

import pytest

from cases.models import Status
from cases.services import take_action
from conftest import handled_case
from integrations.models import StepReceipt
from integrations.services import StepConflict, issue_credential, take_step


@pytest.fixture
def fed_back(people, rubbish_questions):
    return handled_case(people)


def test_a_retried_step_is_taken_once_and_answers_the_case(people, fed_back):
    credential, _token = issue_credential("网格通", user=people["grid_worker"])
    sent = {"note": "现场已清理干净"}

    case, taken = take_step(credential, fed_back, "verify", sent, idempotency_key="k-1")
    again, taken_again = take_step(credential, fed_back, "verify", sent, idempotency_key="k-1")

    assert (taken, taken_again) == (True, False)
    assert again.pk == case.pk and again.status == Status.VERIFIED
    assert case.timeline.filter(action="verify").count() == 1
    assert StepReceipt.objects.get().action == "verify"


def test_a_step_on_a_case_that_moved_on_is_refused_saying_what_it_is_now(people, fed_back):
    credential, _token = issue_credential("网格通", user=people["grid_worker"])
    take_action(fed_back, people["grid_worker"], "rework", {"note": "还没清理完"})

    with pytest.raises(StepConflict) as refused:
        take_step(
            credential,
            fed_back,
            "verify",
            {"note": "现场已清理干净"},
            idempotency_key="k-2",
            expected_status=Status.FED_BACK,
        )

    assert str(refused.value) == "未执行：案件现在是“处置中”，已不是您看到时的“待核查”。"
    assert not StepReceipt.objects.exists()
    assert fed_back.timeline.filter(action="verify").count() == 0
