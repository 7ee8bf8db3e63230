"""Every change to figures: entering, the steps of a report (submit, approve, return, reopen) and
the county's import of grid counts. One transaction each, each appending its history."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staff.models import REGION_ROLES, Role, User
from territory.models import LEVEL_ORDER, Level, Region

from .models import (
    EDITABLE,
    Action,
    DataElement,
    DataSet,
    DataValue,
    HistoryEntry,
    Report,
    Status,
    ValueType,
)
from .periods import BadPeriod, check_period
from .rules import check_rules

#: The largest figure a value holds (14 digits, 2 after the point).
MAX_VALUE = Decimal("999999999999.99")


class IndicatorError(Exception):
    """A refusal a user can act on, said in their language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class FiguresRefused(IndicatorError):
    """Figures that break a rule or are not figures: messages by element code ("" for the form)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(dict.fromkeys(m for ms in errors.values() for m in ms)))


# --- who may do what -------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _admin(user) -> bool:
    return user.role == Role.ADMIN or user.is_superuser


def _office_handler(user, data_set: DataSet, region: Region) -> bool:
    department = user.department if user.role == Role.HANDLER else None
    return (
        department is not None
        and bool(data_set.office)
        and department.code == data_set.office
        and department.county_code == data_set.county_code
        and region.path.startswith(department.region.path)
    )


def may_view(user, data_set: DataSet, region: Region) -> bool:
    """Figures of one's own area only: a grid worker their grid, a centre its subtree, the
    responsible office its data set."""
    if not _active(user):
        return False
    if _admin(user):
        return True
    if _office_handler(user, data_set, region):
        return True
    if user.role in REGION_ROLES and user.region_id:
        return region.path.startswith(user.region.path)
    return False


def may_enter(user, data_set: DataSet, region: Region) -> bool:
    """The responsible office, or the data set's role at the region itself (its centre's
    operator, its own grid worker), and administrators."""
    if not _active(user) or region.level != data_set.level:
        return False
    if region.county_code != data_set.county_code:
        return False
    if _admin(user) or _office_handler(user, data_set, region):
        return True
    return user.role == data_set.entry_role and user.region_id == region.pk


def may_approve(user, data_set: DataSet, region: Region) -> bool:
    """Operators of the approving level's centre (or a centre above) over the region, and
    administrators. Whether they submitted it themselves is checked on the step."""
    if not _active(user):
        return False
    if _admin(user):
        return True
    if user.role != Role.OPERATOR or user.region_id is None:
        return False
    at_or_above = LEVEL_ORDER.index(user.region.level) <= LEVEL_ORDER.index(data_set.approval_level)
    return at_or_above and region.path.startswith(user.region.path)


def may_import(user, data_set: DataSet) -> bool:
    """The county's import of a whole level: the county centre and administrators."""
    if not _active(user):
        return False
    if _admin(user):
        return True
    return user.role == Role.OPERATOR and user.region_id and user.region.level == Level.COUNTY


# --- the figures themselves ------------------------------------------------------------------


def elements_of(data_set: DataSet) -> list[DataElement]:
    return [member.element for member in data_set.members.select_related("element")]


def check_value(element: DataElement, value: Decimal) -> str | None:
    """Why this value is not a figure of the element, or None."""
    if value < 0:
        return _("%(name)s cannot be negative.") % {"name": element.label}
    if value > MAX_VALUE:
        return _("%(name)s is too large.") % {"name": element.label}
    if element.value_type == ValueType.WHOLE and value != value.to_integral_value():
        return _("%(name)s is a whole number.") % {"name": element.label}
    if value != value.quantize(Decimal("0.01")):
        return _("%(name)s has at most 2 decimal places.") % {"name": element.label}
    return None


def validate_figures(
    data_set: DataSet,
    elements: dict[str, DataElement],
    values: Mapping[str, Decimal | None],
    *,
    complete: bool = False,
) -> dict[str, list[str]]:
    """Errors by element code: values that are not figures, rules broken by the entered figures,
    and (to submit) the figures not entered."""
    errors: dict[str, list[str]] = {}
    for code, value in values.items():
        problem = check_value(elements[code], value) if value is not None else None
        if problem:
            errors.setdefault(code, []).append(problem)
    if errors:
        return errors
    if complete:
        missing = [code for code in elements if values.get(code) is None]
        for code in missing:
            errors.setdefault(code, []).append(_("Not entered."))
        if missing:
            errors.setdefault("", []).append(
                _("Enter every figure before submitting; not entered: %(names)s.")
                % {"names": "、".join(elements[code].label for code in missing)}
            )
    for breach in check_rules(list(data_set.rules.all()), values, elements):
        for code in breach.codes:
            errors.setdefault(code, []).append(breach.message)
        errors.setdefault("", []).append(breach.message)
    return errors


