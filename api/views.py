"""The REST API at /api/v1/ (django-ninja): reporting, reading and moving cases with exactly the
rules of the pages (cases.services, cases.selectors, the workflow's declarations), and what a
client needs to fill a report (categories, the grid of a point). Its OpenAPI document is
/api/v1/openapi.json, its interactive docs /api/v1/docs (served from this site, not a CDN)."""

import pydantic
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Query, Schema, Status, UploadedFile
from ninja.errors import AuthenticationError, ValidationError

from cases.attributes import choices_of, question
from cases.catalogue import catalogue
from cases.errors import CaseError, InputError
from cases.fields import MultipleImageField
from cases.forms import leaf_categories
from cases.models import Case
from cases.selectors import by_deadline, cases_awaiting, cases_visible_to, get_case_for
from cases.workflow import available_transitions, find_transition
from integrations.models import Intake
from integrations.services import StepConflict, receive_report, take_step
from suggest.selectors import offered, suggest
from suggest.services import log_suggestion, record_choice
from territory.grid_index import PointOutsideCounty, locate_grid
from territory.selectors import outside_county_message

from .auth import CredentialBearer
from .base import BearerAPI
from .patrols import router as patrols_router
from .schemas import (
    MAX_SUGGESTION_TEXT,
    ActionOut,
    CaseIn,
    CaseOut,
    CasePage,
    CategoryOut,
    GridOut,
    Problem,
    SuggestionIn,
    SuggestionOut,
)
from .territory import router as territory_router

api = BearerAPI(
    title="Wangge API",
    version="1",
    description="Report, follow and move cases of a county's grid governance platform.",
    auth=CredentialBearer(),
    urls_namespace="api",
)
MAX_PAGE = 100
api.add_router("", territory_router)  # regions, grids as GeoJSON, departments
api.add_router("", patrols_router)  # patrol check-ins


# --- errors: the services' own words, as JSON -------------------------------------------------


@api.exception_handler(InputError)
def input_error(request, error: InputError):
    errors = {
        name: [str(message) for message in messages] for name, messages in error.errors.items()
    }
    return api.create_response(
        request, {"detail": _("Check the values sent."), "errors": errors}, status=400
    )


@api.exception_handler(CaseError)
def case_error(request, error: CaseError):
    return api.create_response(request, {"detail": str(error), "errors": {}}, status=400)


@api.exception_handler(StepConflict)
def conflict(request, error: StepConflict):
    return api.create_response(request, {"detail": str(error), "errors": {}}, status=409)


@api.exception_handler(Http404)
def not_found(request, error):
    return api.create_response(
        request, {"detail": _("No such case that you may open."), "errors": {}}, status=404
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, error):
    return api.create_response(
        request, {"detail": _("This is for staff tokens only."), "errors": {}}, status=403
    )


@api.exception_handler(AuthenticationError)
def unauthorised(request, error):
    return api.create_response(
        request,
        {"detail": _("Send a valid key or token: Authorization: Bearer wg_…"), "errors": {}},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request, error: ValidationError):
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = item.get("loc") or ("body",)
        field = str(
            location[-1]
        )  # ("body", "payload", "lon") → "lon"; ("query", "limit") → "limit"
        errors.setdefault(field, []).append(item.get("msg", ""))
    return api.create_response(
        request, {"detail": _("Check the values sent."), "errors": errors}, status=400
    )


# --- cases -------------------------------------------------------------------------------------


def staff_user(request):
    user = request.credential.user
    if user is None:
        raise PermissionDenied
    return user


def case_out(case: Case, now) -> dict:
    return {
        "code": case.code,
        "county_code": case.county_code,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "category": case.category.code,
        "category_name": case.category.name,
        "description": case.description,
        "town": case.town.name,
        "village": case.village.name,
        "grid": case.grid.code,
        "grid_name": case.grid.name,
        "level": case.level,
        "department": case.department.name if case.department else None,
        "reported_at": case.reported_at,
        "accept_deadline": case.accept_deadline,
        "handle_deadline": case.handle_deadline,
        "closed_at": case.closed_at,
        "overdue": case.is_overdue(now),
        "attributes": case.attributes,
    }


WITH_PLACES = ("category", "town", "village", "grid", "department")


def case_for_caller(request, code: str) -> Case:
    """A staff token sees what its user may see; a system key, the cases it reported."""
    credential = request.credential
    if credential.user is not None:
        return get_case_for(credential.user, code)
    intake = (
        Intake.objects.select_related(*(f"case__{name}" for name in WITH_PLACES))
        .filter(credential=credential, case__code=code)
        .first()
    )
    if intake is None:
        raise Http404
    return intake.case


def _idempotency_key(request) -> str:
    return (request.headers.get("Idempotency-Key") or "").strip()[:100]


def checked_photos(photos) -> list:
    """Uploaded photos, checked as the pages' photo field checks them (count, type, size)."""
    try:
        return MultipleImageField(required=False).clean(list(photos or []))
    except forms.ValidationError as error:
        raise InputError({"photos": list(error.messages)}) from None


