"""The cases behind a figure: for a step of the facts, the cases that counted for it in a region,
period and (optionally) department, queried from the cases and their timelines themselves.

These are the facts' rules (command.facts) written as queries, so that every figure can be
opened down to its cases, and recounted from them: command/tests/test_behind.py holds that
the two agree for every step."""

from datetime import date

from django.db.models import F, Q, QuerySet

from cases.models import Case, Source, TimelineEntry
from cases.worktime import start_of
from territory.models import Region

from .facts import (
    CLOSED_STATUSES,
    HANDLED_STATUSES,
    IMPORTED_STEPS,
    NOT_DUE_STATUSES,
    RATINGS,
    SATISFIED_FROM,
    event_steps,
)
from .models import Step
from .selectors import cases_in_region


def _between(field: str, start: date, end: date) -> Q:
    return Q(**{f"{field}__gte": start_of(start), f"{field}__lt": start_of(end)})


def entries_behind(
    step: str, region: Region, start: date, end: date, department: int | None = None
) -> QuerySet[TimelineEntry]:
    """The timeline entries an event step counts (each is one)."""
    actions = [action for action, counted in event_steps().items() if counted == step]
    if step == Step.SATISFIED:
        actions = list(RATINGS)
    entries = TimelineEntry.objects.filter(_between("at", start, end), action__in=actions)
    if step == Step.SATISFIED:
        entries = entries.filter(case__rating__gte=SATISFIED_FROM)
    if department is not None:
        entries = entries.filter(department_id=department or None)
    return entries.filter(case__in=cases_in_region(Case.objects.all(), region).values("pk"))


def _imported_behind(step: str, start: date, end: date, department: int | None) -> Q | None:
    for imported_step, moment, condition in IMPORTED_STEPS:
        if imported_step == step:
            found = Q(source=Source.IMPORT) & condition & _between(moment, start, end)
            if department is not None:
                found &= Q(department_id=department or None)
            return found
    return None


def _state_behind(step: str, start: date, end: date) -> Q:
    due = Q(_between("handle_deadline", start, end)) & ~Q(status__in=NOT_DUE_STATUSES)
    handled = Q(status__in=HANDLED_STATUSES, fed_back_at__isnull=False)
    on_time = handled & Q(handle_deadline__isnull=False, fed_back_at__lte=F("handle_deadline"))
    return {
        Step.DUE: due,
        Step.HANDLING_HOURS: handled
        & Q(dispatched_at__isnull=False)
        & _between("fed_back_at", start, end),
        Step.HANDLED_ON_TIME: on_time & _between("fed_back_at", start, end),
        Step.CLOSED_ON_TIME: due & on_time & Q(status__in=CLOSED_STATUSES),
    }[step]


STATE_STEPS = {Step.DUE, Step.HANDLING_HOURS, Step.HANDLED_ON_TIME, Step.CLOSED_ON_TIME}


def cases_behind(
    step: str, region: Region, start: date, end: date, department: int | None = None
) -> QuerySet[Case]:
    """The cases that counted for the step in the region over [start, end): `department` the
    department's id (0: none yet), or None for every department."""
    cases = cases_in_region(Case.objects.all(), region)
    if step in STATE_STEPS:
        found = _state_behind(step, start, end)
        if department is not None:
            found &= Q(department_id=department or None)
        return cases.filter(found)
    found = Q(pk__in=entries_behind(step, region, start, end, department).values("case_id"))
    imported = _imported_behind(step, start, end, department)
    if imported is not None:
        found |= imported
    return cases.filter(found)


def count_behind(
    step: str, region: Region, start: date, end: date, department: int | None = None
) -> int:
    """How many times the step counted, recounted from the cases: entries for an event step
    (a case fed back twice counts twice), cases for a state step or an imported case's step."""
    if step in STATE_STEPS:
        return cases_behind(step, region, start, end, department).count()
    counted = entries_behind(step, region, start, end, department).count()
    imported = _imported_behind(step, start, end, department)
    if imported is not None:
        counted += cases_in_region(Case.objects.filter(imported), region).count()
    return counted
