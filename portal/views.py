"""The residents' pages. They work without an account and without JavaScript."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .selectors import (
    CASE_CODE,
    is_finished,
    public_description,
    public_steps,
    tracked_case,
)


@require_GET
def find_case(request):
    """`/track/?code=…`: a case number typed in, taken to its page."""
    code = request.GET.get("code", "").strip()
    error = ""
    if code:
        if CASE_CODE.fullmatch(code):
            return redirect("portal:track", code=code)
        error = _("A case number is 6 to 20 digits, as on your receipt.")
    return render(request, "portal/find.html", {"code": code[:40], "error": error})


@require_GET
def track(request, code: str):
    case = tracked_case(code)
    if case is None:
        raise Http404(_("No public case has this number."))
    return render(
        request,
        "portal/track.html",
        {
            "case": case,
            "description": public_description(case),
            "finished": is_finished(case),
            "steps": public_steps(case),
        },
    )
