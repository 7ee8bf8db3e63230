"""Actions on cases. Each is one transaction and appends to the case's timeline."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notify.services import record_case_event
from staff.models import Department, Role
from staff.services import town_department_code
from territory.counties import instance_county
from territory.grid_index import PointOutsideCounty, locate_grid
from territory.models import Level, Region
from wangge.csvtext import csv_reader

from .attributes import clean_attributes
from .catalogue import catalogue
from .errors import CaseError, InputError
from .kinds import get_kind, guard_refusal, registered_kinds
from .models import (
    Case,
    CaseCodeCounter,
    CasePhoto,
    Category,
    CategoryField,
    Kind,
    Priority,
    RoutingRule,
    Source,
    Status,
    TimelineEntry,
)
from .photos import (
    PhotoType,
    UnreadablePhoto,
    damaged_photo,
    not_a_photo,
    note_written,
    photo_type,
    removed_on_rollback,
    smaller_copies,
)
from .selectors import Route, may_see, route_for
from .signals import case_merged, case_recategorised, timeline_appended
from .workflow import Transition, can_take, find_transition
from .worktime import LOCAL, deadline_after

__all__ = [
    "CaseError",
    "InputError",
    "report_case",
    "prepare_report",
    "file_report",
    "take_action",
    "supervise_overdue",
]

REPORTING_ROLES = {Role.GRID_WORKER, Role.INFORMANT, Role.OPERATOR}


def case_code(day: date, serial: int) -> str:
    """一案一码: day + serial, e.g. 2611250042, short enough to read out on the phone."""
    return f"{day:%y%m%d}{serial:04d}"


def next_case_code(now: datetime, county_code: str) -> str:
    """The next free case number of the day.

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
    return case_code(day, serial)


def case_code_taken_apart(now: datetime, county_code: str) -> str:
    """On PostgreSQL and outside any transaction, the case's number taken in a transaction of its
    own; otherwise "" (`file_report` takes it then, inside its transaction).

    Concurrent reports all update the day's one counter row, and a row lock is held to the end of
    its transaction: taken inside the report's transaction, the number made every report wait for
    the one before it to write its rows and commit (8 clients: 124–140 reports/s, p95 134–150 ms;
    without the counter 153–174/s, p95 71–83 ms). Apart, the row is held for one statement.
    That commit does not wait for the disk (synchronous_commit off): the report's own commit comes
    later in the same log and flushes it, so a number given to a stored case is never given
    again; a crash can only forget a number no case kept. A report that fails after this leaves a
    gap in the day's numbers. On SQLite a second transaction would take the write lock twice.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return ""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return next_case_code(now, county_code)


def case_row(
    *,
    code: str,
    category: Category,
    grid: Region,
    route: Route,
    description: str,
    lon: float,
    lat: float,
    reported_at: datetime,
    source: str,
    reporter_id: int | None = None,
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    priority: str = Priority.NORMAL,
    status: str = Status.REPORTED,
    accept_deadline: datetime | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A new case's columns: the one place a case is put together, for a live report, the demo's
    simulated year and a history import alike. A plain dict, so that a bulk path can write a
    million of them without building a model instance for each.

    The caller gives a leaf category (a live report checks it; the bulk paths load only leaves).
    """
    if not category.is_active:
        raise CaseError(_("Choose a specific, active category."))
    description = description.strip()
    if not description:
        raise CaseError(_("Describe the problem."))
    return {
        "county_code": grid.county_code,
        "code": code,
        "kind": category.kind,
        "case_kind": category.case_kind,
        "category_id": category.pk,
        "description": description,
        "address": address.strip(),
        "attributes": dict(attributes or {}),
        "lon": lon,
        "lat": lat,
        "grid_id": grid.pk,
        "village_id": grid.parent_id,
        "town_id": grid.parent.parent_id,
        "source": source,
        "reporter_id": reporter_id,
        "reporter_name": reporter_name.strip(),
        "reporter_phone": reporter_phone.strip(),
        "priority": priority,
        "status": status,
        "level": route.level,
        "department_id": route.department.pk if route.department else None,
        "reported_at": reported_at,
        "accept_deadline": accept_deadline
        or deadline_after(reported_at, category.accept_limit, category.accept_unit),
    }


def build_case(*, category: Category, grid: Region, route: Route, **columns) -> Case:
    """The unsaved case of `case_row`, its category, grid and department at hand (the step
    effects read them)."""
    case = Case(**case_row(category=category, grid=grid, route=route, **columns))
    case.category, case.grid, case.department = category, grid, route.department
    case.village, case.town = grid.parent, grid.parent.parent
    return case


