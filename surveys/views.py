"""Publicity activities, surveys and their results for staff; the entry of a sampled answer for
grid workers; the public questionnaire for residents (no account)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from cases.views import redirect_told_to_script
from command.exports import workbook_response
from command.periods import PeriodError, parse_period
from territory.models import Region

from .forms import ActivityFilters, ActivityForm, EntryForm, ResidentForm
from .models import ActivityType, Mode, Response, Survey
from .selectors import (
    activities_for,
    activities_in,
    answers_in,
    counts_by,
    frames_with_counts,
    get_activity_for,
    get_survey_for,
    may_enter,
    may_read,
    may_record_activity,
    measures_of,
    parts_of,
    rates,
    rates_by_place,
    region_of,
    responses_by_mode,
    surveys_for,
)
from .services import SurveyError, record_activity, submit_response, token_used

LISTED = 200


def _readers_only(user) -> None:
    if not may_read(user):
        raise PermissionDenied


def _form_errors(form, error: SurveyError) -> None:
    for name, problems in error.errors.items():
        form.add_error(name if name in form.fields else None, problems)


# --- activities -------------------------------------------------------------------------------


@login_required
def activities(request):
    _readers_only(request.user)
    filters = ActivityFilters(request.user, request.GET or None)
    found = activities_for(request.user)
    period = None
    if filters.is_valid():
        period = filters.cleaned_data["period"]
        if filters.cleaned_data["kind"]:
            found = found.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["town"]:
            found = found.filter(town=filters.cleaned_data["town"])
    elif not filters.is_bound:
        period = parse_period(str(timezone.localdate().year))
    else:
        found = found.none()
    found = activities_in(found, period)
    kinds = dict(ActivityType.objects.values_list("pk", "name"))
    towns = dict(Region.objects.filter(level="town").values_list("pk", "name"))
    totals = found.aggregate(n=Count("pk"))
    context = {
        "filters": filters,
        "period": period,
        "rows": found.select_related("kind", "region", "department").prefetch_related("photos")[
            :LISTED
        ],
        "total": totals["n"],
        "listed": LISTED,
        "by_kind": counts_by(found, "kind", kinds),
        "by_town": counts_by(found, "town", towns),
        "may_record": may_record_activity(request.user),
    }
    return render(
        request, "surveys/activities.html", context, status=400 if filters.errors else 200
    )


@redirect_told_to_script  # the photos' script sends the form and follows the redirect itself
@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request):
    if not may_record_activity(request.user):
        raise PermissionDenied
    form = ActivityForm(request.user, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            activity = record_activity(
                request.user, form.save(commit=False), form.cleaned_data["photos"]
            )
        except SurveyError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is recorded.") % {"title": activity.title})
            return redirect("surveys:activity", activity.pk)
    status = 400 if form.is_bound else 200
    return render(request, "surveys/activity_form.html", {"form": form}, status=status)


@login_required
def activity(request, pk: int):
    _readers_only(request.user)
    found = get_activity_for(request.user, pk)
    return render(
        request, "surveys/activity.html", {"activity": found, "photos": found.photos.all()}
    )


@login_required
def activity_photo(request, pk: int, photo_id: int):
    """An activity's photo, to those who may open the activity (people may be in the picture)."""
    _readers_only(request.user)
    found = get_activity_for(request.user, pk)
    photo = get_object_or_404(found.photos, pk=photo_id)
    stored = photo.thumbnail if request.GET.get("size") == "thumb" else photo.display
    try:
        file = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(file, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- surveys and their results ------------------------------------------------------------------


@login_required
def surveys(request):
    user = request.user
    entering = may_enter(user)
    if not (entering or may_read(user)):
        raise PermissionDenied
    found = surveys_for(user)
    counts = {}
    if not entering:
        region = region_of(user)
        counts = dict(
            Response.objects.filter(survey__in=found, village__path__startswith=region.path)
            .values_list("survey")
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = [(survey, counts.get(survey.pk, 0)) for survey in found]
    context = {"rows": rows, "entering": entering, "today": timezone.localdate()}
    return render(request, "surveys/surveys.html", context)


def _results_period(request):
    text = request.GET.get("period", "").strip()
    if not text:
        return None
    try:
        return parse_period(text)
    except PeriodError as error:
        raise Http404(str(error)) from None


MODE_FILTERS = {
    "": None,
    "random": [Mode.DOOR, Mode.PHONE],
    Mode.ONLINE: [Mode.ONLINE],
    Mode.DOOR: [Mode.DOOR],
    Mode.PHONE: [Mode.PHONE],
}


@login_required
def results(request, pk: int):
    """知晓率 and 满意率 of one survey in the viewer's region: numerator, denominator, rate and 95 %
    interval, overall and by town (by village for a town), beside the sampling frames."""
    _readers_only(request.user)
    survey = get_survey_for(request.user, pk)
    region = region_of(request.user)
    period = _results_period(request)
    mode = request.GET.get("mode", "")
    if mode not in MODE_FILTERS:
        raise Http404
    answers = answers_in(region, period, survey, MODE_FILTERS[mode])
    places, level = parts_of(region)
    measures = measures_of(survey)
    responses = Response.objects.filter(survey=survey, village__path__startswith=region.path)
    if period is not None:
        responses = responses.filter(answered_on__gte=period.start, answered_on__lt=period.end)
    overall = rates(answers, measures)
    by_place = rates_by_place(answers, places, level, measures) if len(places) > 1 else []
    frames = frames_with_counts(survey, responses)
    if request.GET.get("format") == "xlsx":
        return _results_workbook(survey, region, overall, by_place, frames)
    context = {
        "survey": survey,
        "region": region,
        "period": period,
        "mode": mode,
        "modes": [("", _("All answers")), ("random", _("Sampled by grid workers"))]
        + list(Mode.choices),
        "overall": overall,
        "by_place": by_place,
        "frames": frames,
        "by_mode": responses_by_mode(responses),
        "public_url": request.build_absolute_uri(
            reverse("surveys:answer", args=[survey.public_key])
        ),
    }
    return render(request, "surveys/results.html", context)


def _rate_cells(rate) -> list:
    def percent(value):
        return None if value is None else round(100 * value, 1)

    return [rate.numerator, rate.denominator, percent(rate.rate), percent(rate.low), percent(rate.high), rate.excluded]  # fmt: skip


def _results_workbook(survey, region, overall, by_place, frames):
    header = [
        pgettext("survey", "Place"), _("Measure"), _("Numerator"), _("Denominator"), _("Rate (%)"),
        _("Lower bound (%)"), _("Upper bound (%)"), _("Left out"),
    ]  # fmt: skip
    rows = [[region.name, rate.label, *_rate_cells(rate)] for rate in overall]
    rows += [
        [row.place.name, rate.label, *_rate_cells(rate)] for row in by_place for rate in row.rates
    ]
    frame_header = [
        _("Mode"), _("Sampling frame"), _("Method"), _("Population N"), _("Planned n"),
        _("Responses"), _("Random sample"),
    ]  # fmt: skip
    frame_rows = [
        [
            frame.get_mode_display(), frame.description, frame.get_method_display(),
            frame.population, frame.planned, frame.achieved, _("Yes") if frame.is_random else _("No"),
        ]
        for frame in frames
    ]  # fmt: skip
    return workbook_response(
        f"survey-{survey.pk}.xlsx",
        [(_("Rates"), header, rows, {}), (_("Sampling frames"), frame_header, frame_rows, {})],
    )


@login_required
@require_http_methods(["GET", "POST"])
def enter(request, pk: int):
    """A grid worker enters one door-to-door or phone answer for the village of their grid."""
    if not may_enter(request.user):
        raise PermissionDenied
    survey = get_survey_for(request.user, pk)
    village = request.user.region.parent
    form = EntryForm(survey, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submit_response(
                survey,
                village=village,
                answers=form.answers(),
                mode=data["mode"],
                entered_by=request.user,
                frame=data["frame"],
                answered_on=data["answered_on"],
            )
        except SurveyError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The answer is saved. Enter the next one."))
            return redirect("surveys:enter", survey.pk)
    entered = Response.objects.filter(survey=survey, entered_by=request.user).count()
    context = {"survey": survey, "form": form, "village": village, "entered": entered}
    return render(request, "surveys/enter.html", context, status=400 if form.is_bound else 200)


# --- the public questionnaire -------------------------------------------------------------------

TOKEN_SALT = "surveys.token"


def _cookie_name(survey: Survey) -> str:
    return f"wangge-survey-{survey.public_key}"


def _token(request, survey: Survey) -> str:
    return request.get_signed_cookie(_cookie_name(survey), default="", salt=TOKEN_SALT)


def _with_token(response, survey: Survey, token: str):
    """The phone's random token for this survey, kept until the survey closes: it names no one,
    and the server keeps only a keyed digest of it once it has sent the survey."""
    days = max(1, (survey.closes_on - timezone.localdate()).days + 1)
    response.set_signed_cookie(
        _cookie_name(survey),
        token,
        salt=TOKEN_SALT,
        max_age=int(timedelta(days=days).total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _public_survey(key: str) -> Survey:
    return get_object_or_404(Survey, public_key=key)


@require_http_methods(["GET", "POST"])
def answer(request, key: str):
    """The questionnaire a resident answers on their phone, without an account."""
    survey = _public_survey(key)
    if not survey.is_open():
        return render(request, "surveys/closed.html", {"survey": survey}, status=404)
    token = _token(request, survey)
    if token_used(survey, token):
        return render(request, "surveys/thanks.html", {"survey": survey, "again": True})
    form = ResidentForm(survey, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_response(
                survey, village=form.cleaned_data["village"], answers=form.answers(), token=token
            )
        except SurveyError as error:
            _form_errors(form, error)
        else:
            return redirect("surveys:thanks", survey.public_key)
    context = {"survey": survey, "form": form}
    response = render(request, "surveys/answer.html", context, status=400 if form.is_bound else 200)
    return _with_token(response, survey, token or secrets.token_urlsafe(24))


def thanks(request, key: str):
    survey = _public_survey(key)
    return render(request, "surveys/thanks.html", {"survey": survey, "again": False})
