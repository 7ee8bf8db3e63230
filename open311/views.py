"""GeoReport v2 (http://wiki.open311.org/GeoReport_v2), in JSON or XML: discovery, services and
their questions, service requests (read by anyone; posted with an api_key), tokens, and
mySociety's servicerequestupdates. A service is a leaf category a resident may report;
governance categories (disputes, security, hardship) are neither offered nor listed."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from cases.attributes import choices_of, question
from cases.errors import CaseError, InputError
from integrations.models import Intake
from integrations.services import authenticate, receive_report

from .formats import answer, error
from .inputs import (
    RequestForm,
    RequestQuery,
    RequestRefused,
    UpdatesQuery,
    input_error_descriptions,
)
from .selectors import (
    PUBLIC_KINDS,
    public_cases,
    public_services,
    request_out,
    update_out,
    updates_between,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": bool(category.report_fields.all()),  # it asks questions of its own
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent else "",
    }


def _refused(request, fmt):
    """The refusals every endpoint shares: input with a NUL character (PostgreSQL cannot store
    it, and no code or name holds one), and a jurisdiction other than this county."""
    sent = [
        request.path,
        *(f"{k}{v}" for data in (request.GET, request.POST) for k, vs in data.lists() for v in vs),
    ]
    if any("\x00" in text for text in sent):
        return error(fmt, 400, _("Null characters are not allowed."))
    jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.COUNTY_CODE:
        return error(
            fmt, 404, _("Unknown jurisdiction_id %(value)s.") % {"value": jurisdiction[:20]}
        )
    return None


@require_GET
def discovery(request, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    base = request.build_absolute_uri(reverse("open311:discovery", args=[fmt])).rsplit("/", 1)[0]
    data = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": _("The county's grid governance centre"),
        "key_service": _("Keys are issued by the county's administrators."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return answer(data, fmt, root="discovery", item=None)


@require_GET
def services(request, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    listed = [service(category) for category in public_services().prefetch_related("report_fields")]
    return answer(listed, fmt, root="services", item="service")


@require_GET
def service_definition(request, code: str, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    category = public_services().filter(code=code).first()
    if category is None:
        return error(fmt, 404, _("No service with the code %(code)s.") % {"code": code[:20]})
    attributes = [attribute(field) for field in category.report_fields.order_by("order", "pk")]
    return answer(
        {"service_code": code, "attributes": attributes}, fmt, root="service_definition", item=None
    )


def attribute(field) -> dict:
    """A category's question as an Open311 attribute."""
    return {
        "variable": True,
        "code": field.code,
        "datatype": field.datatype,
        "required": field.required,
        "datatype_description": "",
        "order": field.order,
        "description": question(field),
        "values": [{"key": choice.key, "name": choice.name()} for choice in choices_of(field)],
    }


# --- service requests ------------------------------------------------------------------------


def _errors(fmt, status: int, descriptions: list[str]) -> HttpResponse:
    return answer(
        [{"code": status, "description": text} for text in descriptions],
        fmt,
        root="errors",
        item="error",
        status=status,
    )


@csrf_exempt
def service_requests(request, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method == "GET":
        return _list_requests(request, fmt)
    return error(fmt, 405, _("Use GET or POST."))


def _post_request(request, fmt: str) -> HttpResponse:
    credential = authenticate(request.POST.get("api_key"))
    if credential is None:
        return error(fmt, 403, _("api_key was not provided or is invalid."))
    try:
        report = RequestForm(request.POST, request.FILES).report()
    except RequestRefused as refusal:
        return _errors(fmt, refusal.status, refusal.descriptions)
    try:
        case, _created = receive_report(
            credential,
            idempotency_key=(request.headers.get("Idempotency-Key") or "").strip()[:100],
            **report,
        )
    except InputError as refusal:
        return _errors(fmt, 400, input_error_descriptions(refusal))
    except CaseError as refusal:
        return error(fmt, 400, str(refusal))
    return answer(
        [
            {
                "service_request_id": case.code,
                "token": case.intake.token,
                "service_notice": _("Keep the number %(code)s to follow the case.")
                % {"code": case.code},
                "account_id": None,
            }
        ],
        fmt,
        root="service_requests",
        item="request",
        status=201,
    )


def _list_requests(request, fmt: str) -> HttpResponse:
    try:
        query = RequestQuery(request.GET)
    except RequestRefused as refusal:
        return _errors(fmt, refusal.status, refusal.descriptions)
    cases = query.filter(public_cases()).order_by("-reported_at", "-pk")
    if query.extensions:
        cases = cases.prefetch_related("timeline", "category__report_fields")
    page = list(cases[query.offset : query.offset + query.page_size])
    return answer(
        requests_out(page, extensions=query.extensions),
        fmt,
        root="service_requests",
        item="request",
    )


def requests_out(cases, *, extensions: bool) -> list[dict]:
    media = dict(
        Intake.objects.filter(case__in=[case.pk for case in cases])
        .exclude(media_url="")
        .values_list("case_id", "media_url")
    )
    return [
        request_out(case, media_url=media.get(case.pk, ""), extensions=extensions) for case in cases
    ]


@require_GET
def service_request(request, code: str, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    case = public_cases().filter(code=code).first()
    if case is None:
        return error(fmt, 404, _("No service request %(id)s.") % {"id": code[:20]})
    extensions = request.GET.get("extensions") == "true"
    return answer(
        requests_out([case], extensions=extensions), fmt, root="service_requests", item="request"
    )


@require_GET
def token(request, token: str, fmt: str):
    refused = _refused(request, fmt)
    if refused:
        return refused
    intake = Intake.objects.select_related("case").filter(token=token).exclude(token="").first()
    if intake is None or intake.case.kind not in PUBLIC_KINDS:
        return error(fmt, 404, _("No request with the token %(token)s.") % {"token": token[:20]})
    return answer(
        [{"service_request_id": intake.case.code, "token": token}],
        fmt,
        root="service_requests",
        item="request",
    )


@require_GET
def service_request_updates(request, fmt: str):
    """mySociety's extension: every change of a public case in a window (default: a day)."""
    refused = _refused(request, fmt)
    if refused:
        return refused
    try:
        window = UpdatesQuery(request.GET)
    except RequestRefused as refusal:
        return _errors(fmt, refusal.status, refusal.descriptions)
    entries = updates_between(window.start, window.end)
    page = entries[window.offset : window.offset + window.page_size]
    return answer(
        [update_out(entry) for entry in page],
        fmt,
        root="service_request_updates",
        item="request_update",
    )