def json_part(schema, text: str, part: str):
    """A multipart request's JSON part, checked by the same schema as the JSON requests."""
    try:
        return schema.model_validate_json(text or "{}")
    except pydantic.ValidationError as error:
        errors: dict[str, list[str]] = {}
        for item in error.errors():
            field = str(item["loc"][-1]) if item.get("loc") else part
            errors.setdefault(field, []).append(item.get("msg", ""))
        raise InputError(errors) from None


def file_api_report(credential, payload: CaseIn, photos=(), idempotency_key: str = ""):
    """A report as the API takes it (also the field app's, sent late from a phone): filed once
    per idempotency key, the suggestion it followed recorded. Answers (case, created)."""
    category = catalogue().leaf(payload.category)
    if category is None:
        raise InputError({"category": [_("No active leaf category with this code.")]})
    case, created = receive_report(
        credential,
        idempotency_key=idempotency_key,
        category=category,
        description=payload.description,
        lon=payload.lon,
        lat=payload.lat,
        address=payload.address,
        reporter_name=payload.reporter_name,
        reporter_phone=payload.reporter_phone,
        priority=payload.priority,
        attributes=payload.attributes,
        details=payload.details,
        photos=photos,
    )
    if created:
        record_choice(payload.suggestion_id, case)
    return case, created


def _report(request, payload: CaseIn, photos=()):
    case, created = file_api_report(request.credential, payload, photos, _idempotency_key(request))
    if not created:  # a retry: the case as the caller may see it now
        return Status(200, case_out(case_for_caller(request, case.code), timezone.now()))
    return Status(201, case_out(case, timezone.now()))  # as just filed: its places at hand


@api.post(
    "/cases",
    response={201: CaseOut, 200: CaseOut, 400: Problem, 401: Problem},
    summary="Report a case",
    description="Answers 201 with the new case. With an `Idempotency-Key` header, a retry of the "
    "same report answers 200 with the case already made, never a second one.",
)
def create_case(request, payload: CaseIn):
    return _report(request, payload)


@api.post(
    "/cases/with-photos",
    response={201: CaseOut, 200: CaseOut, 400: Problem, 401: Problem},
    summary="Report a case with its photos",
    description="multipart/form-data: the report of `POST /cases`, as JSON, in the part "
    "`report`, and up to 9 photos in parts named `photos`. The case and its photos are filed "
    "together or not at all; `Idempotency-Key` as for `POST /cases`.",
)
def create_case_with_photos(request, report: Form[str], photos: File[list[UploadedFile]] = None):
    checked = checked_photos(photos)
    return _report(request, json_part(CaseIn, report, "report"), checked)


class CaseFilters(Schema):
    status: str | None = None
    category: str | None = None
    overdue: bool = False
    cursor: int | None = None
    limit: int = 50


@api.get("/cases", response={200: CasePage, 400: Problem, 403: Problem}, summary="Cases I may see")
def list_cases(request, filters: Query[CaseFilters]):
    """Newest first, by keyset: pass the answer's `next_cursor` as `cursor` for the next page."""
    user = staff_user(request)
    if not 1 <= filters.limit <= MAX_PAGE:
        raise InputError({"limit": [_("Between 1 and %(max)s.") % {"max": MAX_PAGE}]})
    cases = cases_visible_to(user).select_related(*WITH_PLACES)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.category:
        cases = cases.filter(category__code=filters.category)
    if filters.overdue:
        cases = cases.overdue()
    if filters.cursor is not None:
        cases = cases.filter(pk__lt=filters.cursor)
    rows = list(cases.order_by("-pk")[: filters.limit + 1])
    now = timezone.now()
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [case_out(case, now) for case in rows],
        "next_cursor": rows[-1].pk if more else None,
    }


@api.get("/queue", response={200: list[CaseOut], 403: Problem}, summary="My work to do now")
def queue(request):
    """The caller's 待我办理, the deadline that applies now first (overdue at the top)."""
    user = staff_user(request)
    cases = by_deadline(cases_awaiting(user).select_related(*WITH_PLACES))[:MAX_PAGE]
    now = timezone.now()
    return [case_out(case, now) for case in cases]


@api.get("/cases/{code}", response={200: CaseOut, 404: Problem}, summary="One case")
def get_case(request, code: str):
    return case_out(case_for_caller(request, code), timezone.now())


@api.get(
    "/cases/{code}/actions",
    response={200: list[ActionOut], 403: Problem, 404: Problem},
    summary="The steps I may take now",
)
def case_actions(request, code: str):
    user = staff_user(request)
    case = get_case_for(user, code)
    return [{"action": t.action, "label": str(t.label)} for t in available_transitions(user, case)]


