"""The disputes a user may see with their figures (and Excel), and the printable agreement."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.masking import mask_name
from cases.selectors import cases_visible_to, get_case_for
from command.exports import workbook_response
from command.periods import Period, period_asked, reported_in
from privacy.forms import RevealForm
from privacy.registry import BY_KEY
from privacy.selectors import may_reveal
from privacy.services import RevealRefused, reveal_personal_field
from staff.models import Role

from .models import DisputeDetail, Outcome
from .selectors import DEFINITIONS, dispute_counts, disputes

LISTED = 200  # the newest disputes on the page; the Excel file holds them all
MAY_LIST = (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER)


def _figure_rows(counts) -> list[tuple[str, str, object]]:
    labels = {
        "screened": _("Screened (排查)"),
        "accepted": _("Accepted (受理)"),
        "mediated": _("Mediated (调解)"),
        "agreed": _("Agreed (调解成功)"),
        "performed": _("Performed (履行)"),
        "resolution_rate": _("Resolution rate 化解率 (%)"),
        "performance_rate": _("Performance rate 履行率 (%)"),
    }
    return [(labels[name], DEFINITIONS[name], getattr(counts, name)) for name in labels]


@login_required
def index(request):
    """The disputes reported in a period (a year by default) that this user may see."""
    if request.user.role not in MAY_LIST:
        raise PermissionDenied
    period = period_asked(request)
    cases = disputes(cases_visible_to(request.user)).filter(reported_in(period))
    counts = dispute_counts(cases)
    rows = cases.select_related("category", "town", "dispute").order_by("-reported_at")
    if request.GET.get("format") == "xlsx":
        return _workbook(period, counts, rows)
    context = {
        "period": period,
        "figures": _figure_rows(counts),
        "rows": rows[:LISTED],
        "total": counts.screened,
        "listed": LISTED,
    }
    return render(request, "disputes/index.html", context)


def _workbook(period: Period, counts, rows) -> HttpResponse:
    figures = _figure_rows(counts)
    figure_sheet = (
        _("Figures"),
        [_("Figure"), period.code, _("Rule")],
        [[str(label), value, str(rule)] for label, rule, value in figures],
        {
            index: {2: "0.0" if "%" in label else "0"}
            for index, (label, _r, _v) in enumerate(figures)
        },
    )
    header = [
        _("Case number"),
        _("Reported at"),
        _("Town"),
        _("Type of dispute"),
        _("Risk"),
        _("Status"),
        _("Outcome"),
        _("Performance"),
    ]
    body = []
    for case in rows.iterator(chunk_size=2000):
        detail = getattr(case, "dispute", None)
        body.append(
            [
                case.code,
                timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
                case.town.name,
                case.category.name,
                detail.get_risk_display() if detail else "",
                case.get_status_display(),
                detail.get_outcome_display() if detail else "",
                detail.get_performance_display() if detail else "",
            ]
        )
    return workbook_response(
        f"disputes-{period.code}.xlsx", [figure_sheet, (_("Disputes"), header, body, {})]
    )


@login_required
def agreement(request, code: str):
    """人民调解协议书, printable. The parties' names appear masked until the user reveals them for
    printing, with a reason; each name revealed is logged as any reveal is (privacy)."""
    case = get_case_for(request.user, code)
    detail = DisputeDetail.objects.filter(case=case, outcome=Outcome.WRITTEN).first()
    if detail is None:
        raise Http404(_("This dispute has no written agreement."))
    parties = list(case.dispute_parties.all())
    form = RevealForm(request.POST if request.method == "POST" else None)
    names = {party.pk: mask_name(party.name) for party in parties}
    revealed = False
    if form.is_bound and form.is_valid():
        try:
            for party in parties:
                names[party.pk] = reveal_personal_field(
                    request.user,
                    case,
                    "disputeparty.name",
                    form.cleaned_data["reason"],
                    form.cleaned_data["reason_text"],
                    party.pk,
                )
            revealed = True
        except RevealRefused as error:
            form.add_error(None, str(error))
    context = {
        "case": case,
        "detail": detail,
        "parties": [(party, names[party.pk]) for party in parties],
        "revealed": revealed,
        "form": form,
        "may_reveal": may_reveal(request.user, case, BY_KEY["disputeparty.name"]),
        "sessions": case.mediation_sessions.all(),
    }
    status = 400 if form.is_bound and not revealed else 200
    return render(request, "disputes/agreement.html", context, status=status)
