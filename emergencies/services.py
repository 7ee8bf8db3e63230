"""The rules of emergency response, as the case loop's kind `emergency`: reporting deadlines by
class and severity, escalation to the county for level III and above, the response log, the
summary a closure needs, and supervision when a report is late.

An emergency is handled on the core loop (立案 → 派遣 → 处置 → 反馈 → 核查 → 结案); beside it the
centre that holds it reports up (首报, then 书面报告) against deadlines counted in clock minutes,
not working hours: an emergency does not wait for Monday.
"""

from datetime import datetime, timedelta

from django import forms
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.kinds import Guard
from cases.models import OPEN_STATUSES, Case, Priority, Status
from cases.scopes import Scope
from cases.services import supervise
from cases.signals import cases_anonymised
from cases.workflow import Input, Transition
from staff.models import Role
from territory.models import Level

from .models import (
    COUNTY_SEVERITIES,
    EmergencyDetail,
    EntryKind,
    ReportingRule,
    ResponseEntry,
    Severity,
)

KIND = "emergency"
# When no rule is found: the strictest of the shipped ones.
FALLBACK_MINUTES = (30, 60)


def rule_for(case, severity: str) -> tuple[int, int]:
    """(first, written) report minutes for this emergency: its class's rule, else every class's."""
    emergency_class = case.category.parent_id if case.category_id else None
    rules = ReportingRule.objects.filter(
        Q(emergency_class_id=emergency_class) | Q(emergency_class__isnull=True),
        county_code=case.county_code,
        severity=severity,
    ).order_by(F("emergency_class_id").asc(nulls_last=True))  # a class's own rule first
    found = rules.first()
    if found is None:
        return FALLBACK_MINUTES
    return found.first_report_minutes, found.written_report_minutes


def set_deadlines(detail: EmergencyDetail) -> None:
    """The report deadlines from the case's report time, by the rule for its class and severity."""
    case = detail.case
    first, written = rule_for(case, detail.severity)
    detail.first_report_due = case.reported_at + timedelta(minutes=first)
    detail.written_report_due = case.reported_at + timedelta(minutes=written)


def detail_for(case) -> EmergencyDetail:
    """The emergency's record, made on first use (an order filed without details is level IV
    until the centre assesses it)."""
    detail = EmergencyDetail.objects.filter(case=case).first()
    if detail is None:
        detail = EmergencyDetail(county_code=case.county_code, case=case, severity=Severity.IV)
        set_deadlines(detail)
        detail.save()
    return detail


def on_report(case, details) -> None:
    """Level III and above go straight to the county centre, urgently."""
    severity = details.get("severity")
    if severity in COUNTY_SEVERITIES:
        case.level = Level.COUNTY
        case.priority = Priority.URGENT
    elif severity:
        case.priority = Priority.URGENT


# --- steps ----------------------------------------------------------------------------------------


def _severity_field(case) -> forms.Field:
    return forms.ChoiceField(
        label=_("Severity"),
        choices=Severity.choices,
        error_messages={"required": gettext("Choose the severity.")},
    )


def _entry_kind_field(case) -> forms.Field:
    return forms.ChoiceField(
        label=_("Kind of entry"),
        choices=EntryKind.choices,
        error_messages={"required": gettext("Choose what kind of entry it is.")},
    )


SEVERITY = Input("severity", _severity_field)
ENTRY_KIND = Input("entry_kind", _entry_kind_field)


