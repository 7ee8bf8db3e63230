"""The field app's page, its manifest and its service worker (field/sw.js, rendered here so that
it names the deployment's own static file addresses)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .selectors import queue_of, shell_urls, shell_version, uses_the_field_app


@never_cache
@login_required
def home(request):
    """The worker's queue: kept by the phone, shown again without signal as of `synced_at`."""
    if not uses_the_field_app(request.user):
        raise PermissionDenied
    context = {"cases": queue_of(request.user), "synced_at": timezone.localtime()}
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
        {"version": shell_version(), "page": reverse("field:home"), "shell": shell_urls()},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = reverse("field:home")
    return response
