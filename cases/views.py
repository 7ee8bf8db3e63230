"""Case pages: the inbox, the report form, one case with exactly the actions its viewer may take."""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from .errors import CaseError, InputError
from .forms import ActionForm, InboxFilterForm, ReportForm, kind_detail_form, leaf_categories
from .kinds import detail_of, get_kind, kind_figures, registered_kinds
from .photos import photo_type
from .selectors import cases_awaiting, cases_visible_to, get_case_for, may_see, timeline_of
from .services import REPORTING_ROLES, ensure_may_take, report_case, take_action
from .workflow import available_transitions, find_transition, roles_with_a_queue

CASES_PER_PAGE = 50

logger = logging.getLogger(__name__)


@login_required
@vary_on_headers("HX-Request")
def inbox(request):
    """Awaiting me (the default) or all I can see, filtered; htmx gets only the table back."""
    user = request.user
    has_queue = user.role in roles_with_a_queue()
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
    form_is_valid = form.is_valid()
    details = kind_detail_form(form.cleaned_data.get("category"), request.POST)
    if form_is_valid and (details is None or details.is_valid()):
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
                details=details.cleaned_data if details is not None else None,
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Case %(code)s reported. Keep the number.") % {"code": case.code}
            )
            return redirect("cases:detail", code=case.code)
    context = {"form": form, "details": details}
    return render(request, "cases/report.html", context, status=400)


@login_required
def report_details(request):
    """The report form's fragment for the chosen category's kind of case (htmx, on change)."""
    category = leaf_categories().filter(pk=request.GET.get("category") or None).first()
    return render(request, "cases/_kind_details.html", {"details": kind_detail_form(category)})


def _render_case(request, case, *, failed: ActionForm | None = None, status: int = 200):
    action_forms = [
        failed
        if failed is not None and failed.transition == transition
        else ActionForm(transition, case)
        for transition in available_transitions(request.user, case)
    ]
    kind = get_kind(case.case_kind)
    context = {
        "case": case,
        "kind": kind,
        "detail": detail_of(case),
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
    user = request.user
    case = get_case_for(user, code)
    transition = find_transition(action)
    if transition is None or transition.case_kind not in (None, case.case_kind):
        raise Http404
    try:
        ensure_may_take(user, case, transition)  # before the form: say "not yours", not "no note"
    except CaseError as error:
        messages.error(request, str(error))
        return _render_case(request, case, status=400)
    form = ActionForm(transition, case, request.POST, request.FILES)
    if form.is_valid():
        try:
            moved = take_action(case, user, action, form.cleaned_data)
        except InputError as error:
            for name, problems in error.errors.items():
                form.add_error(name if name in form.fields else None, problems)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
            if may_see(user, moved):
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
    try:
        file = photo.image.open("rb")
    except FileNotFoundError:
        logger.warning(
            "Photo %s of case %s: its file %s is missing", photo.pk, code, photo.image.name
        )
        raise Http404 from None
    # The type is read from the content, not the name: files stored before names were generated
    # kept whatever name the uploader gave.
    kind = photo_type(file)
    response = FileResponse(
        file, content_type=kind.content_type if kind else "application/octet-stream"
    )
    # Not kept by the browser or any cache: a shared computer at a village office, for one.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def figures(request):
    """Each kind of case's own figures over the cases this user may see."""
    visible = cases_visible_to(request.user)
    kinds = [(kind, kind_figures(kind, visible)) for kind in registered_kinds() if kind.figures]
    return render(request, "cases/figures.html", {"kinds": kinds})
