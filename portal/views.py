"""The residents' pages: report without an account, follow a case by its number or private link,
say "me too", rate the handling. They work without JavaScript; the script only helps."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import views as case_views
from cases.duplicates import open_cases_nearby
from cases.errors import CaseError, InputError
from cases.forms import answers_form
from cases.masking import public_description
from cases.models import Case
from cases.signals import report_filed
from wangge.lockout import client_address

from . import limits
from .challenge import answer_is_right, new_challenge
from .forms import ContactForm, RatingForm, ResidentReportForm
from .groups import category_groups, public_leaf_categories
from .links import follow_key, follower_by_key
from .selectors import (
    CASE_CODE,
    is_finished,
    me_too_count,
    public_steps,
    published_cases,
    tracked_case,
)
from .services import Contact, add_me_too, hold_reason, may_rate, rate, report_as_resident


def front_door(request):
    """The site's root: a resident reports here; staff go on to their workbench."""
    if request.user.is_authenticated:
        return case_views.home(request)
    return _report_page(request, ResidentReportForm())


def _report_page(request, form, *, answers=None, nearby=(), challenge="", status=200):
    context = {
        "form": form,
        "groups": category_groups(),
        "chosen": str(form["category"].value() or ""),
        "answers": answers,
        "nearby": nearby,
        "challenge": challenge,
        "contact_days": settings.PORTAL_CONTACT_DAYS,
        "case_years": settings.PRIVACY_RETENTION_YEARS,
    }
    return render(request, "portal/report.html", context, status=status)


def _contact(data) -> Contact:
    return Contact(
        name=data.get("name", ""), phone=data.get("phone", ""), email=data.get("email", "")
    )


def _ask_the_sum(form) -> str:
    question, token = new_challenge()
    form.data = form.data.copy()
    form.data["challenge_token"], form.data["challenge_answer"] = token, ""
    return question


@case_views.redirect_told_to_script
@require_POST
def report(request):
    """信息收集 by a resident: checked like any report, limited per address and phone, the open
    cases at that place shown first ("is it this one?"), then filed and followed."""
    form = ResidentReportForm(request.POST, request.FILES)
    form_is_valid = form.is_valid()
    category = form.cleaned_data.get("category")
    answers = answers_form(category, request.POST)
    if not form_is_valid or (answers is not None and not answers.is_valid()):
        return _report_page(request, form, answers=answers, status=400)
    data = form.cleaned_data
    address = client_address(request)
    verdict = limits.verdict(address=address, phone=data["phone"])
    if verdict == limits.Verdict.REFUSE:
        return render(request, "portal/too_many.html", status=429)
    challenged = verdict == limits.Verdict.CHALLENGE
    if challenged and not answer_is_right(data["challenge_token"], data["challenge_answer"]):
        if data["challenge_token"]:
            form.add_error("challenge_answer", _("That is not the answer. Try this one."))
        question = _ask_the_sum(form)
        return _report_page(request, form, answers=answers, challenge=question, status=400)
    if not data["checked_nearby"]:
        nearby = open_cases_nearby(category, data["lon"], data["lat"], among=published_cases())
        if nearby:
            form.data = form.data.copy()
            form.data["checked_nearby"] = "1"
            return _report_page(request, form, answers=answers, nearby=nearby)
    try:
        case, follower = report_as_resident(
            category=category,
            description=data["description"],
            lon=data["lon"],
            lat=data["lat"],
            contact=_contact(data),
            address=data["address"],
            photos=data["photos"],
            attributes=answers.answers if answers is not None else None,
            held_because=hold_reason(data["description"], challenged=challenged),
        )
    except InputError as error:
        for name, problems in error.errors.items():
            form.add_error(name if name in form.fields else None, problems)
        return _report_page(request, form, answers=answers, status=400)
    except CaseError as error:
        form.add_error(None, str(error))
        return _report_page(request, form, answers=answers, status=400)
    report_filed.send(sender=Case, case=case, request=request)
    limits.count_send(address=address, phone=data["phone"])
    return redirect(_followed(follow_key(follower)))


def _followed(key: str) -> str:
    return reverse("portal:follow", args=[key]) + "?new=1"


@require_GET
def report_details(request):
    """The report form's fragment for the chosen category: its own questions (htmx, on change)."""
    category = public_leaf_categories().filter(pk=request.GET.get("category") or None).first()
    return render(request, "cases/_kind_details.html", {"answers": answers_form(category)})


@case_views.redirect_told_to_script
@require_POST
def me_too(request, code: str):
    """ "Me too" on an open case near the resident's place: they follow it instead of reporting
    it again. Counted against the same limits as a report."""
    case = published_cases().filter(code=code).first() if CASE_CODE.fullmatch(code) else None
    if case is None:
        raise Http404(_("No public case has this number."))
    form = ContactForm(request.POST)
    if not form.is_valid():  # the report form's contact fields, sent with this button
        return _report_page(request, ResidentReportForm(request.POST), status=400)
    address = client_address(request)
    if limits.verdict(address=address, phone=form.cleaned_data["phone"]) == limits.Verdict.REFUSE:
        return render(request, "portal/too_many.html", status=429)
    try:
        follower = add_me_too(case, _contact(form.cleaned_data))
    except CaseError as error:
        form = ResidentReportForm(request.POST)
        form.is_valid()
        form.add_error(None, str(error))
        return _report_page(request, form, status=400)
    limits.count_send(address=address, phone=form.cleaned_data["phone"])
    return redirect(_followed(follow_key(follower)))


@require_GET
def find_case(request):
    """`/track/?code=…`: a case number typed in, taken to its page."""
    code = request.GET.get("code", "").strip()
    error = ""
    if code:
        if CASE_CODE.fullmatch(code):
            return redirect("portal:track", code=code)
        error = _("A case number is 6 to 20 digits, as on your receipt.")
    return render(request, "portal/find.html", {"code": code[:40], "error": error})


def _case_context(case) -> dict:
    return {
        "case": case,
        "description": public_description(case.description, case.reporter_name),
        "finished": is_finished(case),
        "steps": public_steps(case),
        "me_too": me_too_count(case),
    }


@require_GET
def track(request, code: str):
    case = tracked_case(code)
    if case is None:
        raise Http404(_("No public case has this number."))
    return render(request, "portal/track.html", _case_context(case))


@require_http_methods(["GET", "POST"])
def follow(request, key: str):
    """The follower's private page: the case as the public sees it (held or not), whether they
    will be told of changes, and the rating once the case is closed."""
    follower = follower_by_key(key)
    if follower is None:
        raise Http404(_("This link is not valid. Check that it was copied whole."))
    case = follower.case
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_rate(follower):
            form.add_error(None, _("This case cannot be rated now."))
            status = 400
        elif form.is_valid():
            rate(follower, **form.cleaned_data)
            return redirect(request.path + "?rated=1")
        else:
            status = 400
    context = _case_context(case) | {
        "follower": follower,
        "new": "new" in request.GET,
        "rated": "rated" in request.GET,
        "rating_form": form if may_rate(follower) else None,
        "link": request.build_absolute_uri(request.path),
    }
    return render(request, "portal/follow.html", context, status=status)