def _append(
    case: Case,
    actor,
    action: str,
    from_status: str,
    note: str = "",
    at: datetime | None = None,
    public_note: str = "",
) -> TimelineEntry:
    entry = TimelineEntry.objects.create(
        county_code=case.county_code,
        case=case,
        at=at or timezone.now(),
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=case.status,
        level=case.level,
        department_id=case.department_id,
        note=note,
        public_note=public_note,
    )
    record_case_event(entry)
    timeline_appended.send(sender=Case, entry=entry, case=case)
    return entry


@dataclass(frozen=True)
class CheckedPhoto:
    upload: UploadedFile
    kind: PhotoType
    display: ContentFile
    thumbnail: ContentFile


@dataclass(frozen=True)
class PreparedReport:
    """A report checked, placed, routed and put together, not yet written (`prepare_report`)."""

    case: Case
    reporter: Any
    detail_form: Any
    photos: list[CheckedPhoto]
    timeline_note: str


def report_case(**report) -> Case:
    """信息收集 → 案卷建立: place the report in its grid, route it, give it a number and a deadline.

    Takes `prepare_report`'s arguments. `details` are the facts the category's kind of case asks
    for (its detail form's fields); `attributes` the answers to the category's own questions
    (cases.attributes).
    """
    return file_report(prepare_report(**report))


def prepare_report(
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
    details: Mapping[str, Any] | None = None,
    attributes: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    timeline_note: str = "",
    questions_required: bool = True,
) -> PreparedReport:
    """Everything a report needs before it is written, done outside any transaction: the checks,
    its grid (the in-memory index), its route (memo), its answers, deadline and photos decoded.
    Under load that keeps the write lock for the inserts alone (`file_report`)."""
    if reporter is not None and reporter.role not in REPORTING_ROLES:
        raise CaseError(_("Your role cannot report cases."))
    known = catalogue()
    if not known.is_leaf(category):
        raise CaseError(_("Choose a specific, active category."))
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty as error:
        raise CaseError(str(error)) from error
    # A channel that cannot ask them (a 12345 order) files without the kind's details: the kind
    # makes its record when its first step is taken (disputes.services.detail_for).
    asked = details is not None or questions_required
    detail_form = _detail_form(category, details) if asked else None
    answers = clean_attributes(
        category,
        attributes,
        fields=known.questions_of(category),
        require_answers=questions_required,
    )
    checked_photos = _checked_photos(photos)
    now = now or timezone.now()
    case = build_case(
        code="",
        category=category,
        grid=grid,
        route=route_for(category, grid),
        description=description,
        lon=lon,
        lat=lat,
        reported_at=now,
        source=source,
        reporter_id=reporter.pk if reporter is not None else None,
        address=address,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        priority=priority,
        attributes=answers,
    )
    on_report = get_kind(category.case_kind).on_report
    if on_report is not None and detail_form is not None:
        on_report(case, detail_form.cleaned_data)
    case.code = case_code_taken_apart(now, case.county_code)  # last: refused reports take none
    return PreparedReport(case, reporter, detail_form, checked_photos, timeline_note)


@removed_on_rollback  # the photo files it wrote, if it fails
@transaction.atomic
def file_report(report: PreparedReport) -> Case:
    """Write a prepared report: its number, the case, its details and photos, its timeline row
    (and with it the outbox's event), in one transaction."""
    case = report.case
    case.code = case.code or next_case_code(case.reported_at, case.county_code)
    case.save(force_insert=True)
    if report.detail_form is not None:
        detail = report.detail_form.save(commit=False)
        detail.case = case
        detail.save()
        report.detail_form.save_m2m()  # and the rows a detail form keeps beside it
    _write_photos(case, report.photos, report.reporter, case.reported_at)
    _append(case, report.reporter, "report", "", note=report.timeline_note, at=case.reported_at)
    return case


def _detail_form(category: Category, details: Mapping[str, Any] | None):
    """The category's kind's detail form, checked; None when the kind keeps no details."""
    detail = get_kind(category.case_kind).detail
    if detail is None:
        return None
    form = detail.form(data=dict(details or {}))
    if not form.is_valid():
        raise InputError({name: list(errors) for name, errors in form.errors.items()})
    return form


def _store_photos(case: Case, photos: Sequence[UploadedFile], user, now: datetime) -> None:
    _write_photos(case, _checked_photos(photos), user, now)


