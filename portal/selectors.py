"""What a resident sees of a case by its number (一案一码): where it stands and its public
timeline. The same rule as Open311 (open311.selectors): public categories only, never who acted,
never a staff note, never a reporter's data, phone and ID numbers in the description masked."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.masking import public_description
from cases.models import Case, Status
from cases.selectors import cases_visible_to
from cases.workflow import action_label
from open311.selectors import OPEN311_CLOSED, public_cases

from .links import follow_key
from .models import Follower, FollowReason, HeldReport

CASE_CODE = re.compile(r"\d{6,20}")  # yymmdd and a serial (cases.services.case_code)


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    action: str
    status: str  # the status the step led to
    department: str  # the department it was with, if any
    note: str  # what staff chose to tell the public at this step (workflow.PUBLIC_NOTE), masked


def published_cases() -> QuerySet[Case]:
    """What the public pages show: the public categories' cases (open311.selectors), less the
    residents' reports held for an operator's look (portal.models.HeldReport)."""
    return public_cases().exclude(Q(hold__isnull=False) & Q(hold__released_at__isnull=True))


def tracked_case(code: str) -> Case | None:
    """The public case with this number; None for an unknown number, for a case whose category
    is not public (disputes, security, hardship) and for one held for a look, so that none of
    them can be told apart."""
    if not CASE_CODE.fullmatch(code):
        return None
    return published_cases().filter(code=code).first()


def me_too_count(case: Case) -> int:
    return case.followers.filter(reason=FollowReason.ME_TOO).count()


def followers_with_contact(case: Case) -> QuerySet[Follower]:
    return case.followers.exclude(phone="", email="").order_by("pk")


def follower_link(follower: Follower) -> str:
    """The follower's private page, as a full address for a message."""
    path = reverse("portal:follow", args=[follow_key(follower)])
    return settings.WANGGE_SITE_URL.rstrip("/") + path


def is_finished(case: Case) -> bool:
    return case.status in OPEN311_CLOSED


def public_steps(case: Case) -> list[PublicStep]:
    entries = case.timeline.select_related("department").order_by("at", "pk")
    return [
        PublicStep(
            at=entry.at,
            action=str(action_label(entry.action)),
            status=str(Status(entry.to_status).label) if entry.to_status else "",
            department=entry.department.name if entry.department else "",
            note=public_description(entry.public_note, case.reporter_name),
        )
        for entry in entries
    ]


# --- for staff: the reports held for a look, the closed cases to call back ----------------------

CALLBACK_AFTER = timedelta(days=3)
CALLBACK_WITHIN = timedelta(days=30)  # later than this a call about the case is no use


def held_reports_for(user) -> QuerySet[HeldReport]:
    """Residents' reports waiting for a look (审核) among the cases this user may see, oldest first."""
    return (
        HeldReport.objects.filter(released_at__isnull=True, case__in=cases_visible_to(user))
        .select_related("case__category", "case__town", "case__village")
        .order_by("held_at", "pk")
    )


def callbacks_for(user, now: datetime | None = None) -> QuerySet[Case]:
    """回访: closed cases not rated by the reporter CALLBACK_AFTER after closure (and closed
    within CALLBACK_WITHIN), with a phone to call, among those this user may see; the longest
    waiting first."""
    now = now or timezone.now()
    return (
        cases_visible_to(user)
        .filter(
            status=Status.CLOSED,
            closed_at__range=(now - CALLBACK_WITHIN, now - CALLBACK_AFTER),
        )
        .exclude(reporter_phone="")
        .select_related("category", "town", "village", "department")
        .order_by("closed_at", "pk")
    )


def satisfaction(cases: QuerySet[Case]) -> tuple[int, int]:
    """满意率's numerator and denominator: evaluated cases rated 3 or better (满意 and 基本满意,
    by the reporter or at the centre's call-back), over all evaluated cases. Merged duplicates
    are counted once, as the case they joined."""
    rated = cases.counted().filter(rating__isnull=False)
    return rated.filter(rating__gte=3).count(), rated.count()
