"""Reads of the privacy app: who may reveal or audit, and the reveal log filtered."""

from datetime import date, datetime, time

from django.db.models import QuerySet

from cases.selectors import may_see
from cases.worktime import LOCAL

from .models import RevealLog
from .registry import PersonalField


def may_reveal(user, case, personal: PersonalField) -> bool:
    """The field's roles, and only on a case the user may open."""
    return user.is_active and user.role in personal.reveal_roles and may_see(user, case)


def may_read_reveal_log(user) -> bool:
    """The county's personal-information officer (the permission) and superusers."""
    return user.is_authenticated and user.has_perm("privacy.view_reveallog")


def reveals(
    *,
    username: str = "",
    case_code: str = "",
    field: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[RevealLog]:
    log = RevealLog.objects.select_related("user", "case")
    if username:
        log = log.filter(user__username=username)
    if case_code:
        log = log.filter(case__code=case_code)
    if field:
        log = log.filter(field=field)
    if since:
        log = log.filter(at__gte=datetime.combine(since, time.min, LOCAL))
    if until:
        log = log.filter(at__lte=datetime.combine(until, time.max, LOCAL))
    return log.order_by("-at", "-id")
