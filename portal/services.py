"""What a resident does without an account: report, say "me too", follow by a private link, rate
the handling; and the staff's look at reports held back from the public pages (审核)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.errors import CaseError
from cases.models import OPEN_STATUSES, Case, Category, Source, Status
from cases.services import (
    evaluate_by_reporter,
    file_report,
    prepare_report,
    reopen_for_reporter,
)
from cases.signals import case_merged

from .models import (
    SATISFACTION_SCORE,
    Follower,
    FollowReason,
    HeldReport,
    ResidentRating,
    Satisfaction,
)


@dataclass(frozen=True)
class Contact:
    """What a resident may leave, all optional: a name for the centre's call, a phone or an
    e-mail for messages about this case."""

    name: str = ""
    phone: str = ""
    email: str = ""


def _follow(case: Case, reason: str, contact: Contact) -> Follower:
    return Follower.objects.create(
        county_code=case.county_code,
        case=case,
        reason=reason,
        phone=contact.phone.strip(),
        email=contact.email.strip(),
        language=get_language() or "zh-hans",
    )


LINK_IN_TEXT = re.compile(r"https?://|www\.", re.IGNORECASE)


def hold_reason(description: str, *, challenged: bool) -> str:
    """Why a resident's report waits for an operator's look before it is public, or "": it was
    sent near the rate limit, it carries a link (the mark of advertising), or it has one of the
    words the county flags (settings.PORTAL_HELD_WORDS)."""
    if challenged:
        return _("Sent near the limit of reports from one sender")
    if LINK_IN_TEXT.search(description):
        return _("The description holds a web link")
    flagged = [word for word in settings.PORTAL_HELD_WORDS if word and word in description]
    if flagged:
        return _("The description holds a flagged word: %(word)s") % {"word": flagged[0]}
    return ""


def report_as_resident(
    *,
    category: Category,
    description: str,
    lon: float,
    lat: float,
    contact: Contact,
    address: str = "",
    photos: Sequence[UploadedFile] = (),
    attributes: Mapping[str, Any] | None = None,
    held_because: str = "",
) -> tuple[Case, Follower]:
    """A resident's report, filed as any other (source 居民) with its reporter following it; held
    back from the public pages when `held_because` says why."""
    prepared = prepare_report(
        reporter=None,
        category=category,
        description=description,
        lon=lon,
        lat=lat,
        source=Source.RESIDENT,
        address=address,
        reporter_name=contact.name,
        reporter_phone=contact.phone,
        photos=photos,
        attributes=attributes,
    )
    with transaction.atomic():
        case = file_report(prepared)
        follower = _follow(case, FollowReason.REPORTED, contact)
        if held_because:
            HeldReport.objects.create(
                county_code=case.county_code, case=case, reason=held_because[:200]
            )
    return case, follower


def add_me_too(case: Case, contact: Contact) -> Follower:
    """ "Me too": the resident follows an open case instead of reporting it again."""
    if case.status not in OPEN_STATUSES:
        raise CaseError(_("This case is no longer open: report the problem anew."))
    return _follow(case, FollowReason.ME_TOO, contact)


def may_rate(follower: Follower) -> bool:
    return follower.case.status == Status.CLOSED


def rate(
    follower: Follower,
    satisfaction: str,
    *,
    not_fixed: bool = False,
    comment: str = "",
    now=None,
) -> ResidentRating:
    """The reporter's (or a follower's) rating of a closed case.

    不满意 with "not fixed" reopens the case: the first time for rework by its department, after
    that to the county centre under supervision. Any other rating evaluates the case with it.
    """
    now = now or timezone.now()
    comment = comment.strip()
    with transaction.atomic():
        case = follower.case
        if satisfaction == Satisfaction.DISSATISFIED and not_fixed:
            reopened_before = ResidentRating.objects.filter(
                case=case, satisfaction=Satisfaction.DISSATISFIED, not_fixed=True
            ).exists()
            reopen_for_reporter(case, comment, to_centre=reopened_before, now=now)
        else:
            evaluate_by_reporter(case, SATISFACTION_SCORE[satisfaction], comment, now=now)
        return ResidentRating.objects.create(
            county_code=case.county_code,
            case=case,
            follower=follower,
            satisfaction=satisfaction,
            not_fixed=not_fixed and satisfaction == Satisfaction.DISSATISFIED,
            comment=comment,
            at=now,
        )


def release(hold: HeldReport, user, now=None) -> None:
    """审核通过: the report may show on the public pages. (One not to be accepted is refused
    with the case's own 不予立案, which keeps it off them.)"""
    HeldReport.objects.filter(pk=hold.pk, released_at__isnull=True).update(
        released_at=now or timezone.now(), released_by=user
    )


@receiver(case_merged)
def follow_the_survivor(sender, duplicate: Case, survivor: Case, **kwargs) -> None:
    """Whoever followed the duplicate follows the surviving case, their links with them; a
    reporter who left a phone with staff (a hotline call) follows it by that phone."""
    moved = Follower.objects.filter(case=duplicate)
    has_follower_phone = moved.filter(phone=duplicate.reporter_phone).exists()
    moved.update(case=survivor)
    if duplicate.reporter_phone and not has_follower_phone:
        Follower.objects.create(
            county_code=survivor.county_code,
            case=survivor,
            reason=FollowReason.MERGED,
            phone=duplicate.reporter_phone,
        )
