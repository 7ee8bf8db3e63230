"""Case pages: the inbox, the report form, one case with exactly the actions its viewer may take."""

import functools
import logging
from functools import cached_property

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from staff.models import Role
from territory.models import Level

from .attributes import answers_shown
from .duplicates import likely_duplicates
from .errors import CaseError, InputError
from .forms import (
    ActionForm,
    InboxFilterForm,
    ReportForm,
    answers_form,
    kind_detail_form,
    leaf_categories,
)
from .kinds import detail_of, get_kind, kind_figures, registered_kinds
from .models import Case, PhotoSize, Status
from .photos import photo_type, photos_by_stage
from .selectors import (
    by_deadline,
    cases_of_tab,
    cases_visible_to,
    get_case_for,
    inbox_tabs,
    latest_result,
    may_see,
    merged_codes,
    next_step_for,
    overview_by_region,
    timeline_of,
)
from .services import REPORTING_ROLES, ensure_may_take, report_case, take_action
from .signals import report_filed
from .workflow import available_transitions, find_transition

CASES_PER_PAGE = 50

logger = logging.getLogger(__name__)


COUNTED_TABS = {"awaiting", "suspended", "mine"}
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 cases: a county centre's whole list would otherwise be counted
    on every page (a tenth of a second at a million cases); past ten thousand, one filters."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


TAB_LABELS = {
    "awaiting": gettext_lazy("Awaiting me"),
    "suspended": gettext_lazy("Suspended (挂账)"),
    "to_evaluate": gettext_lazy("To evaluate"),
    "mine": gettext_lazy("Reported by me"),
    "all": gettext_lazy("All I can see"),
}


@login_required
@vary_on_headers("HX-Request")
def inbox(request):
    """The user's queues, what they reported, or all they can see, filtered; a queue is sorted by
    deadline (overdue first), the others by report time; htmx gets only the table back."""
    user = request.user
    tabs = inbox_tabs(user)
    # Counted: the work to do now, the suspended cases and one's own reports, small and indexed.
    # Not "all" nor "to evaluate", which for a county centre are counts over most of the county's
    # cases (closed ones included: a tenth of a second or more at a million cases).
    counts = {name: cases_of_tab(user, name).count() for name in tabs if name in COUNTED_TABS}
    tab = request.GET.get("tab")
    if tab not in tabs:  # the first tab with something in it: a worker's new reports, say
        tab = next((name for name in tabs if counts.get(name)), tabs[0])
    filters = InboxFilterForm(request.GET, user=user)
    cases = filters.filter(cases_of_tab(user, tab)).for_list()
    if filters.sort_order("reported" if tab in ("all", "mine") else "deadline") == "deadline":
        cases = by_deadline(cases)
    else:
        cases = cases.order_by("-reported_at", "-pk")
    page = CappedPaginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.next_step = next_step_for(user, case)
    context = {
        "tab": tab,
        "tabs": [(name, TAB_LABELS[name], counts.get(name)) for name in tabs],
        "filters": filters,
        "page": page,
        "now": timezone.now(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/inbox.html#case-table" if partial else "cases/inbox.html"
    return render(request, template, context)


OVERVIEW_ROLES = (Role.LEADER, Role.ADMIN)


def has_overview_home(user) -> bool:
    """Leaders and the county centre start from the overview; everyone else from their queue."""
    return user.role in OVERVIEW_ROLES or (
        user.role == Role.OPERATOR and user.centre_level == Level.COUNTY
    )


@login_required
def home(request):
    if settings.AT_CITY:  # a city has no cases of its own: its first screen is the counties'
        return redirect("command:centre")
    return redirect("cases:overview" if has_overview_home(request.user) else "cases:inbox")


@login_required
def overview(request):
    """The first screen of a leader or centre: what is open, overdue, under supervision and
    closed this month in each part of their area, each figure a link into the filtered list."""
    user = request.user
    if user.role not in (*OVERVIEW_ROLES, Role.OPERATOR):
        raise PermissionDenied
    now = timezone.now()
    rows, total = overview_by_region(user, now)
    month_start = timezone.localdate(now).replace(day=1)
    context = {"rows": rows, "total": total, "month_start": month_start.isoformat()}
    return render(request, "cases/overview.html", context)


@login_required
def go_to_case(request):
    """The header's case-number box: straight to the case, or back with a clear message."""
    code = (request.GET.get("code") or "").strip()
    if code and cases_visible_to(request.user).filter(code=code).exists():
        return redirect("cases:detail", code=code)
    messages.error(
        request, _("No case numbered “%(code)s” that you may open.") % {"code": code[:30]}
    )
    return redirect("cases:inbox")


def redirect_told_to_script(view):
    """For a form that cases/static/cases/photos.js sends (XMLHttpRequest, for its progress bar),
    a redirect is answered 204 with the address in X-Redirect, and the script goes there itself:
    the request would follow it unseen and fetch the next page, and its messages, for nothing."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        sent_by_script = request.headers.get("X-Requested-With") == "XMLHttpRequest"
        if sent_by_script and isinstance(response, HttpResponseRedirectBase):
            told = HttpResponse(status=204)
            told["X-Redirect"] = response.url
            return told
        return response

    return answer


@redirect_told_to_script
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
    category = form.cleaned_data.get("category")
    details = kind_detail_form(category, request.POST)
    answers = answers_form(category, request.POST)
    parts_valid = [part.is_valid() for part in (details, answers) if part is not None]
    if form_is_valid and all(parts_valid):
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
                attributes=answers.answers if answers is not None else None,
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            report_filed.send(sender=Case, case=case, request=request)
            messages.success(
                request, _("Case %(code)s reported. Keep the number.") % {"code": case.code}
            )
            return redirect("cases:detail", code=case.code)
    context = {"form": form, "details": details, "answers": answers}
    return render(request, "cases/report.html", context, status=400)


@login_required
def report_details(request):
    """The report form's fragment for the chosen category: its own questions and its kind of
    case's details (htmx, on change)."""
    category = leaf_categories().filter(pk=request.GET.get("category") or None).first()
    context = {"details": kind_detail_form(category), "answers": answers_form(category)}
    return render(request, "cases/_kind_details.html", context)


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
        "answers": answers_shown(case),
        "timeline": timeline_of(case),
        "photo_groups": photos_by_stage(case.photos.order_by("uploaded_at", "pk")),
        # The handler's result, beside the buttons that judge it (核查, 返工).
        "result": latest_result(case) if case.status == Status.FED_BACK else None,
        "action_forms": action_forms,
        "duplicates": likely_duplicates(case, cases_visible_to(request.user)),
        "may_merge": any(form.transition.action == "merge" for form in action_forms),
        "merged_codes": merged_codes(case),
        "now": timezone.now(),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
def case_detail(request, code: str):
    return _render_case(request, get_case_for(request.user, code))


@redirect_told_to_script
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
    are personal data, so they are never a public file (PIPL Art. 25).

    `?size=thumb` or `?size=display` for the smaller copies the case page shows (the original
    when a photo has none); the original without it, or with `?size=original`."""
    size = request.GET.get("size", PhotoSize.ORIGINAL)
    if size not in PhotoSize.values:
        raise Http404
    case = get_case_for(request.user, code)
    photo = get_object_or_404(case.photos, pk=photo_id)
    stored = photo.file_in(size)
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        logger.warning("Photo %s of case %s: its file %s is missing", photo.pk, code, stored.name)
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
