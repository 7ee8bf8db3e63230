"""The rules of a convenience-service application, as the case loop's kind `service`: the window's
own steps instead of the governance loop, the hand-over between the two centres, the catalogue's
installation, and the social-psychological service's requests.

受理 → 办理 → 办结, with 补正 (missing documents: the clock waits for them) and 不予受理 (with a
reason). A report that is a service request goes from the governance centre to the window by the
core's 改类, and a request that is a problem goes back by 转回综治中心: one case number
throughout. The window's cases take none of the governance loop's steps but the extensions.
"""

import csv
import io
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.errors import CaseError
from cases.models import Category, Source, Status
from cases.scopes import Scope
from cases.services import report_case
from cases.signals import cases_anonymised
from cases.workflow import PUBLIC_NOTE, Input, Transition, reclassify
from cases.worktime import deadline_after
from staff.models import Department, Role
from territory.models import Region

from .models import (
    CounsellingOpened,
    CounsellingRequest,
    CounsellingStatus,
    Counsellor,
    ServiceApplication,
    ServiceItem,
    Window,
)

KIND = "service"
DATA = Path(__file__).parent / "data"
# The governance loop's steps a window's case still takes: an extension, asked and decided.
CORE_STEPS = frozenset({"request_extension", "approve_extension", "refuse_extension"})
AGENT_ROLES = (Role.GRID_WORKER, Role.INFORMANT)


def detail_for(case) -> ServiceApplication:
    """The application's record, made on first use for a case handed over from the governance
    centre or filed by a channel that does not ask (a 12345 order)."""
    detail, _created = ServiceApplication.objects.get_or_create(
        case=case, defaults={"county_code": case.county_code}
    )
    return detail


def item_of(category: Category) -> ServiceItem | None:
    return ServiceItem.objects.filter(category=category).first()


def on_report(case, details: Mapping[str, Any]) -> None:
    """A grid worker applies for a resident only where the item allows an agent (代办)."""
    if case.source != Source.GRID_WORKER:
        return
    item = item_of(case.category)
    if item is not None and not item.agent_allowed:
        raise CaseError(
            gettext("“%(item)s” cannot be applied for by an agent: the applicant comes in person.")
            % {"item": item.name}
        )


# --- the window's steps -------------------------------------------------------------------------


def _missing_field(case) -> forms.Field:
    return forms.CharField(
        label=_("Documents still missing"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext("Say which documents are missing.")},
    )


def _governance_category_field(case) -> forms.Field:
    message = gettext("Choose a specific, active category of the governance centre.")
    return forms.ModelChoiceField(
        label=_("Category at the governance centre"),
        queryset=Category.objects.filter(is_active=True, children__isnull=True)
        .exclude(case_kind=KIND)
        .order_by("code"),
        to_field_name="code",
        error_messages={"required": message, "invalid_choice": message},
    )


MISSING = Input("missing", _missing_field, example=lambda case, rng: "户口簿复印件")
GOVERNANCE_CATEGORY = Input(
    "category",
    _governance_category_field,
    example=lambda case, rng: (
        _governance_category_field(case).queryset.values_list("code", flat=True).first()
    ),
)


def _receive(case, user, now: datetime, inputs) -> None:
    """受理: the time limit runs from here, in working days."""
    case.accepted_at = case.dispatched_at = now
    case.assignee = user
    case.handle_deadline = deadline_after(
        now, case.category.handle_limit, case.category.handle_unit
    )


def _request_documents(case, user, now: datetime, inputs) -> None:
    """补正: the applicant is told at once, in one go, what is missing; the clock waits."""
    detail = detail_for(case)
    detail.missing_documents = inputs["missing"]
    detail.save(update_fields=["missing_documents"])


def _documents_supplied(case, user, now: datetime, inputs) -> None:
    case.accept_deadline = deadline_after(
        now, case.category.accept_limit, case.category.accept_unit
    )
    detail = detail_for(case)
    detail.missing_documents = ""
    detail.save(update_fields=["missing_documents"])


def _decline(case, user, now: datetime, inputs) -> None:
    pass  # the reason is the step's note; the public one tells the applicant


def _complete(case, user, now: datetime, inputs) -> None:
    """办结: handled and closed at once (no site to verify)."""
    case.fed_back_at = case.closed_at = now
    detail = detail_for(case)
    detail.result = inputs["note"]
    detail.save(update_fields=["result"])


def _hand_back(case, user, now: datetime, inputs) -> None:
    reclassify(case, inputs["category"], now)


def _window_step(action, label, sources, target, effect, inputs=(), **options) -> Transition:
    return Transition(
        action, label, sources, target, Role.HANDLER, Scope.CASE_DEPARTMENT, effect,
        inputs=inputs, **options,
    )  # fmt: skip


TRANSITIONS = (
    _window_step("receive", _("Accept the application (受理)"), (Status.REPORTED,),
                 Status.HANDLING, _receive),
    _window_step("request_documents", _("Ask for missing documents (补正)"), (Status.REPORTED,),
                 Status.SUSPENDED, _request_documents, (MISSING,), side_branch=True),
    _window_step("documents_supplied", _("Documents supplied (补正完成)"), (Status.SUSPENDED,),
                 Status.REPORTED, _documents_supplied, queue="suspended"),
    _window_step("decline", _("Do not accept (不予受理)"), (Status.REPORTED, Status.SUSPENDED),
                 Status.REJECTED, note_required=True, example_note="不符合申请条件",
                 side_branch=True, note_label=_("Why it is not accepted"), effect=_decline,
                 inputs=(PUBLIC_NOTE,)),
    _window_step("complete", _("Complete (办结)"), (Status.HANDLING,), Status.CLOSED, _complete,
                 note_required=True, example_note="已办结，结果已告知申请人",
                 note_label=_("The result")),
    _window_step("hand_back", _("Hand to the governance centre (转综治中心)"),
                 (Status.REPORTED, Status.SUSPENDED), Status.REPORTED, _hand_back,
                 (GOVERNANCE_CATEGORY,), note_required=True, example_note="不属于便民服务事项",
                 side_branch=True, note_label=_("Why it goes to the governance centre")),
)  # fmt: skip


