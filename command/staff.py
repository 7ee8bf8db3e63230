"""Figures of one staff member: the facts' own rules (command.facts) applied to the cases they
took a step in during the period, and what happened to those cases in it. A grid worker's
上报数 is then their reports, and their 有效上报率 how many of them were accepted; a handler's
处置数 is their cases' feedbacks, and their 按期处置率 how many of those met the deadline.

They are counted from the cases and timelines, not from the facts (which keep no actor): found
through the timeline's index on its actor, a person's month is at most a few thousand steps.
Work, not people: nothing here follows a resident, and a staff member's figures are shown only to
a centre or leader whose area they work in."""

from datetime import date

from django.db.models import Q, QuerySet

from cases.models import Case, Category, TimelineEntry
from cases.worktime import start_of
from staff.models import Department, Role, User
from territory.models import Region

from .facts import event_facts, hours_bucket, state_facts
from .models import Indicator, Step
from .selectors import Sums, cases_in_region, steps_of


def may_see_figures_of(area: Region, person: User) -> bool:
    """Whether a centre or leader over `area` may see this person's figures: they work in it (a
    grid worker, operator or leader by their region; a handler by their department's)."""
    if person.region_id is not None:
        return area.contains(person.region)
    if person.department_id is not None:
        return area.contains(person.department.region)
    return False


def handlers_of(department: Department) -> QuerySet[User]:
    """A department's active handlers, by name: each with their figures."""
    return User.objects.filter(department=department, role=Role.HANDLER, is_active=True).order_by(
        "full_name", "username"
    )


def cases_of(person: User, region: Region, start: date, end: date) -> QuerySet[Case]:
    """The region's cases the person took a step in over [start, end)."""
    stepped = TimelineEntry.objects.filter(
        actor=person, at__gte=start_of(start), at__lt=start_of(end)
    ).values("case_id")
    return cases_in_region(Case.objects.filter(pk__in=stepped), region)


def _filter(indicator: Indicator):
    """The indicator's filters as a test of one fact: (case, department id, level) → bool."""
    categories: set[int] | None = None
    if indicator.kinds or indicator.categories:
        chosen = Category.objects.all()
        if indicator.kinds:
            chosen = chosen.filter(kind__in=indicator.kinds)
        if indicator.categories:
            codes = indicator.categories
            chosen = chosen.filter(Q(code__in=codes) | Q(parent__code__in=codes))
        categories = set(chosen.values_list("pk", flat=True))
    departments = None
    if indicator.departments:
        departments = set(
            Department.objects.filter(code__in=indicator.departments).values_list("pk", flat=True)
        )

    def passes(case: Case, department: int, level: str) -> bool:
        return (
            (categories is None or case.category_id in categories)
            and (not indicator.sources or case.source in indicator.sources)
            and (not indicator.levels or level in indicator.levels)
            and (departments is None or department in departments)
        )

    return passes


def staff_sums(person: User, indicators: list[Indicator], region: Region, start: date, end: date):
    """The sums the indicators need (sharing the first one's filters), over the cases the person
    took a step in, for what happened to them in [start, end)."""
    wanted, passes = steps_of(indicators), _filter(indicators[0])
    first, last = start.isoformat(), end.isoformat()
    cases = {case.pk: case for case in cases_of(person, region, start, end)}
    facts = []
    entries = TimelineEntry.objects.filter(
        case_id__in=list(cases), at__gte=start_of(start), at__lt=start_of(end)
    ).values_list("case_id", "action", "at", "department_id", "level")
    for case_id, action, at, department, level in entries:
        case = cases[case_id]
        facts += [(case, fact) for fact in event_facts(action, at, department, level, case.rating)]
    for case in cases.values():
        facts += [(case, fact) for fact in state_facts(case)]
    sums = Sums()
    for case, (step, day, department, level, hours) in facts:
        if step in wanted and first <= day < last and passes(case, department, level):
            bucket = hours_bucket(hours) if step == Step.HANDLING_HOURS else 0
            sums.add(step, bucket, 1, hours)
    return sums
