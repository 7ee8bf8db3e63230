"""What Open311 shows of cases, to anyone: public categories only, never a reporter's data.

A case of a governance category (disputes, security, hardship) is not listed at all. Of the rest,
a public facility (部件: a manhole, a lamp) is shown at its exact point; an event (事件: rubbish,
a street stall) at its grid's centre, since its point may be someone's door. Descriptions are
published with phone and ID numbers masked; staff notes never leave the county's pages.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.attributes import LIST_TYPES
from cases.forms import leaf_categories
from cases.masking import public_description
from cases.models import CLOSED_STATUSES, Case, FieldType, Kind, Status, TimelineEntry
from cases.workflow import action_label

PUBLIC_KINDS = (Kind.EVENT, Kind.COMPONENT)
EXACT_POINT_KINDS = (Kind.COMPONENT,)
# Closed for Open311: the case has ended, whether fixed or not accepted.
OPEN311_CLOSED = [*CLOSED_STATUSES, Status.REJECTED]
# Answers that are choices or figures; free text stays off the public answer.
PUBLIC_DATATYPES = (*LIST_TYPES, FieldType.NUMBER, FieldType.DATETIME)
WITH_PLACES = ("category", "department", "grid", "village", "town")


def public_services():
    return leaf_categories().filter(kind__in=PUBLIC_KINDS)


def public_cases() -> QuerySet[Case]:
    return Case.objects.filter(kind__in=PUBLIC_KINDS).select_related(*WITH_PLACES)


def open311_status(case: Case) -> str:
    return "closed" if case.status in OPEN311_CLOSED else "open"


def public_point(case: Case) -> tuple[float, float]:
    if case.kind in EXACT_POINT_KINDS or case.grid.centroid_lon is None:
        return case.lon, case.lat
    return case.grid.centroid_lon, case.grid.centroid_lat


def status_notes(case: Case) -> str:
    label = str(case.get_status_display())
    return f"{label}（{case.department.name}）" if case.department else label


def _w3c(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_out(case: Case, *, media_url: str = "", extensions: bool = False) -> dict:
    """One service request as GeoReport v2 writes it."""
    lon, lat = public_point(case)
    answer = {
        "service_request_id": case.code,
        "status": open311_status(case),
        "status_notes": status_notes(case),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": public_description(case.description, case.reporter_name),
        "agency_responsible": case.department.name if case.department else "",
        "service_notice": "",
        "requested_datetime": _w3c(case.reported_at),
        "updated_datetime": _w3c(case.updated_at),
        "expected_datetime": _w3c(case.handle_deadline or case.accept_deadline),
        "address": f"{case.town.name}{case.village.name}{case.grid.name}",
        "address_id": "",
        "zipcode": "",
        "lat": round(lat, 6),
        "long": round(lon, 6),
        "media_url": media_url,
    }
    if extensions:
        answer["extended_attributes"] = {
            "grid": case.grid.code,
            "level": case.level,
            "overdue": case.is_overdue(timezone.now()),
            "attributes": public_answers(case),
        }
        answer["notes"] = [note_out(entry) for entry in case.timeline.order_by("at", "pk")]
    return answer


def public_answers(case: Case) -> dict:
    asked = {field.code: field.datatype for field in case.category.report_fields.all()}
    return {
        code: value
        for code, value in case.attributes.items()
        if asked.get(code) in PUBLIC_DATATYPES
    }


def note_out(entry: TimelineEntry) -> dict:
    """A step of the public timeline: when, what and the status it led to; never who or why."""
    return {
        "datetime": _w3c(entry.at),
        "status": "closed" if entry.to_status in OPEN311_CLOSED else "open",
        "summary": str(action_label(entry.action)),
        "description": str(Status(entry.to_status).label) if entry.to_status else "",
    }


def updates_between(start: datetime, end: datetime) -> QuerySet[TimelineEntry]:
    """mySociety's servicerequestupdates: every step of a public case in [start, end)."""
    return (
        TimelineEntry.objects.filter(at__gte=start, at__lt=end, case__kind__in=PUBLIC_KINDS)
        .select_related("case")
        .order_by("at", "pk")
    )


def update_out(entry: TimelineEntry) -> dict:
    note = note_out(entry)
    return {
        "update_id": str(entry.pk),
        "service_request_id": entry.case.code,
        "status": note["status"],
        "updated_datetime": note["datetime"],
        "description": f"{note['summary']}：{note['description']}".strip("："),
        "media_url": "",
    }
