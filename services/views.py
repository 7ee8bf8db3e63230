"""The service guide (public), the window's registration, the applications' figures, and the
social-psychological service (counts for all, requests for named counsellors only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases.errors import CaseError, InputError
from cases.selectors import cases_visible_to
from command.periods import period_asked, reported_in
from staff.models import Role

from .forms import ApplicationForm, CounsellingUpdateForm, ReferralForm, WindowRegistrationForm
from .models import CounsellingRequest, ServiceItem
from .selectors import (
    DEFINITIONS,
    applications,
    by_item,
    catalogue,
    counselling_counts,
    handed_back_cases,
    service_categories,
    service_counts,
    villages_served_by,
    window_of,
)
from .services import (
    REFERRING_ROLES,
    is_counsellor,
    open_request,
    refer_for_counselling,
    register_at_window,
)
from .services import update_request as update_counselling

MAY_LIST = (Role.OPERATOR, Role.LEADER, Role.ADMIN, Role.HANDLER)
LISTED = 100


def guide(request):
    """办事指南: every item, what to bring, how long, where: for anyone, no account needed."""
    return render(request, "services/guide.html", {"groups": catalogue()})


def item(request, code: str):
    found = get_object_or_404(ServiceItem, code=code, is_active=True)
    return render(request, "services/item.html", {"item": found})


def _figure_rows(counts) -> list[tuple[str, str, object]]:
    labels = {
        "applied": _("Applications"),
        "received": _("Accepted (受理)"),
        "awaiting_documents": _("Waiting for documents (补正)"),
        "declined": _("Not accepted (不予受理)"),
        "completed": _("Completed (办结)"),
        "completed_on_time": _("Completed in time"),
        "on_time_rate": _("Completed in time (%)"),
        "handed_in": _("Handed in by the governance centre"),
        "handed_back": _("Handed back to the governance centre"),
    }
    return [(labels[name], DEFINITIONS[name], getattr(counts, name)) for name in labels]


@login_required
def index(request):
    if request.user.role not in MAY_LIST:
        raise PermissionDenied
    period = period_asked(request)
    visible = cases_visible_to(request.user)
    cases = applications(visible).filter(reported_in(period))
    counts = service_counts(cases, handed_back_cases(visible).filter(reported_in(period)))
    context = {
        "period": period,
        "figures": _figure_rows(counts),
        "items": by_item(cases),
        "rows": cases.select_related("category", "town").order_by("-reported_at")[:LISTED],
        "listed": LISTED,
        "total": counts.applied,
        "at_window": window_of(request.user),
        "counselling": counselling_counts(request.user.county_code, period),
        "counsellor": is_counsellor(request.user),
        "may_refer": request.user.role in REFERRING_ROLES,
    }
    return render(request, "services/index.html", context)


@login_required
def register(request):
    """An applicant at the window: the clerk registers the application (受理 follows on its page)."""
    if not window_of(request.user):
        raise PermissionDenied
    form = WindowRegistrationForm(
        request.POST or None,
        items=service_categories(),
        villages=villages_served_by(request.user),
    )
    details = ApplicationForm(request.POST or None, prefix="applicant")
    if request.method == "POST" and form.is_valid() and details.is_valid():
        try:
            case = register_at_window(
                request.user,
                category=form.cleaned_data["item"],
                village=form.cleaned_data["village"],
                description=form.cleaned_data["description"],
                details={name: details.cleaned_data[name] for name in details.fields},
            )
        except InputError as error:
            for name, errors in error.errors.items():
                for message in errors:
                    details.add_error(name if name in details.fields else None, message)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Application %(code)s registered.") % {"code": case.code})
            return redirect("cases:detail", case.code)
    return render(request, "services/register.html", {"form": form, "details": details})


# --- the social-psychological service -------------------------------------------------------------


@login_required
def counselling(request):
    """Counsellors: the requests. Everyone else: nothing here but the way to refer someone."""
    if not is_counsellor(request.user):
        raise PermissionDenied
    requests = CounsellingRequest.objects.filter(county_code=request.user.county_code)
    return render(
        request,
        "services/counselling.html",
        {"requests": requests.select_related("town", "counsellor__user")[:200]},
    )


@login_required
def refer(request):
    if request.user.role not in REFERRING_ROLES:
        raise PermissionDenied
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refer_for_counselling(request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Referred. A counsellor will contact the person; the request is not shown again."
                ),
            )
            return redirect("services:index")
    return render(request, "services/refer.html", {"form": form})


@login_required
def counselling_request(request, pk: int):
    found = open_request(request.user, pk)
    if found is None:
        raise Http404
    form = CounsellingUpdateForm(
        request.POST or None,
        initial={"status": found.status, "sessions": found.sessions, "notes": found.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_counselling(request.user, found, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("services:counselling_request", found.pk)
    return render(request, "services/counselling_request.html", {"request_": found, "form": form})
