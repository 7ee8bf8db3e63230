"""Retention and a person's request: the personal fields of cases removed, the cases kept.

Anonymising blanks the reporter's name and phone, moves the exact point to the centre of its
grid and deletes the photos; the case, its timeline and every figure read from them stay.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.masking import mask_phone
from cases.models import Case, CasePhoto, Category, Status
from cases.signals import cases_anonymised
from portal.models import Follower
from territory.models import Region

from .models import ActionKind, PrivacyAction, RevealLog, RevealReason
from .selectors import may_read_reveal_log
from .services import RevealRefused

ENDED_STATUSES = [Status.CLOSED, Status.EVALUATED, Status.REJECTED]
CHUNK = 500


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def cases_past_retention(now: datetime | None = None) -> QuerySet[Case]:
    """Ended cases whose retention period (their category's, or the county's default) is over,
    counted from closure (a rejected case: from its report), not yet anonymised."""
    now = now or timezone.now()
    by_years: dict[int, list[int]] = {}
    for pk, years in Category.objects.values_list("pk", "retention_years"):
        by_years.setdefault(years or settings.PRIVACY_RETENTION_YEARS, []).append(pk)
    if not by_years:
        return Case.objects.none()
    expired = reduce(
        or_,
        (
            Q(category_id__in=pks, ended_at__lt=years_before(now, years))
            for years, pks in by_years.items()
        ),
    )
    return (
        Case.objects.filter(
            county_code=settings.COUNTY_CODE,
            status__in=ENDED_STATUSES,
            anonymised_at__isnull=True,
        )
        .annotate(ended_at=Coalesce("closed_at", "reported_at"))
        .filter(expired)
    )


def anonymise(case_ids: Iterable[int], now: datetime) -> int:
    """Blank the personal fields of these cases; photo files go once the transaction commits."""
    ids = list(case_ids)
    grid = Region.objects.filter(pk=OuterRef("grid_id"))
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        photos = CasePhoto.objects.filter(case_id__in=chunk)
        # The original and its display size and thumbnail (cases.photos): all show the place.
        stored = photos.values_list("image", "display", "thumbnail")
        files = [name for names in stored for name in names if name]
        photos.delete()
        done += Case.objects.filter(pk__in=chunk).update(
            reporter_name="",
            reporter_phone="",
            lon=Coalesce(Subquery(grid.values("centroid_lon")[:1]), F("lon")),
            lat=Coalesce(Subquery(grid.values("centroid_lat")[:1]), F("lat")),
            anonymised_at=now,
        )
        Follower.objects.filter(case_id__in=chunk).update(phone="", email="")
        cases_anonymised.send(sender=Case, case_ids=chunk)
        transaction.on_commit(lambda files=files: _delete_files(files))
    return done


def forget_follower_contacts(now: datetime) -> int:
    """The phones and e-mails residents left for messages, deleted PORTAL_CONTACT_DAYS after
    their case ended (a merged duplicate's followers follow the surviving case)."""
    ended_before = now - timedelta(days=settings.PORTAL_CONTACT_DAYS)
    return (
        Follower.objects.filter(case__status__in=ENDED_STATUSES)
        .annotate(ended_at=Coalesce("case__closed_at", "case__reported_at"))
        .filter(ended_at__lt=ended_before)
        .exclude(phone="", email="")
        .update(phone="", email="")
    )


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@dataclass
class RetentionRun:
    cases: int
    codes: list[str]
    dry_run: bool
    follower_contacts: int = 0


@transaction.atomic
def apply_retention(now: datetime | None = None, dry_run: bool = False) -> RetentionRun:
    """The nightly task: anonymise every case past its retention, and record it (a dry run only
    says which cases would go)."""
    now = now or timezone.now()
    due = list(cases_past_retention(now).values_list("pk", "code"))
    codes = [code for _pk, code in due]
    if dry_run:
        return RetentionRun(len(due), codes, dry_run)
    contacts = forget_follower_contacts(now)
    if not due:
        return RetentionRun(0, [], dry_run, contacts)
    anonymise([pk for pk, _code in due], now)
    PrivacyAction.objects.create(
        at=now, kind=ActionKind.RETENTION, case_count=len(due), case_codes=" ".join(codes)
    )
    return RetentionRun(len(due), codes, dry_run, contacts)


# --- a person's request (PIPL Art. 44–47) --------------------------------------------------------


def _cases_of(user, phone: str, note: str, kind: str) -> list[Case]:
    """The cases holding exactly this phone number; finding them reveals the number on each, so
    each is logged as a reveal, and the request itself is recorded."""
    if not may_read_reveal_log(user):
        raise RevealRefused(_("Only the personal-information officer handles a person's request."))
    phone, note = phone.strip(), note.strip()
    if not phone or not note:
        raise RevealRefused(_("Give the phone number and the request it comes from."))
    cases = list(
        Case.objects.filter(county_code=settings.COUNTY_CODE, reporter_phone=phone)
        .select_related("category", "grid", "department")
        .order_by("reported_at")
    )
    RevealLog.objects.bulk_create(
        RevealLog(
            county_code=case.county_code,
            user=user,
            case=case,
            field="case.reporter_phone",
            reason=RevealReason.PERSON_REQUEST,
            reason_text=note,
        )
        for case in cases
    )
    PrivacyAction.objects.create(
        kind=kind,
        user=user,
        phone_masked=mask_phone(phone),
        case_count=len(cases),
        case_codes=" ".join(case.code for case in cases),
        note=note,
    )
    return cases


@transaction.atomic
def find_person_cases(user, phone: str, note: str) -> list[Case]:
    return _cases_of(user, phone, note, ActionKind.SEARCH)


@transaction.atomic
def export_person_cases(user, phone: str, note: str) -> str:
    """One JSON document of everything kept about the person's reports, for them to take away."""
    cases = _cases_of(user, phone, note, ActionKind.EXPORT)
    return json.dumps(
        {
            "phone": phone.strip(),
            "exported_at": timezone.localtime().isoformat(),
            "cases": [
                {
                    "case": case.code,
                    "reported_at": timezone.localtime(case.reported_at).isoformat(),
                    "category": case.category.name,
                    "description": case.description,
                    "address": case.address,
                    "grid": case.grid.name,
                    "status": case.get_status_display(),
                    "reporter_name": case.reporter_name,
                    "reporter_phone": case.reporter_phone,
                    "lon": case.lon,
                    "lat": case.lat,
                    "photos": case.photos.count(),
                }
                for case in cases
            ],
        },
        ensure_ascii=False,
        indent=2,
    )


@transaction.atomic
def anonymise_person_cases(user, phone: str, note: str) -> int:
    cases = _cases_of(user, phone, note, ActionKind.ANONYMISE)
    return anonymise([case.pk for case in cases], timezone.now())
