"""What every operation of the REST API shares beyond its own code: the refusals it may answer
before its view runs, answered and declared in one place."""

import functools

from django.http import QueryDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError

PROBLEM = {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
# Every operation sits behind the bearer (401) and refuses input it cannot store (400).
SHARED_RESPONSES = {
    400: {"description": "Bad Request", "content": PROBLEM},
    401: {"description": "Unauthorized", "content": PROBLEM},
}
JSON_NUL = b"\\u0000"


def nul_input(request) -> str | None:
    """Where the request holds a NUL character, if it does: the path, a query parameter's name,
    a form field's (a multipart request's text parts; its photos are binary and hold NULs), or the
    body (raw, or as JSON's escape)."""
    if "\x00" in request.path:
        return "path"
    for parameters in (request.GET, _form_fields(request)):
        for name, values in parameters.lists():
            if "\x00" in name or any("\x00" in value or "\\u0000" in value for value in values):
                return name.replace("\x00", "") or "query"
    if request.method == "GET" or _is_multipart(request):
        return None
    if b"\x00" in request.body or JSON_NUL in request.body:
        return "body"
    return None


def _is_multipart(request) -> bool:
    return request.content_type == "multipart/form-data"


def _form_fields(request):
    return request.POST if request.method != "GET" and _is_multipart(request) else QueryDict()


class BearerAPI(NinjaAPI):
    """A NinjaAPI that refuses NUL characters anywhere in a request with a 400 in the API's shape,
    as Django's forms do on the pages (PostgreSQL cannot store them; SQLite would, silently), and
    whose document declares that 400 and the bearer's 401 on every operation. Schemathesis found
    both: 500s on PostgreSQL, and 401s the document did not mention."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_decorator(self.refuse_nul, mode="view")  # before parsing and authentication
        self.add_exception_handler(HttpError, self.http_error)

    def http_error(self, request, error: HttpError):
        """ninja's own refusals in the API's shape: its only 400 is a body that is not JSON."""
        if error.status_code == 400:
            problem = {
                "detail": _("Check the values sent."),
                "errors": {"body": [_("Not valid JSON.")]},
            }
        else:
            problem = {"detail": str(error), "errors": {}}
        return self.create_response(request, problem, status=error.status_code)

    def refuse_nul(self, run):
        @functools.wraps(run)
        def checked(request, *args, **kwargs):
            place = nul_input(request)
            if place is None:
                return run(request, *args, **kwargs)
            problem = {
                "detail": _("Check the values sent."),
                "errors": {place: [_("Null characters are not allowed.")]},
            }
            return self.create_response(request, problem, status=400)

        return checked

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in SHARED_RESPONSES.items():
                    operation["responses"].setdefault(status, response)
        return schema