@receiver(cases_anonymised)
def blank_applicants(sender, case_ids: list[int], **kwargs) -> None:
    ServiceApplication.objects.filter(case_id__in=case_ids).update(
        applicant_name="", applicant_phone=""
    )


# --- the window ---------------------------------------------------------------------------------


def register_at_window(clerk, *, category: Category, village: Region, description: str, details):
    """An applicant in person: the application placed in their village (never at their
    address), with no reporter (a clerk does not report), the clerk named on the timeline."""
    from .selectors import point_in  # here: services.selectors imports this module

    lon, lat = point_in(village)
    return report_case(
        reporter=None,
        category=category,
        description=description,
        lon=lon,
        lat=lat,
        source=Source.WINDOW,
        details=details,
        timeline_note=gettext("Registered at the window by %(name)s")
        % {"name": clerk.full_name or clerk.username},
    )


# --- the catalogue ------------------------------------------------------------------------------


@transaction.atomic
def install_catalogue(county: Region) -> int:
    """The shipped example catalogue (data/catalogue.csv), over the kind's categories (installed
    first by cases.services.install_kind_categories): kept in step, never duplicated."""
    text = (DATA / "catalogue.csv").read_text(encoding="utf-8")
    departments = {d.code: d for d in Department.objects.filter(county_code=county.county_code)}
    categories = {c.code: c for c in Category.objects.filter(case_kind=KIND)}
    count = 0
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        windows = row["windows"].split(",")
        if not set(windows) <= set(Window.values):
            raise ValueError(f"catalogue.csv line {number}: unknown window in {row['windows']}")
        confidential = row["confidential"] == "yes"
        category = None if confidential else categories.get(row["code"])
        if category is None and not confidential:
            raise ValueError(f"catalogue.csv line {number}: no category {row['code']}")
        ServiceItem.objects.update_or_create(
            county_code=county.county_code,
            code=row["code"],
            defaults={
                "name": row["name"],
                "group": row["group"],
                "category": category,
                "department": departments.get(row["department"]),
                "documents": row["documents"].replace("；", "\n"),
                "legal_basis": row["legal_basis"],
                "time_limit_days": int(row["days"]),
                "fee": row["fee"] or "免费",
                "windows": row["windows"],
                "agent_allowed": row["agent"] == "yes",
                "confidential": confidential,
                "example": True,
            },
        )
        count += 1
    return count


# --- the social-psychological service -------------------------------------------------------------


def is_counsellor(user) -> bool:
    return (
        user.is_authenticated
        and Counsellor.objects.filter(
            user=user, is_active=True, county_code=user.county_code
        ).exists()
    )


REFERRING_ROLES = (Role.GRID_WORKER, Role.INFORMANT, Role.OPERATOR, Role.HANDLER)


@transaction.atomic
def refer_for_counselling(
    user, *, town: Region, concern: str, consent: bool, name: str, phone: str, notes: str
) -> CounsellingRequest:
    """A request for the service, by whoever met the person (with their consent to be contacted).
    The one who refers does not see it again: only counsellors open it."""
    if user.role not in REFERRING_ROLES:
        raise CaseError(gettext("Your role cannot refer anyone to the service."))
    if not consent:
        raise CaseError(gettext("Refer only someone who agreed to be contacted by a counsellor."))
    return CounsellingRequest.objects.create(
        county_code=town.county_code,
        town=town,
        requested_at=timezone.now(),
        referred_by=user,
        concern=concern,
        consent=consent,
        name=name.strip(),
        phone=phone.strip(),
        notes=notes.strip(),
    )


def open_request(user, pk: int) -> CounsellingRequest | None:
    """A request for a counsellor to read, logged; None for anyone else (the view answers 404)."""
    if not is_counsellor(user):
        return None
    request = CounsellingRequest.objects.filter(pk=pk, county_code=user.county_code).first()
    if request is not None:
        CounsellingOpened.objects.create(county_code=request.county_code, request=request, by=user)
    return request


@transaction.atomic
def update_request(user, request: CounsellingRequest, *, status: str, sessions: int, notes: str):
    if not is_counsellor(user):
        raise CaseError(gettext("Only a named counsellor may change a request."))
    if request.status == CounsellingStatus.CLOSED:
        raise CaseError(gettext("This request is closed."))
    request.status = status
    request.sessions = sessions
    request.notes = notes.strip()
    request.counsellor = request.counsellor or user.counsellor
    if status == CounsellingStatus.CLOSED:
        request.closed_at = timezone.now()
    request.save()
    return request


COUNSELLING_KEPT_DAYS = 2 * 365


def blank_closed_counselling(now: datetime | None = None) -> int:
    """Retention: two years after closing, a request keeps only what its counts need."""
    now = now or timezone.now()
    due = CounsellingRequest.objects.filter(
        closed_at__lt=now - timedelta(days=COUNSELLING_KEPT_DAYS),
        anonymised_at__isnull=True,
    )
    return due.update(name="", phone="", notes="", anonymised_at=now)
