"""Error pages in the site's layout and language: 403, 404 and 405 say what happened and where to
go next, instead of Django's bare or technical pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

ERRORS = {
    403: (
        _("You may not open this page"),
        _(
            "It lies outside your role or your area. If you need it, ask your centre's administrator."
        ),
    ),
    404: (
        _("Not found"),
        _(
            "There is no such page, or no case with this number that you may open. Check the number."
        ),
    ),
    405: (
        _("This address is not opened directly"),
        _("It takes a form sent from its page: go back to the case and use its buttons."),
    ),
}


def error_page(request, status: int):
    title, explanation = ERRORS[status]
    context = {"status": status, "title": title, "explanation": explanation}
    response = render(request, "error.html", context, status=status)
    response.site_error_page = True
    return response


def permission_denied(request, exception=None):
    return error_page(request, 403)


def page_not_found(request, exception=None):
    return error_page(request, 404)


class SiteErrorPagesMiddleware:
    """Django answers a wrong method (405) with an empty body, and in DEBUG (the demo) a 404 with
    its technical page: both become the site's page. The 405 keeps its Allow header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "site_error_page", False):
            return response
        if response.status_code == 405 and not response.content:
            page = error_page(request, 405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        if response.status_code == 404 and settings.DEBUG and _is_html(response):
            return error_page(request, 404)
        return response


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")
