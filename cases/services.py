"""Actions on cases. Each is one transaction and appends to the case's timeline."""

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.models import Department, Role
from staff.services import town_department_code
from territory.grid_index import PointOutsideCounty, locate_grid
from territory.models import Level, Region

from .models import (
    Case,
    CaseCodeCounter,
    CasePhoto,
    Category,
    Kind,
    Priority,
    RoutingRule,
    Source,
    Status,
    TimelineEntry,
)
from .selectors import departments_for_dispatch, route_for
from .workflow import BY_ACTION, Transition, approving_level, can_take
from .worktime import LOCAL, add_working_hours, deadline_after

REPORTING_ROLES = {Role.GRID_WORKER, Role.INFORMANT, Role.OPERATOR}
MAX_EXTENSION_HOURS = 20 * 7


class CaseError(Exception):
    """Something the user can act on: the message says what is wrong, in their language."""


def next_case_code(now: datetime, county_code: str = settings.COUNTY_CODE) -> str:
    """一案一码: day + serial, e.g. 2611250042, short enough to read out on the phone.

    One statement takes the next serial (an upsert that returns the new value), so concurrent
    reports never share a number and never wait on a separate read.
    """
    day = now.astimezone(LOCAL).date()
    table = CaseCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (county_code, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (county_code, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [county_code, day],
        )
        serial = cursor.fetchone()[0]
    return f"{day:%y%m%d}{serial:04d}"


def _append(
    case: Case, actor, action: str, from_status: str, note: str = "", at: datetime | None = None
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        county_code=case.county_code,
        case=case,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        level=case.level,
        department=case.department,
        note=note,
    )


@transaction.atomic
def report_case(
    *,
    reporter,
    category: Category,
    description: str,
    lon: float,
    lat: float,
    source: str = Source.GRID_WORKER,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    priority: str = Priority.NORMAL,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Case:
    """信息收集 → 案卷建立: place the report in its grid, route it, give it a number and a deadline."""
    if reporter is not None and reporter.role not in REPORTING_ROLES:
        raise CaseError(_("Your role cannot report cases."))
    if not category.is_active or category.children.exists():
        raise CaseError(_("Choose a specific, active category."))
    if not description.strip():
        raise CaseError(_("Describe the problem."))
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty as error:
        raise CaseError(str(error)) from error
    now = now or timezone.now()
    route = route_for(category, grid)
    village = grid.parent
    case = Case.objects.create(
        county_code=settings.COUNTY_CODE,
        code=next_case_code(now),
        kind=category.kind,
        category=category,
        description=description.strip(),
        address=address.strip(),
        lon=lon,
        lat=lat,
        grid=grid,
        village=village,
        town_id=village.parent_id,
        source=source,
        reporter=reporter,
        reporter_name=reporter_name.strip(),
        reporter_phone=reporter_phone.strip(),
        priority=priority,
        status=Status.REPORTED,
        level=route.level,
        department=route.department,
        reported_at=now,
        accept_deadline=deadline_after(now, category.accept_limit, category.accept_unit),
    )
    for photo in photos:
        CasePhoto.objects.create(
            case=case, image=photo, uploaded_by=reporter, uploaded_at=now, stage=Status.REPORTED
        )
    _append(case, reporter, "report", "", note="", at=now)
    return case


def ensure_may_take(user, case: Case, transition: Transition) -> None:
    """CaseError, in the user's words, unless the workflow gives this user this step now."""
    if not can_take(user, case, transition):
        raise CaseError(
            _("You cannot “%(action)s” this case while it is “%(status)s”.")
            % {"action": transition.label, "status": case.get_status_display()}
        )


@transaction.atomic
def take_action(
    case: Case,
    user,
    action: str,
    *,
    note: str = "",
    department: Department | None = None,
    extension_hours: int | None = None,
    rating: int | None = None,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Case:
    """Move a case one step, if the workflow lets this user take that step now."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise CaseError(_("Unknown action “%(action)s”.") % {"action": action})
    case = Case.objects.select_for_update().select_related("category", "grid").get(pk=case.pk)
    ensure_may_take(user, case, transition)
    note = note.strip()
    if transition.note_required and not note:
        raise CaseError(
            _("Give a reason or description for “%(action)s”.") % {"action": transition.label}
        )
    now = now or timezone.now()
    from_status = case.status
    apply_transition(
        case,
        user,
        transition,
        now,
        department=department,
        extension_hours=extension_hours,
        rating=rating,
    )
    case.save()
    for photo in photos:
        CasePhoto.objects.create(
            case=case, image=photo, uploaded_by=user, uploaded_at=now, stage=case.status
        )
    _append(case, user, action, from_status, note=note, at=now)
    return case


def apply_transition(case: Case, user, transition: Transition, now: datetime, **inputs) -> None:
    """A step's effect and new status on the case in memory, checks of its inputs included.

    The caller has checked who may take it and saves: `take_action`, or the demo's simulated
    year, which walks its cases through the same effects.
    """
    _APPLY[transition.action](case, user, now, **inputs)
    if transition.target is not None:
        case.status = transition.target


# What each action does beyond changing the status: small functions, one per action that needs one.


def _accept(case, user, now, **_kwargs):
    case.accepted_at = now


def _escalate(case, user, now, **_kwargs):
    case.level = approving_level(case.level)


def _dispatch(case, user, now, *, department=None, **_kwargs):
    department = department or case.department
    if department is None:
        raise CaseError(_("Choose the department to dispatch to."))
    if not departments_for_dispatch(case).filter(pk=department.pk).exists():
        raise CaseError(_("%(department)s does not serve this place.") % {"department": department})
    case.department = department
    case.dispatched_at = now
    case.handle_deadline = deadline_after(
        now, case.category.handle_limit, case.category.handle_unit
    )


def _start(case, user, now, **_kwargs):
    case.assignee = user


def _return(case, user, now, **_kwargs):
    case.department = None
    case.assignee = None
    case.dispatched_at = None
    case.handle_deadline = None


def _feed_back(case, user, now, **_kwargs):
    case.fed_back_at = now


def _request_extension(case, user, now, *, extension_hours=None, **_kwargs):
    if not extension_hours or not 1 <= extension_hours <= MAX_EXTENSION_HOURS:
        raise CaseError(
            _("Ask for between 1 and %(max)s working hours of extension.")
            % {"max": MAX_EXTENSION_HOURS}
        )
    case.requested_extension_hours = extension_hours


def _approve_extension(case, user, now, **_kwargs):
    case.handle_deadline = add_working_hours(
        max(case.handle_deadline, now), case.requested_extension_hours
    )
    case.requested_extension_hours = None
    case.supervised_at = None


def _refuse_extension(case, user, now, **_kwargs):
    case.requested_extension_hours = None


def _resume(case, user, now, **_kwargs):
    case.dispatched_at = now
    case.handle_deadline = deadline_after(
        now, case.category.handle_limit, case.category.handle_unit
    )
    case.supervised_at = None


def _rework(case, user, now, **_kwargs):
    case.rework_count += 1
    case.fed_back_at = None


def _close(case, user, now, **_kwargs):
    case.closed_at = now


def _evaluate(case, user, now, *, rating=None, **_kwargs):
    if rating not in (1, 2, 3, 4, 5):
        raise CaseError(_("Give an evaluation from 1 to 5."))
    case.rating = rating


def _nothing(case, user, now, **_kwargs):
    pass


_APPLY = {
    "accept": _accept,
    "reject": _nothing,
    "escalate": _escalate,
    "dispatch": _dispatch,
    "start": _start,
    "return": _return,
    "feed_back": _feed_back,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "suspend": _nothing,
    "resume": _resume,
    "verify": _nothing,
    "rework": _rework,
    "close": _close,
    "evaluate": _evaluate,
}
assert set(_APPLY) == set(BY_ACTION), "every transition needs its effect"


def supervise_overdue(now: datetime | None = None) -> int:
    """督办: flag open cases past their deadline, once each, with a timeline entry."""
    now = now or timezone.now()
    flagged = 0
    overdue_ids = list(
        Case.objects.overdue(now).filter(supervised_at__isnull=True).values_list("pk", flat=True)
    )
    for pk in overdue_ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.supervised_at is not None or not case.is_overdue(now):
                continue
            case.supervised_at = now
            case.save(update_fields=["supervised_at", "updated_at"])
            _append(case, None, "supervise", case.status, at=now)
            flagged += 1
    return flagged


# --- reference data ----------------------------------------------------------------------------

CATEGORY_COLUMNS = [
    "code",
    "name",
    "kind",
    "parent_code",
    "accept_limit",
    "accept_unit",
    "handle_limit",
    "handle_unit",
    "department",
    "level",
]


@transaction.atomic
def install_categories(text: str) -> list[Category]:
    """Create or update the category tree with deadlines and its default (county-wide) routing.

    A department code that names a per-town office (派出所 `pcs` …) gives one rule per town.
    """
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_code: dict[str, Category] = {}
    county = Region.objects.get(level=Level.COUNTY)
    towns = list(Region.objects.filter(level=Level.TOWN))
    errors = []
    for number, row in enumerate(rows, start=2):
        row = {key: (value or "").strip() for key, value in row.items()}
        if not row["code"] or not row["name"] or row["kind"] not in Kind.values:
            errors.append(
                _("line %(number)s: code, name and a valid kind are required") % {"number": number}
            )
            continue
        if row["parent_code"] and row["parent_code"] not in by_code:
            errors.append(
                _("line %(number)s: parent %(parent)s must come before its children")
                % {"number": number, "parent": row["parent_code"]}
            )
            continue
        defaults = {
            "name": row["name"],
            "kind": row["kind"],
            "parent": by_code.get(row["parent_code"]),
        }
        if row["accept_limit"]:
            defaults |= {
                "accept_limit": int(row["accept_limit"]),
                "accept_unit": row["accept_unit"],
                "handle_limit": int(row["handle_limit"]),
                "handle_unit": row["handle_unit"],
            }
        category, _created = Category.objects.update_or_create(code=row["code"], defaults=defaults)
        by_code[category.code] = category
        if not row["department"]:
            continue
        if Department.objects.filter(code=row["department"]).exists():
            targets = [(county, Department.objects.get(code=row["department"]))]
        else:
            targets = [
                (
                    town,
                    Department.objects.filter(
                        code=town_department_code(row["department"], town)
                    ).first(),
                )
                for town in towns
            ]
        if any(department is None for _region, department in targets):
            errors.append(
                _("line %(number)s: no department %(department)s")
                % {"number": number, "department": row["department"]}
            )
            continue
        for region, department in targets:
            RoutingRule.objects.update_or_create(
                category=category,
                region=region,
                defaults={"department": department, "level": row["level"]},
            )
    if errors:
        raise CaseError("\n".join(errors))
    return list(by_code.values())
