"""The report forms' suggestion, as the user types (suggest/static/suggest/suggest.js)."""

import hashlib
import time

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.worktime import start_of
from command.periods import period_asked
from staff.models import Role
from wangge.lockout import client_address

from .models import SuggestionLog
from .selectors import SURE_FROM, agreement, corrections_made, model, offered, suggest
from .services import log_suggestion

MAX_TEXT = 2000  # the report form's own limit
# A resident types, pauses, types on: a few dozen suggestions per report at most. Past this many
# in an hour from one address the portal's form simply works without them (each is logged).
ANONYMOUS_PER_HOUR = 120
MAY_SEE_ACCURACY = (Role.OPERATOR, Role.LEADER, Role.ADMIN)
CHANNELS = (
    ("report_form", gettext_lazy("Staff report form")),
    ("portal", gettext_lazy("Residents' portal")),
    ("api", gettext_lazy("API")),
    ("hotline", gettext_lazy("12345 import")),
    ("", gettext_lazy("All channels")),
)


def _over_the_limit(request) -> bool:
    """Counts in the cache per address and hour (Redis in production), the address hashed."""
    hour = int(time.time() // 3600)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode())
    key = f"suggest-limit:{digest.hexdigest()[:32]}:{hour}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > ANONYMOUS_PER_HOUR


def _not_a_case_hint(form: str) -> str:
    if form == "portal_report":
        return _(
            "This reads like a question, thanks or a suggestion rather than a problem to fix: "
            "the 12345 hotline answers questions."
        )
    return _(
        "This reads like a question, thanks or an invalid call, not a case: file it as "
        "“not a case” and the centre answers it directly."
    )


@require_POST
def for_form(request):
    """The likeliest categories of the words typed so far, for the form to offer (and to choose
    the best when it is sure): anyone who may fill a report form, residents included."""
    text = request.POST.get("text", "").strip()[:MAX_TEXT]
    nothing = {"suggestions": [], "sure": False, "not_a_case": False}
    if len(text) < 2:
        return JsonResponse(nothing)
    if not request.user.is_authenticated and _over_the_limit(request):
        return JsonResponse(nothing, status=429)
    found = suggest(text)
    log = log_suggestion(found, "report_form" if request.user.is_authenticated else "portal")
    return JsonResponse(
        {
            "suggestions": offered(found),
            "sure": found.sure,
            "not_a_case": found.not_a_case,
            "suggestion_id": log.pk,
            "perhaps": _("Perhaps:"),
            "not_a_case_hint": _not_a_case_hint(request.POST.get("form", "")),
        }
    )


@login_required
def accuracy(request):
    """How the suggestions fared in production: agreement with the final category per channel,
    and the commonest corrections (what to retrain on: `manage.py train_suggester`)."""
    if request.user.role not in MAY_SEE_ACCURACY:
        raise PermissionDenied
    period = period_asked(request)
    logs = SuggestionLog.objects.filter(
        county_code=request.user.county_code,
        at__gte=start_of(period.start),
        at__lt=start_of(period.end),
    )
    context = {
        "period": period,
        "rows": agreement(logs),
        "corrections": corrections_made(logs),
        "version": model().version,
        "sure_from": round(100 * SURE_FROM),
        "channels": dict(CHANNELS),
    }
    return render(request, "suggest/accuracy.html", context)