def _checked_photos(photos: Sequence[UploadedFile]) -> list[CheckedPhoto]:
    """Each upload's real type (cases.photos) and its display size and thumbnail; a file that is
    not a photo, or that cannot be decoded, is refused, whoever calls (the forms check it too)."""
    checked = []
    for upload in photos or ():
        kind = photo_type(upload)
        if kind is None:
            raise InputError({"photos": [not_a_photo(upload.name)]})
        try:
            display, thumbnail = smaller_copies(upload)
        except UnreadablePhoto:
            raise InputError({"photos": [damaged_photo(upload.name)]}) from None
        checked.append(CheckedPhoto(upload, kind, display, thumbnail))
    return checked


def _write_photos(case: Case, photos: Sequence[CheckedPhoto], user, now: datetime) -> None:
    """Each photo under a generated name with the extension of its real type, with its display
    size and thumbnail, at the stage the case has reached (上报, 处置反馈, 核查 …)."""
    for checked in photos:
        photo = CasePhoto(
            county_code=case.county_code,
            case=case,
            uploaded_by=user,
            uploaded_at=now,
            stage=case.status,
        )
        for field, content, extension in (
            (photo.image, checked.upload, checked.kind.extension),
            (photo.display, checked.display, "jpg"),
            (photo.thumbnail, checked.thumbnail, "jpg"),
        ):
            field.save(f"photo.{extension}", content, save=False)
            note_written(field)  # deleted again if the service fails after this
        photo.save()


def ensure_may_take(user, case: Case, transition: Transition) -> None:
    """CaseError, in the user's words, unless the workflow gives this user this step now."""
    if not can_take(user, case, transition):
        raise CaseError(
            _("You cannot “%(action)s” this case while it is “%(status)s”.")
            % {"action": transition.label, "status": case.get_status_display()}
        )


