"""The actions of safe-unit creation (平安创建): installing the checklists and sectors, registering
a unit, recording an inspection whose failed items become hazard cases, and the 平安单位 rule,
which a unit meets at an inspection and loses when one of its hazards passes its deadline."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.errors import CaseError, InputError
from cases.models import Case, Category, Priority, Source
from cases.photos import (
    UnreadablePhoto,
    damaged_photo,
    not_a_photo,
    note_written,
    photo_type,
    removed_on_rollback,
    smaller_copies,
)
from cases.services import REPORTING_ROLES, report_case
from territory.counties import instance_county
from territory.grid_index import PointOutsideCounty, locate_grid
from wangge.csvtext import csv_reader

from .models import (
    KIND,
    Checklist,
    ChecklistItem,
    HazardDetail,
    Inspection,
    InspectionPhoto,
    ItemResult,
    SafeStatus,
    Sector,
    StatusChange,
    StatusReason,
    Unit,
)
from .selectors import checklist_items, first_overdue_hazard, may_inspect, may_register

DATA = Path(__file__).parent / "data"

__all__ = [
    "Answer",
    "install_safety",
    "lose_lapsed_units",
    "record_inspection",
    "register_unit",
    "score_of",
]


# --- reference data ------------------------------------------------------------------------------


def _line_errors(rows, check) -> list[str]:
    errors = []
    for number, row in enumerate(rows, start=2):
        for message in check(row):
            errors.append(_("line %(number)s: %(error)s") % {"number": number, "error": message})
    return errors


def _clean(rows) -> list[dict[str, str]]:
    return [{key: (value or "").strip() for key, value in row.items()} for row in rows]


def _check_item(row: dict[str, str]) -> list[str]:
    problems = []
    if not row.get("checklist_code") or not row.get("checklist_name") or not row.get("text"):
        problems.append(_("checklist_code, checklist_name and text are required"))
    if not row.get("order", "").isdigit():
        problems.append(_("order must be a whole number"))
    if not row.get("weight", "").isdigit() or int(row["weight"]) < 1:
        problems.append(_("weight must be a whole number of at least 1"))
    if row.get("veto") not in ("yes", "no"):
        problems.append(_("veto must be yes or no"))
    try:
        if not 0 <= Decimal(row.get("pass_mark") or "x") <= 100:
            raise ValueError
    except (ArithmeticError, ValueError):
        problems.append(_("pass_mark must be a number from 0 to 100"))
    return problems


@transaction.atomic
def install_checklists(text: str) -> list[Checklist]:
    """Create or update checklists and their items from CSV (checklist_code, checklist_name,
    pass_mark, order, text, guidance, weight, veto yes/no): an item is known by its checklist and
    order; items no longer listed are deactivated, not deleted (past inspections name them)."""
    rows = _clean(csv_reader(text))
    errors = _line_errors(rows, _check_item)
    if errors:
        raise CaseError("\n".join(errors))
    county = instance_county().code
    checklists: dict[str, Checklist] = {}
    listed: dict[str, set[int]] = {}
    for row in rows:
        code = row["checklist_code"]
        if code not in checklists:
            checklists[code], _created = Checklist.objects.update_or_create(
                county_code=county,
                code=code,
                defaults={"name": row["checklist_name"], "pass_mark": Decimal(row["pass_mark"])},
            )
        checklist = checklists[code]
        order = int(row["order"])
        listed.setdefault(code, set()).add(order)
        item = ChecklistItem.objects.filter(checklist=checklist, order=order).first()
        item = item or ChecklistItem(checklist=checklist, order=order, county_code=county)
        item.text, item.guidance = row["text"], row.get("guidance", "")
        item.weight, item.veto, item.is_active = int(row["weight"]), row["veto"] == "yes", True
        item.save()
    for code, checklist in checklists.items():
        checklist.items.exclude(order__in=listed[code]).update(is_active=False)
    return list(checklists.values())


@transaction.atomic
def install_sectors(text: str) -> list[Sector]:
    """Create or update sectors from CSV (code, name, category_code, checklist_code, order): the
    category must be a leaf of the kind `hazard` (install the kinds' categories first)."""
    rows = _clean(csv_reader(text))
    county = instance_county().code
    categories = {c.code: c for c in Category.objects.filter(case_kind=KIND, children__isnull=True)}
    checklists = {c.code: c for c in Checklist.objects.filter(county_code=county)}

    def check(row):
        if not row.get("code") or not row.get("name"):
            yield _("code and name are required")
        if row.get("category_code") not in categories:
            yield _("no hazard category %(code)s (install the categories first)") % {
                "code": row.get("category_code")
            }
        if row.get("checklist_code") not in checklists:
            yield _("no checklist %(code)s") % {"code": row.get("checklist_code")}

    errors = _line_errors(rows, lambda row: list(check(row)))
    if errors:
        raise CaseError("\n".join(errors))
    sectors = []
    for row in rows:
        sector, _created = Sector.objects.update_or_create(
            county_code=county,
            code=row["code"],
            defaults={
                "name": row["name"],
                "category": categories[row["category_code"]],
                "checklist": checklists[row["checklist_code"]],
                "order": int(row["order"]) if row.get("order", "").isdigit() else 0,
            },
        )
        sectors.append(sector)
    return sectors


def install_safety() -> list[Sector]:
    """The shipped checklist ("十有十没有") and the ten sectors (safety/data), idempotent: after
    `install_kind_categories()`, which installs the hazard categories and their routing."""
    install_checklists((DATA / "checklists.csv").read_text(encoding="utf-8"))
    return install_sectors((DATA / "sectors.csv").read_text(encoding="utf-8"))


# --- units ---------------------------------------------------------------------------------------


def register_unit(
    user,
    *,
    name: str,
    sector: Sector,
    lon: float,
    lat: float,
    address: str = "",
    at: datetime | None = None,
) -> Unit:
    """Register a unit at its place, in the registering centre's area (one name per grid)."""
    if not may_register(user):
        raise CaseError(_("Only a centre's operators register units."))
    name = name.strip()
    if not name:
        raise InputError({"name": [_("Name the unit.")]})
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty as error:
        raise InputError({"lon": [str(error)]}) from error
    if not user.region.contains(grid):
        raise InputError({"lon": [_("This place lies outside your area.")]})
    if Unit.objects.filter(county_code=grid.county_code, grid_id=grid.pk, name=name).exists():
        raise InputError({"name": [_("A unit of this name is registered in this grid already.")]})
    return Unit.objects.create(
        county_code=grid.county_code,
        name=name,
        sector=sector,
        address=address.strip(),
        lon=lon,
        lat=lat,
        grid_id=grid.pk,
        village_id=grid.parent_id,
        town_id=grid.parent.parent_id,
        registered_by=user,
        registered_at=at or timezone.now(),
    )


# --- inspections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One item's result as the inspector gave it; photos of a failed item go to its hazard."""

    passed: bool
    note: str = ""
    photos: Sequence[UploadedFile] = ()


def score_of(results: Sequence[tuple[int, bool]]) -> Decimal:
    """Σ weights of the items passed ÷ Σ weights of all items × 100, to one decimal (half up)."""
    total = sum(weight for weight, _passed in results)
    if total <= 0:
        raise CaseError(_("The checklist has no items to score."))
    passed = sum(weight for weight, ok in results if ok)
    return (Decimal(100 * passed) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class _CheckedPhoto:
    upload: UploadedFile
    extension: str
    display: ContentFile
    thumbnail: ContentFile


def _checked_photos(uploads: Sequence[UploadedFile], field: str) -> list[_CheckedPhoto]:
    """Each upload's real type and its two smaller copies (cases.photos); a file that is not a
    photo, or cannot be decoded, is refused under the form's field name."""
    checked = []
    for upload in uploads or ():
        kind = photo_type(upload)
        if kind is None:
            raise InputError({field: [not_a_photo(upload.name)]})
        try:
            display, thumbnail = smaller_copies(upload)
        except UnreadablePhoto:
            raise InputError({field: [damaged_photo(upload.name)]}) from None
        checked.append(_CheckedPhoto(upload, kind.extension, display, thumbnail))
    return checked


def record_inspection(
    unit: Unit,
    inspector,
    answers: Mapping[int, Answer],
    *,
    note: str = "",
    photos: Sequence[UploadedFile] = (),
    at: datetime | None = None,
) -> Inspection:
    """An inspection of the unit against its sector's checklist, `answers` by checklist item id:
    every active item needs one. Scored, each failed item filed as a hazard case (routed as any
    case of its sector's category), and the 平安单位 rule applied, in one transaction."""
    if not may_inspect(inspector, unit):
        raise CaseError(_("You may not inspect this unit."))
    items = checklist_items(unit)
    missing = {
        f"item-{item.pk}": [_("Say whether “%(item)s” passed or failed.") % {"item": item.text}]
        for item in items
        if item.pk not in answers
    }
    if missing:
        raise InputError(missing)
    unknown = set(answers) - {item.pk for item in items}
    if unknown:
        raise InputError({"__all__": [_("Some answers are for items not on this checklist.")]})
    checked = _checked_photos(photos, "photos")
    for item in items:  # refused before anything is written; report_case files them
        _checked_photos(answers[item.pk].photos, f"photos-{item.pk}")
    return _write_inspection(unit, inspector, items, answers, note.strip(), checked, at)


@removed_on_rollback  # the photo files it wrote, if it fails
@transaction.atomic
def _write_inspection(unit, inspector, items, answers, note, photos, at) -> Inspection:
    at = at or timezone.now()
    unit = (  # only the unit's row is locked: inspections of a sector's units run side by side
        Unit.objects.select_for_update(of=("self",))
        .select_related("sector__category", "sector__checklist")
        .get(pk=unit.pk)
    )
    checklist = unit.sector.checklist
    score = score_of([(item.weight, answers[item.pk].passed) for item in items])
    vetoed = any(item.veto and not answers[item.pk].passed for item in items)
    inspection = Inspection.objects.create(
        county_code=unit.county_code,
        unit=unit,
        checklist=checklist,
        inspector=inspector,
        at=at,
        score=score,
        pass_mark=checklist.pass_mark,
        vetoed=vetoed,
        passed=score >= checklist.pass_mark and not vetoed,
        note=note,
    )
    results = ItemResult.objects.bulk_create(
        ItemResult(
            county_code=unit.county_code,
            inspection=inspection,
            item=item,
            text=item.text,
            weight=item.weight,
            veto=item.veto,
            passed=answers[item.pk].passed,
            note=answers[item.pk].note.strip(),
        )
        for item in items
    )
    _write_photos(inspection, photos)
    for item, result in zip(items, results, strict=True):
        if not result.passed:
            _file_hazard(unit, inspection, result, inspector, answers[item.pk].photos)
    status, reason, case = status_by_rule(inspection)
    change_status(unit, status, reason, at, inspection=inspection, case=case)
    return inspection


def _write_photos(inspection: Inspection, photos: Sequence[_CheckedPhoto]) -> None:
    for checked in photos:
        photo = InspectionPhoto(county_code=inspection.county_code, inspection=inspection)
        for field, content, extension in (
            (photo.image, checked.upload, checked.extension),
            (photo.display, checked.display, "jpg"),
            (photo.thumbnail, checked.thumbnail, "jpg"),
        ):
            field.save(f"photo.{extension}", content, save=False)
            note_written(field)  # deleted again if the inspection fails after this
        photo.save()


def _file_hazard(unit: Unit, inspection: Inspection, result: ItemResult, inspector, photos) -> Case:
    """安全隐患: one case per failed item, at the unit's place, under its sector's category, so the
    core gives it a grid, a number, a department and deadlines. The inspector reports it if their
    role reports cases; a department's handler is named on its timeline instead."""
    description = _("Safe-unit inspection of %(unit)s (%(sector)s): “%(item)s” not met.") % {
        "unit": unit.name,
        "sector": unit.sector.name,
        "item": result.text,
    }
    if result.note:
        description = f"{description}\n{result.note}"
    who = str(inspector)
    if inspector.department_id:
        who = f"{who}（{inspector.department}）"
    case = report_case(
        reporter=inspector if inspector.role in REPORTING_ROLES else None,
        category=unit.sector.category,
        description=description,
        lon=unit.lon,
        lat=unit.lat,
        source=Source.GRID_WORKER,
        address=unit.address or unit.name,
        priority=Priority.URGENT if result.veto else Priority.NORMAL,
        photos=photos,
        details={},
        now=inspection.at,
        timeline_note=_("Found at the safe-unit inspection of %(unit)s by %(inspector)s.")
        % {"unit": unit.name, "inspector": who},
    )
    HazardDetail.objects.filter(case=case).update(unit=unit, inspection=inspection, result=result)
    return case


# --- the 平安单位 rule ----------------------------------------------------------------------------


def status_by_rule(inspection: Inspection) -> tuple[str, str, Case | None]:
    """平安单位, written once: the unit's latest inspection passed (its checklist's pass mark
    reached, no veto item failed) and none of its hazard cases is past its deadline unresolved.
    (status, reason, the overdue hazard if that is the reason)."""
    if inspection.vetoed:
        return SafeStatus.NOT_SAFE, StatusReason.VETO, None
    overdue = first_overdue_hazard(inspection.unit, inspection.at)
    if overdue is not None:
        return SafeStatus.NOT_SAFE, StatusReason.OVERDUE, overdue
    if not inspection.passed:
        return SafeStatus.NOT_SAFE, StatusReason.LOW_SCORE, None
    return SafeStatus.SAFE, StatusReason.EARNED, None


def change_status(
    unit: Unit,
    status: str,
    reason: str,
    at: datetime,
    *,
    inspection: Inspection | None = None,
    case: Case | None = None,
) -> bool:
    """Set the unit's status, on a unit the caller holds locked, appending the change to its log;
    False when it holds that status already (nothing is written)."""
    if unit.status == status:
        return False
    unit.status, unit.status_since = status, at
    unit.save(update_fields=["status", "status_since"])
    StatusChange.objects.create(
        county_code=unit.county_code,
        unit=unit,
        at=at,
        status=status,
        reason=reason,
        inspection=inspection,
        case=case,
    )
    return True


def lose_lapsed_units(now: datetime | None = None) -> int:
    """摘牌: each 平安单位 with a hazard case past its deadline unresolved loses the status, dated
    when that deadline passed (the huey worker runs this every five minutes; inspections apply
    the same rule). How many units lost it."""
    now = now or timezone.now()
    lapsed = set(
        HazardDetail.objects.filter(
            unit__status=SafeStatus.SAFE, case__in=Case.objects.overdue(now)
        ).values_list("unit_id", flat=True)
    )
    lost = 0
    for unit_id in sorted(lapsed):
        with transaction.atomic():
            unit = Unit.objects.select_for_update().get(pk=unit_id)
            case = first_overdue_hazard(unit, now) if unit.is_safe else None
            if case is None:
                continue
            since = unit.status_since or case.current_deadline()
            at = min(now, max(case.current_deadline(), since))
            lost += change_status(unit, SafeStatus.NOT_SAFE, StatusReason.OVERDUE, at, case=case)
    return lost
