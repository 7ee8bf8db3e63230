"""Case pages: the inbox, the report form, one case with exactly the actions its viewer may take."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from .forms import ActionForm, InboxFilterForm, ReportForm
from .selectors import cases_awaiting, cases_visible_to, get_case_for, timeline_of
from .services import REPORTING_ROLES, CaseError, ensure_may_take, report_case, take_action
from .workflow import BY_ACTION, TRANSITIONS, available_transitions

CASES_PER_PAGE = 50


def _has_queue(user) -> bool:
    """Whether the workflow ever gives this user's role an action (leaders and admins: no)."""
    return any(transition.role == user.role for transition in TRANSITIONS)


@login_required
@vary_on_headers("HX-Request")
def inbox(request):
    """Awaiting me (the default) or all I can see, filtered; htmx gets only the table back."""
    user = request.user
    has_queue = _has_queue(user)
    tab = "awaiting" if has_queue and request.GET.get("tab") != "all" else "all"
    cases = cases_awaiting(user) if tab == "awaiting" else cases_visible_to(user)
    filters = InboxFilterForm(request.GET)
    cases = filters.filter(cases).for_list().order_by("-reported_at", "-pk")
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"tab": tab, "has_queue": has_queue, "filters": filters, "page": page}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/inbox.html#case-table" if partial else "cases/inbox.html"
    return render(request, template, context)


@login_required
def report(request):
    """信息收集: a grid worker, informant or centre operator reports a problem at a place."""
    user = request.user
    if user.role not in REPORTING_ROLES:
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "cases/report.html", {"form": ReportForm(user=user)})
    form = ReportForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = report_case(
                reporter=user,
                category=data["category"],
                description=data["description"],
                lon=data["lon"],
                lat=data["lat"],
                source=form.case_source(),
                address=data["address"],
                reporter_name=data.get("reporter_name", ""),
                reporter_phone=data.get("reporter_phone", ""),
                priority=data["priority"],
                photos=data["photos"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Case %(code)s reported. Keep the number.") % {"code": case.code}
            )
            return redirect("cases:detail", code=case.code)
    return render(request, "cases/report.html", {"form": form}, status=400)


def _render_case(request, case, *, failed: ActionForm | None = None, status: int = 200):
    action_forms = [
        failed
        if failed is not None and failed.transition == transition
        else ActionForm(transition, case)
        for transition in available_transitions(request.user, case)
    ]
    context = {
        "case": case,
        "timeline": timeline_of(case),
        "photos": case.photos.order_by("uploaded_at", "pk"),
        "action_forms": action_forms,
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request, code: str):
    return _render_case(request, get_case_for(request.user, code))


@require_POST
@login_required
def case_act(request, code: str, action: str):
    """Take one workflow action; a refusal re-renders the case page with status 400."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise Http404
    user = request.user
    case = get_case_for(user, code)
    try:
        ensure_may_take(user, case, transition)  # before the form: say "not yours", not "no note"
    except CaseError as error:
        messages.error(request, str(error))
        return _render_case(request, case, status=400)
    form = ActionForm(transition, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            take_action(case, user, action, **form.action_arguments())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
            if cases_visible_to(user).filter(pk=case.pk).exists():
                return redirect("cases:detail", code=case.code)
            return redirect("cases:inbox")  # e.g. returned by a department: no longer theirs
    messages.error(
        request, _("“%(action)s” was not done: see below.") % {"action": transition.label}
    )
    return _render_case(request, case, failed=form, status=400)


@login_required
def case_photo(request, code: str, photo_id: int):
    """A case's photo, only for those who may open the case: photos of residents' surroundings
    are personal data, so they are never a public file (PIPL Art. 25)."""
    case = get_case_for(request.user, code)
    photo = get_object_or_404(case.photos, pk=photo_id)
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