def take_api_step(credential, user, code: str, action: str, inputs: dict, photos=(), key=""):
    """A step as the API takes it (also the field app's, sent late from a phone): its photos only
    where the step takes them, once per idempotency key, refused with StepConflict when the case
    is no longer in `expected_status`. Answers the case as the user may see it now."""
    inputs = dict(inputs)
    expected_status = str(inputs.pop("expected_status", None) or "")
    if photos:
        transition = find_transition(action)
        if transition is None or "photos" not in {item.name for item in transition.inputs}:
            raise InputError({"photos": [_("This step takes no photos.")]})
        inputs["photos"] = photos
    case, _taken = take_step(
        credential,
        get_case_for(user, code),
        action,
        inputs,
        idempotency_key=key,
        expected_status=expected_status,
    )
    return get_case_for(user, case.code)


def _act(request, code: str, action: str, inputs: dict, photos=()):
    user = staff_user(request)
    key = _idempotency_key(request)
    case = take_api_step(request.credential, user, code, action, inputs, photos, key)
    return case_out(case, timezone.now())


STEP_RULES = (
    " With an `Idempotency-Key` header, a retry of a step already taken answers 200 with the "
    "case, never a second step. With `expected_status` (the status the caller saw, e.g. from a "
    "phone that queued the step without signal), a case that has moved on meanwhile answers 409 "
    "saying what it is now, and nothing is done."
)


@api.post(
    "/cases/{code}/actions/{action}",
    response={200: CaseOut, 400: Problem, 403: Problem, 404: Problem, 409: Problem},
    summary="Take a step",
    description="The body holds the step's inputs, as the case page's form does: `note`, and "
    "`department` (id), `extension_hours`, `rating`, `into` (the number of the case a "
    "duplicate is merged into) or `public_note` (shown on the case's public page) where the "
    "step takes them." + STEP_RULES,
)
def act(request, code: str, action: str, inputs: Body[dict[str, str | int | None]] = None):
    return _act(request, code, action, inputs or {})


class StepInputs(pydantic.RootModel[dict[str, str | int | None]]):
    pass


@api.post(
    "/cases/{code}/actions/{action}/with-photos",
    response={200: CaseOut, 400: Problem, 403: Problem, 404: Problem, 409: Problem},
    summary="Take a step with photos",
    description="multipart/form-data: the step's inputs of `POST /cases/{code}/actions/{action}`, "
    "as JSON, in the part `inputs`, and up to 9 photos in parts named `photos`, for the steps "
    "that take them (处置反馈's result, 核查's site)." + STEP_RULES,
)
def act_with_photos(
    request,
    code: str,
    action: str,
    inputs: Form[str] = "{}",
    photos: File[list[UploadedFile]] = None,
):
    checked = checked_photos(photos)
    return _act(request, code, action, json_part(StepInputs, inputs, "inputs").root, checked)


# --- what a client needs to report ---------------------------------------------------------------


@api.get("/categories", response=list[CategoryOut], summary="Categories one may report")
def categories(request):
    return [
        {
            "code": category.code,
            "name": category.name,
            "kind": category.kind,
            "parent": category.parent.code if category.parent else None,
            "case_kind": category.case_kind,
            "questions": [question_out(field) for field in category.report_fields.all()],
        }
        for category in leaf_categories().prefetch_related("report_fields")
    ]


def question_out(field) -> dict:
    return {
        "code": field.code,
        "question": question(field),
        "datatype": field.datatype,
        "required": field.required,
        "order": field.order,
        "choices": [{"key": c.key, "name": c.name()} for c in choices_of(field)],
    }


@api.post(
    "/suggestions",
    response={200: SuggestionOut, 400: Problem, 401: Problem},
    summary="Suggest the category of a report from its words",
)
def suggestions(request, payload: SuggestionIn):
    """The five likeliest leaf categories with calibrated scores, whether it is a case at all, and
    the department routing picks for the best (from the point, if given). Logged, so that the
    category finally chosen for the report measures the suggester."""
    text = payload.text.strip()
    if not text:
        raise InputError({"text": [_("Describe the problem.")]})
    if len(text) > MAX_SUGGESTION_TEXT:
        raise InputError(
            {"text": [_("At most %(count)s characters.") % {"count": MAX_SUGGESTION_TEXT}]}
        )
    grid = None
    if payload.lon is not None and payload.lat is not None:
        try:
            grid = locate_grid(payload.lon, payload.lat)
        except PointOutsideCounty:
            raise InputError({"lon": [outside_county_message()]}) from None
    found = suggest(text, grid=grid)
    log = log_suggestion(found, "api")
    return {
        "suggestions": offered(found),
        "department": (
            {"code": found.department.code, "name": found.department.name}
            if found.department
            else None
        ),
        "not_a_case": found.not_a_case,
        "sure": found.sure,
        "suggestion_id": log.pk,
        "version": found.version,
    }


@api.get("/territory/locate", response={200: GridOut, 400: Problem}, summary="The grid of a point")
def locate(request, lon: float, lat: float):
    try:
        grid = locate_grid(lon, lat)
    except PointOutsideCounty:
        raise InputError({"lon": [outside_county_message()]}) from None
    return {
        "code": grid.code,
        "name": grid.name,
        "village": grid.parent.name,
        "town": grid.parent.parent.name,
    }
