"""The case loop as data: every transition, from which states, to which, who may take it, the
inputs it takes and what it does. Nothing else in the code decides who may move a case or how.

GB/T 30428: 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价, with 不予立案, 上报, 回退, 延期, 挂账
and 返工 beside the main line. The case page's forms, the demo's simulated year and the service
`take_action` all read the declarations below: adding an action is one row here.
"""

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staff.models import Role
from staff.selectors import departments_serving
from territory.models import Level

from .errors import CaseError, InputError
from .fields import MultipleImageField
from .models import OPEN_STATUSES, Case, Category, Status
from .scopes import Reach, Scope, approving_level, standing_reach, where, where_not
from .worktime import add_working_hours, deadline_after

MAX_EXTENSION_HOURS = 20 * 7

Inputs = Mapping[str, Any]
Effect = Callable[[Any, Any, datetime, Inputs], None]  # (case, user, now, cleaned inputs)


@dataclass(frozen=True)
class Input:
    """One value a step takes, as a form field built for the case (its choices may depend on it),
    and an example value for the demo's simulated year and the tests."""

    name: str
    field: Callable[[Any], forms.Field]
    example: Callable[[Any, random.Random], Any] = lambda case, rng: None


def _no_effect(case, user, now: datetime, inputs: Inputs) -> None:
    pass


@dataclass(frozen=True)
class Transition:
    action: str
    label: Promise
    sources: tuple[Status, ...]
    target: Status | None  # None: the status stays (上报 moves the level instead)
    role: Role
    scope: Scope
    # What the step does beyond the status, on the case in memory (the caller saves it).
    effect: Effect = _no_effect
    inputs: tuple[Input, ...] = ()
    note_required: bool = False
    example_note: str = ""  # for the demo's simulated year
    case_levels: tuple[str, ...] | None = None  # only for cases at these levels
    # A side branch (上报, 回退, 挂账 …) can be taken but does not by itself put a case in a queue;
    # the case page folds it below the main step.
    side_branch: bool = False
    case_kind: str | None = None  # set when a kind registers the transition: only its cases
    # What the note is called for this step ("处置结果", "退回原因" …); None: a plain note.
    note_label: Promise | None = None
    # The queue a main-line step puts its cases in: "awaiting" (待我办理, work to do now), or a tab
    # of its own for cases that wait on something else (挂账 until resumed, 待评价 after closure).
    queue: str = "awaiting"

    def applies_to(self) -> tuple:
        """The conditions on the case itself (not the actor) under which the step may be taken."""
        conditions = [where("status", *self.sources)]
        if self.case_levels:
            conditions.append(where("level", *self.case_levels))
        if self.case_kind:
            conditions.append(where("case_kind", self.case_kind))
        elif self.action in _SKIPPED_BY:  # a core step that some kinds' cases do not take
            conditions.append(where_not("case_kind", *_SKIPPED_BY[self.action]))
        return tuple(conditions)

    def reach(self, user) -> Reach:
        """The cases on which this user may take this step now (empty for another role)."""
        if not user.is_authenticated or not user.is_active or user.role != self.role:
            return Reach()
        return standing_reach(user, self.scope).narrowed(*self.applies_to())

    def form_fields(self, case) -> dict[str, forms.Field]:
        """The step's inputs as form fields: a note always (required where the step needs a reason)."""
        message = gettext("Give a reason or description for “%(action)s”.") % {"action": self.label}
        note = forms.CharField(
            label=self.note_label or (_("Reason") if self.note_required else _("Note")),
            max_length=2000,
            required=self.note_required,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"required": message},
        )
        own = {item.name: item.field(case) for item in self.inputs}
        if not self.note_required and any(field.required for field in own.values()):
            return own | {"note": note}  # what the step needs first, an optional note after
        return {"note": note} | own

    def clean_inputs(self, case, inputs: Inputs) -> dict[str, Any]:
        """The inputs checked by the step's own fields: the same errors for every caller."""
        cleaned, errors = {}, {}
        for name, form_field in self.form_fields(case).items():
            value = inputs.get(name)
            if isinstance(value, str):
                value = value.strip()
            try:
                cleaned[name] = form_field.clean(value)
            except ValidationError as error:
                errors[name] = list(error.messages)
        if errors:
            raise InputError(errors)
        return cleaned

    def example_inputs(self, case, rng: random.Random) -> dict[str, Any]:
        return {"note": self.example_note} | {
            item.name: item.example(case, rng) for item in self.inputs
        }


# --- the inputs some steps take ----------------------------------------------------------------


def _department_field(case) -> forms.Field:
    return forms.ModelChoiceField(
        label=_("Department"),
        queryset=departments_serving(case.grid),
        initial=case.department_id,
        required=False,  # none chosen: the routed department
        empty_label=None,
        error_messages={"invalid_choice": _("That department does not serve this place.")},
    )