def _values_of(report: Report | None) -> dict[str, Decimal]:
    if report is None or report.pk is None:
        return {}
    return {value.element.code: value.value for value in report.values.select_related("element")}


def _history(report, actor, action, now, element=None, old=None, new=None, note="") -> HistoryEntry:
    return HistoryEntry(
        county_code=report.county_code,
        report=report,
        at=now,
        actor=actor,
        action=action,
        element=element,
        old_value=old,
        new_value=new,
        note=note,
    )


def _locked_report(data_set: DataSet, region: Region, period: str, now: datetime) -> Report:
    report, _created = Report.objects.select_for_update().get_or_create(
        data_set=data_set,
        region=region,
        period=period,
        defaults={"county_code": data_set.county_code, "updated_at": now},
    )
    return report


@transaction.atomic
def save_figures(
    data_set: DataSet,
    region: Region,
    period: str,
    user: User,
    values: Mapping[str, Decimal | None],
    *,
    now: datetime | None = None,
) -> Report:
    """Enter or change a report's figures (None: not entered). Refused whole if any figure is
    not one or the figures break a rule; every change is appended to the history, old → new."""
    now = now or timezone.now()
    if not may_enter(user, data_set, region):
        raise PermissionDenied(_("You do not enter the figures of this data set for this region."))
    try:
        check_period(data_set.period_type, period)
    except BadPeriod as error:
        raise IndicatorError(str(error)) from None
    elements = {element.code: element for element in elements_of(data_set)}
    unknown = set(values) - set(elements)
    if unknown:
        raise IndicatorError(
            _("Not figures of this data set: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    report = _locked_report(data_set, region, period, now)
    if not report.editable:
        raise IndicatorError(
            _("This report is %(status)s: its figures are locked.")
            % {"status": report.get_status_display()}
        )
    before = _values_of(report)
    after = {**before, **{code: value for code, value in values.items()}}
    after = {code: value for code, value in after.items() if value is not None}
    errors = validate_figures(data_set, elements, {c: after.get(c) for c in elements})
    if errors:
        raise FiguresRefused(errors)
    history = []
    for code, element in elements.items():
        old, new = before.get(code), after.get(code)
        if old == new:
            continue
        if new is None:
            DataValue.objects.filter(report=report, element=element).delete()
            action = Action.CLEAR
        else:
            DataValue.objects.update_or_create(
                report=report,
                element=element,
                defaults={"county_code": report.county_code, "value": new},
            )
            action = Action.ENTER if old is None else Action.CHANGE
        history.append(_history(report, user, action, now, element, old, new))
    HistoryEntry.objects.bulk_create(history)
    report.updated_at = now
    report.save(update_fields=["updated_at"])
    return report


# --- the steps of a report, as one table -----------------------------------------------------

ENTERER, APPROVER = "enterer", "approver"


@dataclass(frozen=True)
class Step:
    action: str
    label: object
    sources: tuple[str, ...]
    target: str
    who: str  # ENTERER: may_enter; APPROVER: may_approve, never the one who submitted
    needs_reason: bool = False


STEPS = {
    step.action: step
    for step in (
        Step(
            Action.SUBMIT, gettext_lazy("Submit for approval"), EDITABLE, Status.SUBMITTED, ENTERER
        ),
        Step(
            Action.APPROVE, gettext_lazy("Approve"), (Status.SUBMITTED,), Status.APPROVED, APPROVER
        ),
        Step(
            Action.RETURN,
            gettext_lazy("Return for correction"),
            (Status.SUBMITTED,),
            Status.RETURNED,
            APPROVER,
            needs_reason=True,
        ),
        Step(
            Action.REOPEN,
            gettext_lazy("Reopen for correction"),
            (Status.APPROVED,),
            Status.DRAFT,
            APPROVER,
            needs_reason=True,
        ),
    )
}


def may_take(user, report: Report, step: Step) -> bool:
    if report.status not in step.sources:
        return False
    if step.who == ENTERER:
        return may_enter(user, report.data_set, report.region)
    return may_approve(user, report.data_set, report.region)


def steps_for(user, report: Report | None) -> list[Step]:
    if report is None or report.pk is None:
        return []
    return [step for step in STEPS.values() if may_take(user, report, step)]


@transaction.atomic
def take_step(
    report: Report, user: User, action: str, reason: str = "", *, now: datetime | None = None
) -> Report:
    """Submit, approve, return or reopen a report, as the table above allows."""
    now = now or timezone.now()
    step = STEPS[action]
    report = (
        Report.objects.select_for_update().select_related("data_set", "region").get(pk=report.pk)
    )
    if report.status not in step.sources:
        raise IndicatorError(
            _("This report is %(status)s: it cannot be %(step)s now.")
            % {"status": report.get_status_display(), "step": step.label}
        )
    if not may_take(user, report, step):
        raise PermissionDenied(_("You may not take this step on this report."))
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise IndicatorError(_("Say why, so that whoever corrects it knows what to change."))
    if action == Action.APPROVE and report.submitted_by_id == user.pk:
        raise IndicatorError(_("Figures are approved by someone other than who submitted them."))
    if action == Action.SUBMIT:
        data_set = report.data_set
        elements = {element.code: element for element in elements_of(data_set)}
        values = _values_of(report)
        errors = validate_figures(
            data_set, elements, {c: values.get(c) for c in elements}, complete=True
        )
        if errors:
            raise FiguresRefused(errors)
        report.submitted_by, report.submitted_at, report.return_reason = user, now, ""
    elif action == Action.APPROVE:
        report.approved_by, report.approved_at = user, now
    elif action == Action.RETURN:
        report.return_reason = reason
    elif action == Action.REOPEN:
        report.approved_by, report.approved_at, report.return_reason = None, None, reason
    report.status = step.target
    report.updated_at = now
    report.save()
    _history(report, user, action, now, note=reason).save()
    return report


@transaction.atomic
def approve_all(
    data_set: DataSet, period: str, region: Region, user: User, *, now: datetime | None = None
) -> int:
    """Approve every submitted report under the region that this user may approve and did not
    submit (after a county import, say); how many were approved."""
    now = now or timezone.now()
    reports = list(
        Report.objects.select_for_update()
        .select_related("region")
        .filter(
            data_set=data_set,
            period=period,
            status=Status.SUBMITTED,
            region__path__startswith=region.path,
        )
        .exclude(submitted_by=user)
    )
    reports = [r for r in reports if may_approve(user, data_set, r.region)]
    for report in reports:
        report.status, report.approved_by, report.approved_at = Status.APPROVED, user, now
        report.updated_at = now
    Report.objects.bulk_update(
        reports, ["status", "approved_by", "approved_at", "updated_at"], batch_size=500
    )
    HistoryEntry.objects.bulk_create(
        [_history(report, user, Action.APPROVE, now) for report in reports], batch_size=1000
    )
    return len(reports)


# --- many reports at once: the county's import, the demo -------------------------------------


def store_reports(
    data_set: DataSet,
    period: str,
    entries: list[tuple[Region, dict[str, Decimal]]],
    submitter: Callable[[Region], User],
    *,
    action: str = Action.IMPORT,
    approver: Callable[[Region], User | None] | None = None,
    note: str = "",
    now: datetime,
) -> tuple[int, int]:
    """Write checked, complete figures for many regions in bulk, submitted (and approved, for the
    demo, by someone else) with their history; (reports created, reports updated). The caller
    has checked every entry, and that none of the reports is approved."""
    elements = {element.code: element for element in elements_of(data_set)}
    existing = {
        report.region_id: report
        for report in Report.objects.filter(
            data_set=data_set, period=period, region__in=[region for region, _v in entries]
        )
    }
    old_values: dict[int, dict[str, DataValue]] = {}
    for value in DataValue.objects.filter(report__in=existing.values()).select_related("element"):
        old_values.setdefault(value.report_id, {})[value.element.code] = value
    reports, new_reports = [], []
    for region, _values in entries:
        report = existing.get(region.pk) or Report(
            county_code=data_set.county_code, data_set=data_set, region=region, period=period
        )
        by, approving = submitter(region), approver(region) if approver else None
        report.status = Status.APPROVED if approving else Status.SUBMITTED
        report.submitted_by, report.submitted_at, report.return_reason = by, now, ""
        report.approved_by, report.approved_at = approving, now if approving else None
        report.updated_at = now
        reports.append(report)
        if report.pk is None:
            new_reports.append(report)
    updated = [report for report in reports if report.pk is not None]
    Report.objects.bulk_create(new_reports, batch_size=500)
    Report.objects.bulk_update(
        updated,
        ["status", "submitted_by", "submitted_at", "return_reason", "approved_by", "approved_at",
         "updated_at"],
        batch_size=500,
    )  # fmt: skip
    creates, updates, history = [], [], []
    for report, (_region, values) in zip(reports, entries, strict=True):
        old = old_values.get(report.pk, {})
        for code, element in elements.items():
            new, kept = values[code], old.get(code)
            before = kept.value if kept is not None else None
            if before == new:
                continue
            if kept is None:
                creates.append(
                    DataValue(
                        county_code=report.county_code, report=report, element=element, value=new
                    )
                )
            else:
                kept.value = new
                updates.append(kept)
            history.append(_history(report, report.submitted_by, action, now, element, before, new))
        history.append(_history(report, report.submitted_by, Action.SUBMIT, now, note=note))
        if report.approved_by:
            history.append(_history(report, report.approved_by, Action.APPROVE, now))
    DataValue.objects.bulk_create(creates, batch_size=1000)
    DataValue.objects.bulk_update(updates, ["value"], batch_size=1000)
    HistoryEntry.objects.bulk_create(history, batch_size=1000)
    return len(new_reports), len(updated)
