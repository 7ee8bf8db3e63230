"""Screening campaigns with their rate, and the stability-risk filings register."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.selectors import cases_visible_to
from command.exports import workbook_response
from staff.models import Role

from .forms import FilingForm
from .models import Campaign, Filing, Method
from .selectors import RESOLUTION_RULE, campaign_figures, filing_counts, risks
from .services import may_file, save_filing

MAY_READ = (Role.OPERATOR, Role.LEADER, Role.ADMIN)


def _readers_only(user) -> None:
    if user.role not in MAY_READ:
        raise PermissionDenied


@login_required
def campaigns(request):
    _readers_only(request.user)
    visible = cases_visible_to(request.user)
    rows = [(campaign, campaign_figures(campaign, visible)) for campaign in Campaign.objects.all()]
    return render(request, "assessments/campaigns.html", {"rows": rows, "rule": RESOLUTION_RULE})


@login_required
def campaign(request, pk: int):
    _readers_only(request.user)
    found = get_object_or_404(Campaign, pk=pk)
    visible = cases_visible_to(request.user)
    cases = (
        risks(visible)
        .filter(risk__campaign=found)
        .select_related("category", "town", "risk")
        .order_by("-reported_at")
    )
    figures = campaign_figures(found, visible)
    if request.GET.get("format") == "xlsx":
        return _workbook(found, figures, cases)
    context = {"campaign": found, "figures": figures, "rule": RESOLUTION_RULE, "cases": cases}
    return render(request, "assessments/campaign.html", context)


def _workbook(campaign, figures, cases):
    summary = [
        [_("Screened (排查)"), figures.screened],
        [_("Resolved (化解)"), figures.resolved],
        [_("Resolution rate 化解率"), figures.rate],
        [_("Rule"), str(RESOLUTION_RULE)],
    ]
    header = [
        _("Case number"), _("Reported at"), _("Town"), _("Type of risk"), _("Risk level"),
        _("Status"), _("How it was resolved"),
    ]  # fmt: skip
    body = [
        [
            case.code,
            timezone.localtime(case.reported_at).strftime("%Y-%m-%d %H:%M"),
            case.town.name,
            case.category.name,
            case.risk.get_level_display(),
            case.get_status_display(),
            case.risk.resolution,
        ]
        for case in cases
    ]
    return workbook_response(
        f"campaign-{campaign.pk}.xlsx",
        [(_("Figures"), [campaign.name, ""], summary, {}), (_("Risks found"), header, body, {})],
    )


@login_required
def filings(request):
    _readers_only(request.user)
    register = Filing.objects.select_related("owner")
    form = None
    if may_file(request.user):
        form = FilingForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            filing = save_filing(form, request.user)
            messages.success(request, _("“%(name)s” is in the register.") % {"name": filing.name})
            return redirect("assessments:filings")
    if request.GET.get("format") == "xlsx":
        return _register_workbook(register)
    context = {"register": register, "counts": filing_counts(register), "form": form}
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "assessments/filings.html", context, status=status)


def _register_workbook(register):
    counts = [
        [str(label), by_risk["high"], by_risk["medium"], by_risk["low"], total]
        for label, by_risk, total in filing_counts(register)
    ]
    header = [
        _("Project or decision"), _("Type"), _("Owner"), _("Assessing body"), _("Methods used"),
        _("Risk level"), _("Mitigation"), _("Decision"), _("Filing status"), _("Filed on"),
    ]  # fmt: skip
    methods = dict(Method.choices)
    body = [
        [
            filing.name,
            filing.get_kind_display(),
            filing.owner.name,
            filing.assessor,
            "、".join(str(methods.get(method, method)) for method in filing.methods),
            filing.get_risk_display(),
            filing.mitigation,
            filing.get_decision_display(),
            filing.get_status_display(),
            filing.filed_on.isoformat() if filing.filed_on else "",
        ]
        for filing in register
    ]
    by_type = [_("Type"), _("High"), _("Medium"), _("Low"), _("Total")]
    return workbook_response(
        "stability-filings.xlsx",
        [(_("By type and risk level"), by_type, counts, {}), (_("Register"), header, body, {})],
    )
