"""The field app's page, its manifest and its service worker (field/sw.js, rendered here so that
it names the deployment's own static file addresses)."""

import json
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.schemas import CaseIn
from api.views import StepInputs, checked_photos, file_api_report, json_part, take_api_step
from cases.errors import CaseError, InputError
from integrations.services import StepConflict
from patrols.services import PatrolRefused, check_in

from .selectors import (
    kept_fresh_urls,
    queue_of,
    report_choices,
    sending_urls,
    shell_urls,
    shell_version,
    steps_of,
    uses_the_field_app,
)
from .services import field_credential


@never_cache
@login_required
def home(request):
    """The worker's queue: kept by the phone, shown again without signal as of `synced_at`."""
    if not uses_the_field_app(request.user):
        raise PermissionDenied
    cases = queue_of(request.user)
    context = {
        "cases": cases,
        "synced_at": timezone.localtime(),
        "choices": report_choices(request.user),
        "steps": steps_of(request.user, cases),
        "sending": sending_urls(),
    }
    return render(request, "field/home.html", context)


def manifest(request):
    start = reverse("field:home")
    return JsonResponse(
        {
            "name": _("Wanggetong: the grid worker's app"),
            "short_name": _("Wanggetong"),
            "start_url": start,
            "scope": start,
            "display": "standalone",
            "background_color": "#f3f4f5",
            "theme_color": "#0b6b57",
            "lang": request.LANGUAGE_CODE,
            "icons": [
                {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
def service_worker(request):
    response = render(
        request,
        "field/sw.js",
        {
            "version": shell_version(),
            "fresh": kept_fresh_urls(),
            "shell": shell_urls(),
            "outbox": static("field/outbox.js"),
            "sending_json": json.dumps(sending_urls()),  # addresses only: no text to escape
        },
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("field:home")
    return response


def _not_logged_in() -> JsonResponse:
    return JsonResponse(
        {"detail": _("Log in again to send what the phone keeps."), "errors": {}}, status=401
    )


@never_cache
def hello(request):
    """Before the phone sends what it kept: whether the session still holds, and the form token
    that goes with it (the page the phone kept may be older than the last login)."""
    if not uses_the_field_app(request.user):
        return _not_logged_in()
    return JsonResponse({"csrf": get_token(request), "username": request.user.username})


@require_POST
def send_report(request):
    """A report kept on the phone, with its photos: filed once per `Idempotency-Key` (the key the
    phone made when the worker saved it), 201 the first time, 200 with the same case after."""
    if not uses_the_field_app(request.user):
        return _not_logged_in()
    try:
        photos = checked_photos(request.FILES.getlist("photos"))
        payload = json_part(CaseIn, request.POST.get("report", ""), "report")
        case, created = file_api_report(
            field_credential(request.user),
            payload,
            photos,
            (request.headers.get("Idempotency-Key") or "").strip()[:100],
        )
    except InputError as error:
        errors = {name: [str(m) for m in messages] for name, messages in error.errors.items()}
        return JsonResponse({"detail": _("Check the values sent."), "errors": errors}, status=400)
    except CaseError as error:
        return JsonResponse({"detail": str(error), "errors": {}}, status=400)
    return JsonResponse({"code": case.code}, status=201 if created else 200)


@require_POST
def send_step(request, code: str, action: str):
    """A step kept on the phone (核查 with its photo, 返工), sent late: taken once per key, and
    refused with 409 when the case moved on since the worker saw it (`expected_status`)."""
    if not uses_the_field_app(request.user):
        return _not_logged_in()
    try:
        photos = checked_photos(request.FILES.getlist("photos"))
        inputs = json_part(StepInputs, request.POST.get("inputs", ""), "inputs").root
        case = take_api_step(
            field_credential(request.user),
            request.user,
            code,
            action,
            inputs,
            photos,
            (request.headers.get("Idempotency-Key") or "").strip()[:100],
        )
    except Http404:
        return JsonResponse(
            {"detail": _("No such case that you may open."), "errors": {}}, status=404
        )
    except StepConflict as error:
        return JsonResponse({"detail": str(error), "errors": {}}, status=409)
    except InputError as error:
        errors = {name: [str(m) for m in messages] for name, messages in error.errors.items()}
        return JsonResponse({"detail": _("Check the values sent."), "errors": errors}, status=400)
    except CaseError as error:
        return JsonResponse({"detail": str(error), "errors": {}}, status=400)
    return JsonResponse({"code": case.code, "status": case.get_status_display()})


@require_POST
def send_patrol(request):
    """A patrol check-in kept on the phone (the position of that moment, and its time), sent late:
    the grid is found, the position dropped (patrols.services.check_in), once per key."""
    if not uses_the_field_app(request.user):
        return _not_logged_in()
    try:
        sent = json.loads(request.body or b"{}")
        lon, lat = float(sent["lon"]), float(sent["lat"])
        at = datetime.fromisoformat(sent["at"]) if sent.get("at") else None
    except (ValueError, TypeError, KeyError):
        return JsonResponse({"detail": _("Check the values sent."), "errors": {}}, status=400)
    try:
        checkin, created = check_in(
            request.user,
            lon=lon,
            lat=lat,
            at=at,
            client_key=(request.headers.get("Idempotency-Key") or "").strip()[:100],
        )
    except PatrolRefused as error:
        return JsonResponse({"detail": str(error), "errors": {}}, status=400)
    answer = {"grid_name": checkin.grid.name, "at": timezone.localtime(checkin.at).isoformat()}
    return JsonResponse(answer, status=201 if created else 200)
