"""The state machine: every transition allowed to exactly the role and level that may take it."""

import pytest
from django.utils import timezone, translation

from cases.errors import InputError
from cases.models import Case, Status
from cases.services import CaseError, report_case, take_action
from cases.workflow import TRANSITIONS, available_transitions, can_take, find_transition
from conftest import IN_FIRST_GRID

LEVELS = ["village", "town", "county"]
OPERATOR_AT = {"village": "village_operator", "town": "town_operator", "county": "county_operator"}
OPERATOR_ABOVE = {
    "village": "town_operator",
    "town": "county_operator",
    "county": "county_operator",
}

# Written out by hand, apart from workflow.py, so that a change there must be deliberate here too.
WHO_MAY = {
    "accept": OPERATOR_AT,
    "reject": OPERATOR_AT,
    "escalate": {"village": "village_operator", "town": "town_operator", "county": None},
    "dispatch": OPERATOR_AT,
    "start": dict.fromkeys(LEVELS, "urban_handler"),
    "return": dict.fromkeys(LEVELS, "urban_handler"),
    "feed_back": dict.fromkeys(LEVELS, "urban_handler"),
    "request_extension": dict.fromkeys(LEVELS, "urban_handler"),
    "approve_extension": OPERATOR_ABOVE,
    "refuse_extension": OPERATOR_ABOVE,
    "suspend": OPERATOR_AT,
    "resume": OPERATOR_AT,
    "verify": dict.fromkeys(LEVELS, "grid_worker"),
    "rework": dict.fromkeys(LEVELS, "grid_worker"),
    "close": OPERATOR_AT,
    "evaluate": OPERATOR_AT,
    "merge": OPERATOR_AT,
    "reclassify": OPERATOR_AT,
}
EXTRA = {
    "dispatch": {},
    "request_extension": {"extension_hours": 7},
    "evaluate": {"rating": 4},
    "reclassify": {"category": "G0101"},
}


def extra_inputs(action: str, case: Case) -> dict:
    """What the step takes beyond its note; a merge, the number of the case it duplicates."""
    if action == "merge":
        other = report_case(
            reporter=None, category=case.category, description="垃圾", lon=case.lon, lat=case.lat
        )
        return {"into": other.code}
    return EXTRA.get(action, {})


@pytest.fixture
def case(people, categories):
    """A rubbish case in the west town's first grid, already with the urban department."""
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="垃圾",
        lon=lon,
        lat=lat,
    )


def put(case: Case, status: str, level: str) -> Case:
    """Set up a case in a given state (test setup only: real cases move through take_action)."""
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        status=status,
        level=level,
        handle_deadline=now,
        dispatched_at=now,
        requested_extension_hours=7,
    )
    case.refresh_from_db()
    return case


def test_the_expected_table_covers_every_transition():
    assert set(WHO_MAY) == {transition.action for transition in TRANSITIONS}


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda transition: transition.action)
def test_each_transition_is_open_to_exactly_one_role_and_level(transition, case, people):
    for level in LEVELS:
        for status in Status.values:
            put(case, status, level)
            allowed = WHO_MAY[transition.action][level] if status in transition.sources else None
            for name, person in people.items():
                assert can_take(person, case, transition) == (name == allowed), (
                    transition.action,
                    level,
                    status,
                    name,
                )


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda transition: transition.action)
@pytest.mark.parametrize("level", LEVELS)
def test_taking_a_transition_moves_the_case_and_writes_the_timeline(
    transition, level, case, people
):
    actor = WHO_MAY[transition.action][level]
    if actor is None:
        pytest.skip("nobody takes this at this level")
    source = transition.sources[0]
    put(case, source, level)
    inputs = {"note": "说明", **extra_inputs(transition.action, case)}
    for name, person in people.items():
        if name == actor:
            continue
        with pytest.raises(CaseError):
            take_action(case, person, transition.action, inputs)
    assert case.timeline.count() == 1

    moved = take_action(case, people[actor], transition.action, inputs)

    assert moved.status == (transition.target or source)
    last = moved.timeline.last()
    assert (last.action, last.from_status, last.to_status, last.actor) == (
        transition.action,
        source,
        moved.status,
        people[actor],
    )


def test_a_leader_reads_but_may_take_no_action(case, people):
    for status in Status.values:
        put(case, status, "town")
        assert available_transitions(people["leader"], case) == []


@pytest.mark.parametrize(
    "action", [transition.action for transition in TRANSITIONS if transition.note_required]
)
def test_actions_that_need_a_reason_are_refused_without_one(action, case, people):
    transition = next(transition for transition in TRANSITIONS if transition.action == action)
    put(case, transition.sources[0], "town")
    with translation.override("en"), pytest.raises(CaseError, match="reason"):
        take_action(
            case, people[WHO_MAY[action]["town"]], action, {"note": "  ", **EXTRA.get(action, {})}
        )
    case.refresh_from_db()
    assert case.status == transition.sources[0]


