"""The staff's side of the portal: residents' reports held for a look (审核) and the closed
cases to call back (回访). Centre operators only, over the cases they may see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import cases_visible_to
from staff.models import Role

from .selectors import callbacks_for, held_reports_for, satisfaction
from .services import release


def _operator(request):
    if request.user.role != Role.OPERATOR:
        raise PermissionDenied


@login_required
def review_queue(request):
    _operator(request)
    return render(request, "portal/review.html", {"holds": held_reports_for(request.user)[:200]})


@require_POST
@login_required
def review_release(request, pk: int):
    """审核通过: the report may show on the public pages."""
    _operator(request)
    hold = get_object_or_404(held_reports_for(request.user), pk=pk)
    release(hold, request.user)
    messages.success(request, _("Case %(code)s is now public.") % {"code": hold.case.code})
    return redirect("portal:review")


@login_required
def callback_list(request):
    _operator(request)
    satisfied, rated = satisfaction(cases_visible_to(request.user))
    context = {
        "cases": callbacks_for(request.user)[:200],
        "satisfied": satisfied,
        "rated": rated,
        "rate": round(100 * satisfied / rated, 1) if rated else None,
    }
    return render(request, "portal/callbacks.html", context)