def _extension_field(case) -> forms.Field:
    message = gettext("Ask for between 1 and %(max)s working hours of extension.") % {
        "max": MAX_EXTENSION_HOURS
    }
    return forms.IntegerField(
        label=_("Extra working hours"),
        min_value=1,
        max_value=MAX_EXTENSION_HOURS,
        error_messages={key: message for key in ("required", "invalid", "min_value", "max_value")},
    )


# The evaluation scale in words, as residents and centres say it (1 worst, 5 best).
RATING_WORDS = {
    1: _("Very dissatisfied"),
    2: _("Dissatisfied"),
    3: _("Acceptable"),
    4: _("Satisfied"),
    5: _("Very satisfied"),
}


def _rating_field(case) -> forms.Field:
    message = gettext("Give an evaluation from 1 to 5.")
    return forms.TypedChoiceField(
        label=_("Evaluation"),
        choices=[(number, f"{number} {words}") for number, words in RATING_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


DEPARTMENT = Input(
    "department",
    _department_field,
    # After a 回退 the dispatcher chooses anew among the departments serving the place.
    example=lambda case, rng: (
        None if case.department_id else rng.choice(list(departments_serving(case.grid)) or [None])
    ),
)
EXTENSION_HOURS = Input("extension_hours", _extension_field, example=lambda case, rng: 14)
RATING = Input(
    "rating",
    _rating_field,
    example=lambda case, rng: rng.choices([5, 4, 3, 2, 1], [60, 25, 9, 4, 2])[0],
)


def _merge_into_field(case) -> forms.Field:
    message = gettext("No open case of this county has that number.")
    return forms.ModelChoiceField(
        label=_("Number of the case it duplicates"),
        queryset=Case.objects.filter(county_code=case.county_code, status__in=OPEN_STATUSES)
        .exclude(pk=case.pk)
        .select_related("category"),
        to_field_name="code",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": message, "invalid_choice": message},
    )


MERGE_INTO = Input(
    "into",
    _merge_into_field,
    example=lambda case, rng: (
        _merge_into_field(case).queryset.values_list("code", flat=True).first()
    ),
)


def _photos(label: Promise) -> Input:
    """Photos, optional. `take_action` stores them for any step that declares this input, at the
    stage the step moves the case to: the case page shows them as 处置后照片, 核查照片 …"""
    return Input("photos", lambda case: MultipleImageField(label=label, required=False))


RESULT_PHOTOS = _photos(_("Photos of the result"))
VERIFICATION_PHOTOS = _photos(_("Photos taken on site"))


def _public_note_field(case) -> forms.Field:
    return forms.CharField(
        label=_("For the reporter, shown on the public page (optional)"),
        help_text=_("Anyone can read it: no names, phone numbers or house numbers."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# The few steps a resident wants a word on: why not accepted, why suspended, what was done.
# The note beside it stays with staff; `take_action` keeps this one on the timeline entry.
PUBLIC_NOTE = Input("public_note", _public_note_field, example=lambda case, rng: "")


def _category_field(case) -> forms.Field:
    message = gettext("Choose another specific, active category.")
    return forms.ModelChoiceField(
        label=_("New category"),
        queryset=Category.objects.filter(is_active=True, children__isnull=True)
        .exclude(pk=case.category_id)
        .order_by("code"),
        to_field_name="code",
        error_messages={"required": message, "invalid_choice": message},
    )


CATEGORY = Input(
    "category",
    _category_field,
    example=lambda case, rng: _category_field(case).queryset.values_list("code", flat=True).first(),
)


def reclassify(case, category, now: datetime) -> None:
    """改类: the case becomes one of `category`, keeping its number, and is routed afresh and
    accepted anew there. Another kind's category hands it to another centre: a service request
    found among the problems goes to the service centre, and back (services/)."""
    from .selectors import route_for  # here: cases.selectors imports this module

    route = route_for(category, case.grid)
    case.category, case.kind, case.case_kind = category, category.kind, category.case_kind
    case.level, case.department, case.assignee = route.level, route.department, None
    case.accepted_at = case.dispatched_at = case.handle_deadline = case.supervised_at = None
    case.accept_deadline = deadline_after(now, category.accept_limit, category.accept_unit)


# --- what each step does beyond the status: one small function per step that needs one --------


def _accept(case, user, now, inputs):
    case.accepted_at = now


def _escalate(case, user, now, inputs):
    case.level = approving_level(case.level)


def _dispatch(case, user, now, inputs):
    department = inputs.get("department") or case.department
    if department is None:
        raise CaseError(gettext("Choose the department to dispatch to."))
    case.department = department
    case.dispatched_at = now
    case.handle_deadline = deadline_after(
        now, case.category.handle_limit, case.category.handle_unit
    )


def _start(case, user, now, inputs):
    case.assignee = user


def _return(case, user, now, inputs):
    case.department = None
    case.assignee = None
    case.dispatched_at = None
    case.handle_deadline = None


def _feed_back(case, user, now, inputs):
    case.fed_back_at = now


def _request_extension(case, user, now, inputs):
    case.requested_extension_hours = inputs["extension_hours"]


def _approve_extension(case, user, now, inputs):
    case.handle_deadline = add_working_hours(
        max(case.handle_deadline, now), case.requested_extension_hours
    )
    case.requested_extension_hours = None
    case.supervised_at = None


def _refuse_extension(case, user, now, inputs):
    case.requested_extension_hours = None


def _resume(case, user, now, inputs):
    case.dispatched_at = now
    case.handle_deadline = deadline_after(
        now, case.category.handle_limit, case.category.handle_unit
    )
    case.supervised_at = None


def _rework(case, user, now, inputs):
    case.rework_count += 1
    case.fed_back_at = None


def _merge(case, user, now, inputs):
    case.merged_into = inputs["into"]


def _close(case, user, now, inputs):
    case.closed_at = now


def _evaluate(case, user, now, inputs):
    case.rating = inputs["rating"]


def _reclassify(case, user, now, inputs):
    reclassify(case, inputs["category"], now)


# --- the table ---------------------------------------------------------------------------------

S, OP, HANDLER, GRID = Status, Role.OPERATOR, Role.HANDLER, Role.GRID_WORKER
AT, ABOVE, DEPT, CASE_GRID = (
    Scope.CASE_LEVEL,
    Scope.LEVEL_ABOVE,
    Scope.CASE_DEPARTMENT,
    Scope.CASE_GRID,
)
TRANSITIONS: tuple[Transition, ...] = (
    Transition("accept", _("Accept (立案)"), (S.REPORTED,), S.ACCEPTED, OP, AT, _accept),
    Transition(
        "reject", _("Do not accept (不予立案)"), (S.REPORTED,), S.REJECTED, OP, AT,
        note_required=True, example_note="不属于受理范围", side_branch=True,
        note_label=_("Why it is not accepted"), inputs=(PUBLIC_NOTE,),
    ),
    Transition(
        "escalate", _("Escalate to the level above (上报)"), (S.REPORTED, S.ACCEPTED), None, OP,
        AT, _escalate, note_required=True, example_note="超出本级处置权限",
        case_levels=(Level.VILLAGE, Level.TOWN), side_branch=True,
        note_label=_("Why it goes up"),
    ),
    Transition(
        "reclassify", _("Change the category (改类)"), (S.REPORTED, S.ACCEPTED), S.REPORTED, OP,
        AT, _reclassify, inputs=(CATEGORY,), note_required=True, example_note="类别选择有误",
        side_branch=True,
        note_label=_("Why the category changes"),
    ),
    Transition(
        "merge", _("Merge into the case it duplicates (合并)"), (S.REPORTED, S.ACCEPTED),
        S.MERGED, OP, AT, _merge, inputs=(MERGE_INTO,), side_branch=True,
    ),
    Transition(
        "dispatch", _("Dispatch (派遣)"), (S.ACCEPTED,), S.DISPATCHED, OP, AT, _dispatch,
        inputs=(DEPARTMENT,),
    ),
    Transition("start", _("Start handling"), (S.DISPATCHED,), S.HANDLING, HANDLER, DEPT, _start),
    Transition(
        "return", _("Return to dispatcher (回退)"), (S.DISPATCHED, S.HANDLING), S.ACCEPTED,
        HANDLER, DEPT, _return, note_required=True, example_note="不属于本部门职责",
        side_branch=True, note_label=_("Why it is returned"),
    ),
    Transition(
        "feed_back", _("Report the result (处置反馈)"), (S.HANDLING,), S.FED_BACK, HANDLER, DEPT,
        _feed_back, inputs=(RESULT_PHOTOS, PUBLIC_NOTE), note_required=True,
        example_note="已处置完毕",
        note_label=_("The result"),
    ),
    Transition(
        "request_extension", _("Request an extension (延期)"), (S.HANDLING,),
        S.EXTENSION_REQUESTED, HANDLER, DEPT, _request_extension, inputs=(EXTENSION_HOURS,),
        note_required=True, example_note="需采购配件", side_branch=True,
        note_label=_("Why more time is needed"),
    ),
    Transition(
        "approve_extension", _("Approve the extension"), (S.EXTENSION_REQUESTED,), S.HANDLING,
        OP, ABOVE, _approve_extension,
    ),
    Transition(
        "refuse_extension", _("Refuse the extension"), (S.EXTENSION_REQUESTED,), S.HANDLING,
        OP, ABOVE, _refuse_extension, note_required=True, example_note="理由不充分",
        side_branch=True, note_label=_("Why it is refused"),
    ),
    Transition(
        "suspend", _("Suspend (挂账)"), (S.DISPATCHED, S.HANDLING), S.SUSPENDED, OP, AT,
        note_required=True, example_note="需列入明年计划解决", side_branch=True,
        note_label=_("Why it is suspended"), inputs=(PUBLIC_NOTE,),
    ),
    Transition(
        "resume", _("Resume handling"), (S.SUSPENDED,), S.DISPATCHED, OP, AT, _resume,
        queue="suspended",
    ),
    Transition(
        "verify", _("Verified on site (核查通过)"), (S.FED_BACK,), S.VERIFIED, GRID, CASE_GRID,
        inputs=(VERIFICATION_PHOTOS,), note_label=_("What you found on site"),
    ),
    Transition(
        "rework", _("Send back for rework (返工)"), (S.FED_BACK,), S.HANDLING, GRID, CASE_GRID,
        _rework, note_required=True, example_note="现场仍未整改到位", side_branch=True,
        note_label=_("What is still wrong"),
    ),
    Transition(
        "close", _("Close (结案)"), (S.VERIFIED,), S.CLOSED, OP, AT, _close, inputs=(PUBLIC_NOTE,)
    ),
    Transition(
        "evaluate", _("Evaluate (评价)"), (S.CLOSED,), S.EVALUATED, OP, AT, _evaluate,
        inputs=(RATING,), queue="to_evaluate",
    ),
)  # fmt: skip
BY_ACTION = {transition.action: transition for transition in TRANSITIONS}

# Steps that kinds of case add for their own cases (kinds.register_kind fills this).
_KIND_TRANSITIONS: dict[str, tuple[Transition, ...]] = {}
# Core steps that some kinds' cases do not take (a service application is not verified on site):
# action → those kinds.
_SKIPPED_BY: dict[str, frozenset[str]] = {}


def add_kind_transitions(
    case_kind: str,
    transitions: tuple[Transition, ...],
    core_steps: frozenset[str] | None = None,
) -> None:
    """A kind's own steps, and the core steps its cases take (None: all of them)."""
    taken = set(BY_ACTION) | {t.action for ts in _KIND_TRANSITIONS.values() for t in ts}
    clashing = taken & {transition.action for transition in transitions}
    if clashing:
        raise ValueError(f"actions already declared: {', '.join(sorted(clashing))}")
    unknown = set(core_steps or ()) - set(BY_ACTION)
    if unknown:
        raise ValueError(f"not core steps: {', '.join(sorted(unknown))}")
    _KIND_TRANSITIONS[case_kind] = tuple(replace(t, case_kind=case_kind) for t in transitions)
    if core_steps is not None:
        for action in set(BY_ACTION) - core_steps:
            _SKIPPED_BY[action] = _SKIPPED_BY.get(action, frozenset()) | {case_kind}


def all_transitions() -> tuple[Transition, ...]:
    return TRANSITIONS + tuple(t for ts in _KIND_TRANSITIONS.values() for t in ts)


def transitions_for(case_kind: str) -> tuple[Transition, ...]:
    core = tuple(t for t in TRANSITIONS if case_kind not in _SKIPPED_BY.get(t.action, ()))
    return core + _KIND_TRANSITIONS.get(case_kind, ())


def find_transition(action: str) -> Transition | None:
    return next((t for t in all_transitions() if t.action == action), None)


# Steps the system itself records on the timeline, not taken by a person through a transition.
SYSTEM_ACTIONS = {
    "report": _("Reported"),
    "supervise": _("Overdue: under supervision (督办)"),
    "import": _("Imported from an earlier system"),
    "merge_in": _("A duplicate report was merged into this case"),
    "resident_rating": _("Rated by the reporter"),
    "resident_rework": _("Sent back for rework: the reporter says it is not fixed (返工)"),
    "resident_supervise": _(
        "Back to the centre under supervision: the reporter is dissatisfied again (督办)"
    ),
}


def action_label(action: str):
    transition = find_transition(action)
    return transition.label if transition else SYSTEM_ACTIONS.get(action, action)


def can_take(user, case, transition: Transition) -> bool:
    return transition.reach(user).holds(case)


def available_transitions(user, case) -> list[Transition]:
    """Exactly the actions this user may take on this case now, the main step first and the side
    branches (上报, 回退, 延期 …) after it."""
    allowed = [t for t in transitions_for(case.case_kind) if can_take(user, case, t)]
    return sorted(allowed, key=lambda transition: transition.side_branch)


def roles_with_a_queue() -> set[str]:
    """The roles the workflow ever gives a step (leaders and administrators only read)."""
    return {transition.role for transition in all_transitions()}