def test_escalation_moves_the_case_up_one_level_at_a_time(case, people):
    put(case, Status.REPORTED, "village")
    case = take_action(case, people["village_operator"], "escalate", {"note": "超出村级权限"})
    assert case.level == "town"
    case = take_action(case, people["town_operator"], "escalate", {"note": "需县级协调"})
    assert case.level == "county"
    assert not can_take(
        people["county_operator"], case, next(t for t in TRANSITIONS if t.action == "escalate")
    )


def test_dispatch_refuses_a_department_that_does_not_serve_the_place(case, people, departments):
    case = take_action(case, people["town_operator"], "accept")
    with translation.override("en"), pytest.raises(CaseError, match="does not serve"):
        take_action(
            case, people["town_operator"], "dispatch", {"department": departments["justice_east"]}
        )
    case = take_action(
        case, people["town_operator"], "dispatch", {"department": departments["justice_west"]}
    )
    assert case.department == departments["justice_west"]
    assert case.handle_deadline is not None


def test_returning_a_case_clears_the_department_for_the_dispatcher(case, people):
    case = take_action(case, people["town_operator"], "accept")
    case = take_action(case, people["town_operator"], "dispatch")
    case = take_action(case, people["urban_handler"], "return", {"note": "不属于本部门"})
    assert (case.status, case.department, case.handle_deadline) == (Status.ACCEPTED, None, None)
    assert case.assignee is None


def test_an_approved_extension_moves_the_deadline_by_the_working_hours_asked(case, people):
    case = take_action(case, people["town_operator"], "accept")
    case = take_action(case, people["town_operator"], "dispatch")
    case = take_action(case, people["urban_handler"], "start")
    before = case.handle_deadline
    with translation.override("en"), pytest.raises(CaseError, match="extension"):
        take_action(
            case,
            people["urban_handler"],
            "request_extension",
            {"note": "需采购配件", "extension_hours": 0},
        )
    case = take_action(
        case,
        people["urban_handler"],
        "request_extension",
        {"note": "需采购配件", "extension_hours": 14},
    )
    case = take_action(case, people["county_operator"], "approve_extension")
    assert case.status == Status.HANDLING
    assert case.handle_deadline > before


def test_rework_counts_and_returns_the_case_to_the_handler(case, people):
    put(case, Status.FED_BACK, "town")
    case = take_action(case, people["grid_worker"], "rework", {"note": "现场仍有垃圾"})
    assert (case.status, case.rework_count) == (Status.HANDLING, 1)


def test_evaluation_needs_a_rating_from_one_to_five(case, people):
    put(case, Status.CLOSED, "town")
    for rating in (None, 0, 6):
        with pytest.raises(CaseError):
            take_action(case, people["town_operator"], "evaluate", {"rating": rating})
    assert take_action(case, people["town_operator"], "evaluate", {"rating": 1}).rating == 1


def test_an_unknown_action_is_an_error(case, people):
    with translation.override("en"), pytest.raises(CaseError, match="Unknown"):
        take_action(case, people["town_operator"], "teleport")


def test_roles_that_only_read_cannot_report(people, categories):
    lon, lat = IN_FIRST_GRID
    for name in ("leader", "urban_handler"):
        with pytest.raises(CaseError):
            report_case(
                reporter=people[name],
                category=categories["rubbish"],
                description="x",
                lon=lon,
                lat=lat,
            )


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda transition: transition.action)
def test_each_steps_example_inputs_pass_its_own_checks(transition, case):
    """The demo's simulated year feeds these examples to the effects unchecked, for speed."""
    import random

    put(case, transition.sources[0], "town")
    extra_inputs(transition.action, case)  # a case to merge into, for a merge
    inputs = transition.example_inputs(case, random.Random(1))
    assert transition.clean_inputs(case, inputs).keys() == inputs.keys()


def test_a_case_whose_category_changes_keeps_its_number_and_is_routed_afresh(
    case, people, categories, departments
):
    """改类: a rubbish case (城管, town level) found to be a neighbours' dispute goes, with its
    number, to the town's justice office at village level, to be accepted there anew."""
    take_action(case, people["town_operator"], "accept")
    moved = take_action(
        case,
        people["town_operator"],
        "reclassify",
        {"category": "G0101", "note": "实为邻里纠纷"},
    )
    moved.refresh_from_db()
    assert moved.code == case.code
    assert moved.category == categories["neighbours"]
    assert (moved.status, moved.level) == (Status.REPORTED, "village")
    assert moved.department == departments["justice_west"]
    assert moved.accepted_at is None and moved.accept_deadline > case.reported_at
    assert can_take(people["village_operator"], moved, find_transition("accept"))
    assert not can_take(people["town_operator"], moved, find_transition("accept"))
    assert moved.timeline.filter(action="reclassify", note="实为邻里纠纷").exists()


def test_a_category_change_refuses_the_same_or_an_unknown_category(case, people):
    for code in ("E0101", "E01", "X9999"):
        with pytest.raises(InputError) as refused:
            take_action(
                case, people["town_operator"], "reclassify", {"category": code, "note": "改"}
            )
        assert refused.value.errors == {"category": ["请另选一个具体的、启用的类别。"]}
    case.refresh_from_db()
    assert case.category.code == "E0101"
