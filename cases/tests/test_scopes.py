"""Each role's reach is written once: the query and the check of one case must agree.

Checked over the demo's own simulated cases (every status, level and side branch), for every
named role, against the queue (main-line steps) and the list of what a user may open.
"""

from datetime import datetime

import pytest

from cases.demo import generate_demo_cases
from cases.models import Case
from cases.selectors import cases_awaiting, cases_visible_to, may_see
from cases.workflow import can_take, transitions_for
from cases.worktime import LOCAL

# A fixed "now" (a Tuesday afternoon), so the simulated cases stand in the same states every run.
NOW = datetime(2026, 11, 24, 15, 30, tzinfo=LOCAL)


@pytest.fixture
def demo_cases(people):
    generate_demo_cases(400, seed=7, days=20, now=NOW)
    return list(Case.objects.select_related("grid", "town", "village"))


def test_the_demo_cases_cover_every_open_status_and_level(demo_cases):
    statuses = {case.status for case in demo_cases}
    assert {"reported", "accepted", "dispatched", "handling", "fed_back", "closed"} <= statuses
    assert {case.level for case in demo_cases} >= {"town", "village"}


def test_what_a_user_may_open_agrees_with_the_check_of_one_case(demo_cases, people):
    for name, user in people.items():
        listed = set(cases_visible_to(user).values_list("pk", flat=True))
        checked = {case.pk for case in demo_cases if may_see(user, case)}
        assert listed == checked, name


def test_each_queue_holds_exactly_the_cases_with_a_main_line_step_of_it_for_the_user(
    demo_cases, people
):
    for name, user in people.items():
        for queue in ("awaiting", "suspended", "to_evaluate"):
            queued = set(cases_awaiting(user, queue).values_list("pk", flat=True))
            expected = {
                case.pk
                for case in demo_cases
                if any(
                    can_take(user, case, transition)
                    for transition in transitions_for(case.case_kind)
                    if not transition.side_branch and transition.queue == queue
                )
            }
            assert queued == expected, (name, queue)
            assert queued <= set(cases_visible_to(user).values_list("pk", flat=True)), name


def test_work_to_do_now_holds_no_suspended_or_closed_case(demo_cases, people):
    for name, user in people.items():
        statuses = set(cases_awaiting(user).values_list("status", flat=True))
        assert not statuses & {"suspended", "closed", "evaluated", "rejected"}, name


def test_a_deactivated_user_reaches_nothing(demo_cases, people):
    operator = people["county_operator"]
    operator.is_active = False
    assert not cases_visible_to(operator).exists()
    assert not cases_awaiting(operator).exists()
    assert not any(may_see(operator, case) for case in demo_cases)
