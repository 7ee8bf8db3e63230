"""Open emergencies with their report countdowns, and the period's emergencies with figures."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.kinds import get_kind, kind_figures
from cases.selectors import cases_visible_to
from command.exports import workbook_response
from command.periods import period_asked, reported_in
from staff.models import Role

from .selectors import countdowns, emergencies, open_emergencies
from .services import KIND

MAY_LIST = (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER)


@login_required
def index(request):
    if request.user.role not in MAY_LIST:
        raise PermissionDenied
    period = period_asked(request)
    now = timezone.now()
    visible = cases_visible_to(request.user)
    current = [
        (case, countdowns(getattr(case, "emergency", None), now))
        for case in open_emergencies(visible)
    ]
    in_period = emergencies(visible).filter(reported_in(period))
    if request.GET.get("format") == "xlsx":
        return _workbook(period, in_period)
    context = {
        "period": period,
        "open": current,
        "figures": kind_figures(get_kind(KIND), in_period),
        "rows": in_period.select_related("category", "town", "emergency").order_by("-reported_at")[
            :200
        ],
    }
    return render(request, "emergencies/index.html", context)


def _workbook(period, cases):
    """The period's emergencies with their toll and report times, and the figures."""
    figures = [[str(figure.label), value] for figure, value in kind_figures(get_kind(KIND), cases)]
    header = [
        _("Case number"), _("Reported at"), _("Type of emergency"), _("Severity"), _("Town"),
        _("Status"), _("Dead"), _("Injured"), _("People affected"), _("First report (首报)"),
        _("Written report (书面报告)"),
    ]  # fmt: skip

    def moment(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    body = []
    for case in cases.select_related("category", "town", "emergency").order_by("reported_at"):
        detail = getattr(case, "emergency", None)
        body.append(
            [
                case.code,
                moment(case.reported_at),
                case.category.name,
                detail.get_severity_display() if detail else "",
                case.town.name,
                case.get_status_display(),
                detail.deaths if detail else None,
                detail.injured if detail else None,
                detail.affected if detail else None,
                moment(detail.first_reported_at) if detail else "",
                moment(detail.written_reported_at) if detail else "",
            ]
        )
    return workbook_response(
        f"emergencies-{period.code}.xlsx",
        [
            (_("Figures"), [_("Figure"), period.code], figures, {}),
            (_("Emergencies"), header, body, {}),
        ],
    )
