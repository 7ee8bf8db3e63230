"""The case loop as data: every transition, from which states, to which, and who may take it.

GB/T 30428: 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, with 不予立案, 上报, 回退, 延期, 挂账
and 返工 beside the main line. Nothing else in the code decides who may move a case.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from staff.models import Role
from territory.models import Level, level_above

from .models import Status


class Scope(StrEnum):
    """How the actor must stand to the case."""

    CASE_LEVEL = "case_level"  # operator of the centre at the case's level, over the case's place
    LEVEL_ABOVE = "level_above"  # operator of the centre one level above (the county for itself)
    CASE_GRID = "case_grid"  # grid worker of the case's grid
    CASE_DEPARTMENT = "case_department"  # handler in the department the case is dispatched to


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: tuple[Status, ...]
    target: Status | None  # None: the status stays (上报 moves the level instead)
    role: Role
    scope: Scope
    note_required: bool = False
    case_levels: tuple[str, ...] | None = None  # only for cases at these levels
    # A side branch (上报, 回退, 挂账 …) can be taken but does not by itself put a case in a queue.
    side_branch: bool = False


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "accept", _("Accept (立案)"), (S.REPORTED,), S.ACCEPTED, Role.OPERATOR, Scope.CASE_LEVEL
    ),
    Transition(
        "reject",
        _("Do not accept (不予立案)"),
        (S.REPORTED,),
        S.REJECTED,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "escalate",
        _("Escalate to the level above (上报)"),
        (S.REPORTED, S.ACCEPTED),
        None,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
        note_required=True,
        case_levels=(Level.VILLAGE, Level.TOWN),
        side_branch=True,
    ),
    Transition(
        "dispatch",
        _("Dispatch (派遣)"),
        (S.ACCEPTED,),
        S.DISPATCHED,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
    ),
    Transition(
        "start",
        _("Start handling"),
        (S.DISPATCHED,),
        S.HANDLING,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
    ),
    Transition(
        "return",
        _("Return to dispatcher (回退)"),
        (S.DISPATCHED, S.HANDLING),
        S.ACCEPTED,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "feed_back",
        _("Report the result (处置反馈)"),
        (S.HANDLING,),
        S.FED_BACK,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        note_required=True,
    ),
    Transition(
        "request_extension",
        _("Request an extension (延期)"),
        (S.HANDLING,),
        S.EXTENSION_REQUESTED,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "approve_extension",
        _("Approve the extension"),
        (S.EXTENSION_REQUESTED,),
        S.HANDLING,
        Role.OPERATOR,
        Scope.LEVEL_ABOVE,
    ),
    Transition(
        "refuse_extension",
        _("Refuse the extension"),
        (S.EXTENSION_REQUESTED,),
        S.HANDLING,
        Role.OPERATOR,
        Scope.LEVEL_ABOVE,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "suspend",
        _("Suspend (挂账)"),
        (S.DISPATCHED, S.HANDLING),
        S.SUSPENDED,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "resume",
        _("Resume handling"),
        (S.SUSPENDED,),
        S.DISPATCHED,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
    ),
    Transition(
        "verify",
        _("Verified on site (核查通过)"),
        (S.FED_BACK,),
        S.VERIFIED,
        Role.GRID_WORKER,
        Scope.CASE_GRID,
    ),
    Transition(
        "rework",
        _("Send back for rework (返工)"),
        (S.FED_BACK,),
        S.HANDLING,
        Role.GRID_WORKER,
        Scope.CASE_GRID,
        note_required=True,
        side_branch=True,
    ),
    Transition(
        "close", _("Close (结案)"), (S.VERIFIED,), S.CLOSED, Role.OPERATOR, Scope.CASE_LEVEL
    ),
    Transition(
        "evaluate", _("Evaluate (评价)"), (S.CLOSED,), S.EVALUATED, Role.OPERATOR, Scope.CASE_LEVEL
    ),
)
BY_ACTION = {transition.action: transition for transition in TRANSITIONS}

# Steps the system itself records on the timeline, not taken by a person through a transition.
SYSTEM_ACTIONS = {
    "report": _("Reported"),
    "supervise": _("Overdue: under supervision (督办)"),
    "import": _("Imported from an earlier system"),
}


def action_label(action: str):
    return BY_ACTION[action].label if action in BY_ACTION else SYSTEM_ACTIONS.get(action, action)


def approving_level(case_level: str) -> str:
    """The level that approves extensions: the one above, or the county for its own cases."""
    return level_above(case_level) or Level.COUNTY


def stands_in_scope(user, case, scope: Scope) -> bool:
    if scope is Scope.CASE_GRID:
        return user.region_id is not None and user.region_id == case.grid_id
    if scope is Scope.CASE_DEPARTMENT:
        return user.department_id is not None and user.department_id == case.department_id
    region = user.region
    if region is None:
        return False
    level = case.level if scope is Scope.CASE_LEVEL else approving_level(case.level)
    if region.level != level:
        return False
    return covers_case(region, case)


def covers_case(region, case) -> bool:
    """Whether a centre's region holds the case's place."""
    if region.level == Level.COUNTY:
        return case.county_code == region.code
    if region.level == Level.TOWN:
        return case.town_id == region.id
    if region.level == Level.VILLAGE:
        return case.village_id == region.id
    return case.grid_id == region.id


def can_take(user, case, transition: Transition) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and user.role == transition.role
        and case.status in transition.sources
        and (transition.case_levels is None or case.level in transition.case_levels)
        and stands_in_scope(user, case, transition.scope)
    )


def available_transitions(user, case) -> list[Transition]:
    """Exactly the actions this user may take on this case now."""
    return [transition for transition in TRANSITIONS if can_take(user, case, transition)]
