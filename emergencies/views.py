"""Open emergencies with their report countdowns, and the period's emergencies with figures."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from cases.kinds import get_kind, kind_figures
from cases.selectors import cases_visible_to
from command.periods import PeriodError, period_or_this_year, reported_in
from staff.models import Role

from .selectors import countdowns, emergencies, open_emergencies
from .services import KIND

MAY_LIST = (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER)


@login_required
def index(request):
    if request.user.role not in MAY_LIST:
        raise PermissionDenied
    try:
        period = period_or_this_year(request.GET.get("period"), timezone.localdate())
    except PeriodError as error:
        raise Http404(str(error)) from None
    now = timezone.now()
    visible = cases_visible_to(request.user)
    current = [
        (case, countdowns(getattr(case, "emergency", None), now))
        for case in open_emergencies(visible)
    ]
    in_period = emergencies(visible).filter(reported_in(period))
    context = {
        "period": period,
        "open": current,
        "figures": kind_figures(get_kind(KIND), in_period),
        "rows": in_period.select_related("category", "town", "emergency").order_by("-reported_at")[
            :200
        ],
    }
    return render(request, "emergencies/index.html", context)
