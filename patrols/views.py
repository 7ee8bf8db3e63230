"""Pages of patrols: a worker's check-in button with their own recent check-ins, and the
coverage of grids by week for the command centre (counts per grid, never who)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from command.periods import PeriodError

from .forms import CheckInForm
from .selectors import (
    OWN_WEEKS,
    coverage_area,
    coverage_region,
    may_check_in,
    may_see_coverage,
    own_checkins,
    trail,
    village_grids,
    week_asked,
)
from .selectors import coverage as coverage_of
from .services import RETENTION_DAYS, PatrolRefused, check_in


@login_required
def index(request):
    """The check-in button (巡查打卡) and the worker's own check-ins of the last weeks."""
    user = request.user
    if not may_check_in(user):
        if may_see_coverage(user):
            return redirect("patrols:coverage")
        raise PermissionDenied
    form = CheckInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                checkin, created = check_in(
                    user, lon=data["lon"], lat=data["lat"], client_key=data["client_key"]
                )
            except PatrolRefused as error:
                form.add_error(None, str(error))
            else:
                if created:
                    messages.success(
                        request,
                        _("Check-in recorded: %(grid)s, %(time)s.")
                        % {
                            "grid": checkin.grid.name,
                            "time": timezone.localtime(checkin.at).strftime("%H:%M"),
                        },
                    )
                else:
                    messages.info(request, _("This check-in was already recorded."))
                return redirect("patrols:index")
        status = 400
    context = {
        "form": form,
        "grids": village_grids(user),
        "checkins": own_checkins(user, timezone.now()),
        "weeks": OWN_WEEKS,
        "retention_days": RETENTION_DAYS,
    }
    return render(request, "patrols/index.html", context, status=status)


@login_required
def coverage(request):
    """Grids patrolled in a week, per town and village of the user's area, and per grid of a
    village; `?region=` drills down, `?week=2026-W49` picks the week (this week by default)."""
    user = request.user
    if not may_see_coverage(user):
        raise PermissionDenied
    region = coverage_region(user, request.GET.get("region"))
    if region is None:
        raise Http404(_("No such region in your area."))
    try:
        week = week_asked(request.GET.get("week"), timezone.localdate())
    except PeriodError as error:
        raise Http404(str(error)) from None
    context = {
        "coverage": coverage_of(region, week),
        "week": week,
        "previous": week.previous(),
        "next": week.following(),
        "trail": trail(coverage_area(user), region),
        "retention_days": RETENTION_DAYS,
    }
    return render(request, "patrols/coverage.html", context)
