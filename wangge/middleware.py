"""Request checks that must run before a view reads the body."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_REQUEST_BYTES, unread (413).

    Django caps only the form fields beside the files (DATA_UPLOAD_MAX_MEMORY_SIZE); photos would
    otherwise be streamed to disk whatever their size before any form could say no. A body sent
    without a Content-Length (chunked) is not read by Django at all, so the header is enough.
    Nothing before this reads the body: the CSRF check reads the form only when the view is called.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = ""
        context = {"limit": filesizeformat(settings.MAX_REQUEST_BYTES), "back": back}
        return render(request, "upload_too_large.html", context, status=413)