@removed_on_rollback  # the photo files it wrote, if it fails
@transaction.atomic
def take_action(
    case: Case,
    user,
    action: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> Case:
    """Move a case one step, if the workflow lets this user take that step now.

    `inputs` are what the step declares (workflow.Transition.inputs) plus its note; they are
    checked here by the step's own fields, whoever calls: the case page, the API, the demo.
    """
    transition = find_transition(action)
    if transition is None:
        raise CaseError(_("Unknown action “%(action)s”.") % {"action": action})
    case = Case.objects.select_for_update().select_related("category", "grid").get(pk=case.pk)
    ensure_may_take(user, case, transition)
    cleaned = transition.clean_inputs(case, inputs or {})
    refusal = guard_refusal(case, action, cleaned)
    if refusal:
        raise CaseError(refusal)
    now = now or timezone.now()
    from_status, category_id = case.status, case.category_id
    apply_transition(case, user, transition, now, cleaned)
    case.save()
    if case.category_id != category_id:
        case_recategorised.send(sender=Case, case=case, old_category_id=category_id)
    _store_photos(case, cleaned.get("photos"), user, now)
    _append(
        case,
        user,
        action,
        from_status,
        note=cleaned["note"],
        public_note=cleaned.get("public_note", ""),
        at=now,
    )
    after = AFTER_STEP.get(action)
    if after is not None:
        after(case, user, now)
    return case


def _after_merge(duplicate: Case, user, now: datetime) -> None:
    """合并: the surviving case says so on its own timeline (and so its followers hear of it),
    and the apps built on the core move what followed the duplicate (cases.signals)."""
    survivor = Case.objects.select_for_update().get(pk=duplicate.merged_into_id)
    if not may_see(user, survivor):
        raise CaseError(_("You cannot open the case you are merging into."))
    _append(survivor, user, "merge_in", survivor.status, note=duplicate.code, at=now)
    case_merged.send(sender=Case, duplicate=duplicate, survivor=survivor)


# What a step does to other rows once its case is saved, in the same transaction.
AFTER_STEP = {"merge": _after_merge}


# --- the reporter's own say, after closure ------------------------------------------------------


def _closed_for_update(case: Case) -> Case:
    case = Case.objects.select_for_update().select_related("category").get(pk=case.pk)
    if case.status != Status.CLOSED:
        raise CaseError(_("Only a closed case that is not yet evaluated can be rated."))
    return case


@transaction.atomic
def evaluate_by_reporter(case: Case, rating: int, note: str, now: datetime | None = None) -> Case:
    """评价 by the reporter: the case is evaluated with their rating (1–5) and comment."""
    case = _closed_for_update(case)
    case.rating = rating
    case.status = Status.EVALUATED
    case.save()
    _append(case, None, "resident_rating", Status.CLOSED, note=note, at=now)
    return case


@transaction.atomic
def reopen_for_reporter(
    case: Case, note: str, *, to_centre: bool, now: datetime | None = None
) -> Case:
    """The reporter says it is not fixed. The first time the case goes back to its department for
    rework (返工) with a new deadline; after that it goes to the county centre, under
    supervision (督办), to dispatch again."""
    now = now or timezone.now()
    case = _closed_for_update(case)
    case.rework_count += 1
    case.closed_at = case.fed_back_at = None
    if to_centre:
        action = "resident_supervise"
        case.status, case.level = Status.ACCEPTED, Level.COUNTY
        case.dispatched_at = case.handle_deadline = None
        case.supervised_at = now
    else:
        action = "resident_rework"
        case.status = Status.HANDLING
        case.handle_deadline = deadline_after(
            now, case.category.handle_limit, case.category.handle_unit
        )
    case.save()
    _append(case, None, action, Status.CLOSED, note=note, at=now)
    return case


def apply_transition(
    case: Case, user, transition: Transition, now: datetime, inputs: Mapping[str, Any]
) -> None:
    """A step's effect and new status on the case in memory, its inputs already checked.

    The caller has checked who may take it and saves: `take_action`, or the demo's simulated
    year, which walks its cases through the same effects.
    """
    transition.effect(case, user, now, inputs)
    if transition.target is not None:
        case.status = transition.target


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
            supervise(case, now)
            flagged += 1
    return flagged


def supervise(case: Case, now: datetime, note: str = "") -> None:
    """督办 by the system, on a case the caller holds locked: flagged, with a timeline entry
    saying why (a kind's own deadlines, such as an emergency's reports, use it too)."""
    case.supervised_at = case.supervised_at or now
    case.save(update_fields=["supervised_at", "updated_at"])
    _append(case, None, "supervise", case.status, note=note, at=now)


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
def install_categories(text: str, case_kind: str = "") -> list[Category]:
    """Create or update the category tree with deadlines and its default (county-wide) routing.

    A department code that names a per-town office (派出所 `pcs` …) gives one rule per town.
    """
    rows = list(csv_reader(text))
    by_code: dict[str, Category] = {}
    county = instance_county()
    towns = list(Region.objects.filter(level=Level.TOWN, parent=county).order_by("code"))
    departments = Department.objects.filter(county_code=county.code)
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
            "case_kind": case_kind,
            "county_code": county.code,
        }
        if row.get("retention_years"):  # an optional column: how long its personal data stays
            defaults["retention_years"] = int(row["retention_years"])
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
        if departments.filter(code=row["department"]).exists():
            targets = [(county, departments.get(code=row["department"]))]
        else:
            targets = [
                (
                    town,
                    departments.filter(code=town_department_code(row["department"], town)).first(),
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
                defaults={
                    "department": department,
                    "level": row["level"],
                    "county_code": county.code,
                },
            )
    if errors:
        raise CaseError("\n".join(errors))
    return list(by_code.values())


def install_category_fields(text: str) -> list[CategoryField]:
    """Create or update categories' questions from CSV: category_code, code, label, label_en,
    datatype, required (yes/no), choices (key|中文|English, separated by ;), order."""
    installed, errors = [], []
    categories = {category.code: category for category in Category.objects.all()}
    for number, row in enumerate(csv_reader(text), start=2):
        row = {key: (value or "").strip() for key, value in row.items()}
        category = categories.get(row["category_code"])
        if category is None:
            errors.append(
                _("line %(number)s: no category %(code)s")
                % {"number": number, "code": row["category_code"]}
            )
            continue
        field = CategoryField.objects.filter(category=category, code=row["code"]).first()
        field = field or CategoryField(category=category, code=row["code"])
        field.county_code = category.county_code
        field.label, field.label_en = row["label"], row["label_en"]
        field.datatype, field.required = row["datatype"], row["required"] == "yes"
        field.choices = "\n".join(part.strip() for part in row["choices"].split(";") if part)
        field.order = int(row["order"]) if row["order"].isdigit() else 0
        try:
            field.full_clean()
        except ValidationError as error:
            messages = "; ".join(message for ms in error.message_dict.values() for message in ms)
            errors.append(_("line %(number)s: %(errors)s") % {"number": number, "errors": messages})
            continue
        field.save()
        installed.append(field)
    if errors:
        raise CaseError("\n".join(errors))
    return installed


def install_kind_categories() -> list[Category]:
    """Every registered kind's own categories, with their routing and their questions."""
    installed = []
    for kind in registered_kinds():
        if kind.categories_csv is not None:
            text = kind.categories_csv.read_text(encoding="utf-8")
            installed += install_categories(text, case_kind=kind.code)
        if kind.category_fields_csv is not None:
            install_category_fields(kind.category_fields_csv.read_text(encoding="utf-8"))
    return installed