def _first_report(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.first_reported_at = now
    detail.save(update_fields=["first_reported_at"])
    _log(case, user, now, EntryKind.REPORT, inputs["note"])


def _written_report(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.written_reported_at = now
    detail.save(update_fields=["written_reported_at"])
    _log(case, user, now, EntryKind.REPORT, inputs["note"])


def _log_entry(case, user, now: datetime, inputs) -> None:
    _log(case, user, now, inputs["entry_kind"], inputs["note"])


def _log(case, user, now: datetime, kind: str, text: str) -> None:
    ResponseEntry.objects.create(
        county_code=case.county_code, case=case, at=now, kind=kind, text=text, by=user
    )


def _reassess(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.severity = inputs["severity"]
    detail.save(update_fields=["severity"])
    on_report(case, {"severity": detail.severity})


def _summarise(case, user, now: datetime, inputs) -> None:
    detail = detail_for(case)
    detail.summary = inputs["note"]
    detail.save(update_fields=["summary"])


def _centre_step(action, label, effect, inputs=(), *, sources=tuple(OPEN_STATUSES), **options):
    """A step of the centre that holds the emergency (its level's operator)."""
    return Transition(
        action,
        label,
        sources,
        None,
        Role.OPERATOR,
        Scope.CASE_LEVEL,
        effect,
        inputs=inputs,
        note_required=True,
        side_branch=True,
        case_kind=KIND,
        **options,
    )


TRANSITIONS = (
    _centre_step(
        "first_report", _("First report up (首报)"), _first_report, note_label=_("Report")
    ),
    _centre_step(
        "written_report",
        _("Written report up (书面报告)"),
        _written_report,
        note_label=_("Report"),
    ),
    _centre_step("log_update", _("Log the response"), _log_entry, (ENTRY_KIND,)),
    _centre_step("reassess_severity", _("Assess the severity again"), _reassess, (SEVERITY,)),
    _centre_step(
        "record_summary",
        _("Record the summary (总结评估)"),
        _summarise,
        sources=(Status.FED_BACK, Status.VERIFIED),
        note_label=_("Summary"),
    ),
    Transition(
        "log_measure",
        _("Log a measure taken"),
        (Status.DISPATCHED, Status.HANDLING, Status.EXTENSION_REQUESTED),
        None,
        Role.HANDLER,
        Scope.CASE_DEPARTMENT,
        _log_entry,
        inputs=(ENTRY_KIND,),
        note_required=True,
        side_branch=True,
        case_kind=KIND,
    ),
)


def _not_reported_yet(field: str, message):
    def refusal(case, inputs) -> str | None:
        return str(message) if getattr(detail_for(case), field) is not None else None

    return refusal


def _first_report_before(case, inputs) -> str | None:
    if detail_for(case).first_reported_at is None:
        return gettext("Send the first report up before the written one.")
    return None


def _ready_to_close(case, inputs) -> str | None:
    detail = detail_for(case)
    if detail.first_reported_at is None or detail.written_reported_at is None:
        return gettext("An emergency closes once its first and written reports are sent up.")
    if not detail.summary.strip():
        return gettext("An emergency closes with its summary: record it first.")
    return None


GUARDS = (
    Guard(
        ("first_report",),
        _not_reported_yet("first_reported_at", _("The first report was already sent up.")),
    ),
    Guard(("written_report",), _first_report_before),
    Guard(
        ("written_report",),
        _not_reported_yet("written_reported_at", _("The written report was already sent up.")),
    ),
    Guard(("close",), _ready_to_close),
)


# --- deadlines --------------------------------------------------------------------------------


def late_reports(now: datetime) -> list[tuple[int, str]]:
    """(case id, "first" | "written") of every open emergency whose report is due and missing,
    not yet put under supervision for it."""
    details = EmergencyDetail.objects.filter(case__status__in=OPEN_STATUSES)
    first = details.filter(
        first_reported_at__isnull=True, first_report_due__lt=now, first_late_flagged=False
    ).values_list("case_id", flat=True)
    written = details.filter(
        written_reported_at__isnull=True, written_report_due__lt=now, written_late_flagged=False
    ).values_list("case_id", flat=True)
    return [(pk, "first") for pk in first] + [(pk, "written") for pk in written]


def supervise_late_reports(now: datetime | None = None) -> int:
    """督办 each emergency whose first or written report is late, once for each report."""
    now = now or timezone.now()
    notes = {
        "first": gettext("The first report (首报) is late."),
        "written": gettext("The written report (书面报告) is late."),
    }
    flagged = 0
    for pk, report in late_reports(now):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            detail = EmergencyDetail.objects.select_for_update().get(case=case)
            if getattr(detail, f"{report}_late_flagged") or getattr(
                detail, f"{report}_reported_at"
            ):
                continue
            setattr(detail, f"{report}_late_flagged", True)
            detail.save(update_fields=[f"{report}_late_flagged"])
            supervise(case, now, notes[report])
            flagged += 1
    return flagged


@receiver(cases_anonymised)
def forget_contacts(sender, case_ids, **kwargs) -> None:
    """Retention blanked these cases: the on-the-spot contact gathered for the response goes."""
    EmergencyDetail.objects.filter(case_id__in=case_ids).update(contact_name="", contact_phone="")
