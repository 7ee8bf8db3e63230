"""The report forms' suggestion, as the user types (suggest/static/suggest/suggest.js)."""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .selectors import offered, suggest
from .services import log_suggestion

MAX_TEXT = 2000  # the report form's own limit


@require_POST
def for_form(request):
    """The likeliest categories of the words typed so far, for the form to offer (and to choose
    the best when it is sure): anyone who may fill a report form, residents included."""
    text = request.POST.get("text", "").strip()[:MAX_TEXT]
    if len(text) < 2:
        return JsonResponse({"suggestions": [], "sure": False, "not_a_case": False})
    found = suggest(text)
    log = log_suggestion(found, "report_form" if request.user.is_authenticated else "portal")
    return JsonResponse(
        {
            "suggestions": offered(found),
            "sure": found.sure,
            "not_a_case": found.not_a_case,
            "suggestion_id": log.pk,
        }
    )
