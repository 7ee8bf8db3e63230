"""What the field app shows: the worker's queue as of the last time the phone had signal, and the
files the phone keeps so that the app opens without it."""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from cases.selectors import by_deadline, cases_awaiting
from staff.models import Role

QUEUE_SHOWN = 50
# The app shell: what the service worker keeps on the phone besides the page itself.
SHELL_FILES = (
    "wangge/app.css",
    "vendor/leaflet/leaflet.css",
    "cases/photos.js",
    "vendor/leaflet/leaflet.js",
    "territory/map.js",
    "field/field.css",
    "field/outbox.js",
    "field/field.js",
    "field/icon.svg",
)


def uses_the_field_app(user) -> bool:
    return user.is_authenticated and user.role in (Role.GRID_WORKER, Role.INFORMANT)


def queue_of(user):
    cases = cases_awaiting(user).select_related("category", "village", "grid")
    return list(by_deadline(cases)[:QUEUE_SHOWN])


def shell_urls() -> list[str]:
    return [static(path) for path in SHELL_FILES]


def sending_urls() -> dict[str, str]:
    """Where the phone sends what it kept (the page and the service worker both send)."""
    return {
        "hello": reverse("field:hello"),
        "report": reverse("field:send_report"),
        "step": reverse("field:send_step", args=["CODE", "ACTION"]),
        "patrol": reverse("field:send_patrol"),
    }


def kept_fresh_urls() -> list[str]:
    """What the phone asks afresh whenever it has signal and keeps for when it has not: the
    queue page, and the map's data (the worker's village and its neighbours, the places)."""
    return [reverse("field:home"), reverse("territory:grid_map"), reverse("territory:places")]


@cache
def shell_version() -> str:
    """Changes when a file of the shell changes, so that phones fetch the new one (once per
    process: the files change only with a deployment)."""
    digest = hashlib.sha256()
    for path in SHELL_FILES:
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


def report_choices(user) -> dict:
    """What the report form needs without signal, kept with the page: the categories one reports
    without a kind's own form (a dispute's parties are taken at the centre's form), each with its
    questions as the API gives them, and the centre of the worker's grid."""
    from api.views import question_out
    from cases.forms import leaf_categories
    from cases.kinds import get_kind

    categories = [
        {
            "code": category.code,
            "name": category.name,
            "group": category.parent.name if category.parent else "",
            "questions": [question_out(field) for field in category.report_fields.all()],
        }
        for category in leaf_categories().prefetch_related("report_fields")
        if get_kind(category.case_kind).detail is None
    ]
    grid = user.region
    centre = {"name": grid.name, "lon": grid.centroid_lon, "lat": grid.centroid_lat}
    return {"categories": categories, "grid": centre if grid is not None else None}


def steps_of(user, cases) -> dict[str, dict]:
    """The steps the worker may take on each case of the queue, as the app offers them offline:
    what the case was when the page was made (the server refuses a step on a case that moved
    on), and each step's label, whether it needs a note and whether it takes photos."""
    from cases.workflow import available_transitions

    return {
        case.code: {
            "status": case.status,
            "steps": [
                {
                    "action": transition.action,
                    "label": str(transition.label),
                    "note_label": str(transition.note_label or ""),
                    "note_required": transition.note_required,
                    "photos": "photos" in {item.name for item in transition.inputs},
                }
                for transition in available_transitions(user, case)
                if all(item.name == "photos" for item in transition.inputs)
            ],
        }
        for case in cases
    }
