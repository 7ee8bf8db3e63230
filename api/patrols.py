"""Patrol check-ins (巡查打卡) through the REST API: a grid worker's phone sends its position and
the time of the patrol; the answer names the grid. The position finds the grid and is dropped:
it is never stored, nor answered back (patrols.services.check_in)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status

from patrols.models import PatrolCheckIn
from patrols.services import NotAPatroller, PatrolRefused, check_in

from .schemas import Problem

router = Router()


class PatrolIn(Schema):
    lon: float = Field(ge=-180, le=180, description="WGS-84, used to find the grid, not kept")
    lat: float = Field(ge=-90, le=90, description="WGS-84, used to find the grid, not kept")
    at: datetime | None = Field(
        None,
        description="when the patrol was, as the phone tells it (without an offset: the "
        "county's time); not in the future, at most 7 days ago; now if left out",
    )


class PatrolOut(Schema):
    grid: str = Field(description="the code of the grid patrolled")
    grid_name: str
    at: datetime


def patrol_out(checkin: PatrolCheckIn) -> dict:
    return {"grid": checkin.grid.code, "grid_name": checkin.grid.name, "at": checkin.at}


@router.post(
    "/patrols",
    response={201: PatrolOut, 200: PatrolOut, 400: Problem, 401: Problem, 403: Problem},
    summary="Check in on patrol",
    description="For grid workers' and informants' tokens: the grid the position lies in, which "
    "must be in the worker's own village, was patrolled at `at`. Answers 201 with the check-in. "
    "With an `Idempotency-Key` header, a resend of the same check-in answers 200 with the one "
    "already made, never a second one.",
)
def check_in_on_patrol(request, payload: PatrolIn):
    user = request.credential.user
    if user is None:
        raise PermissionDenied  # a system's key: staff tokens only
    try:
        checkin, created = check_in(
            user,
            lon=payload.lon,
            lat=payload.lat,
            at=payload.at,
            client_key=(request.headers.get("Idempotency-Key") or "").strip()[:100],
        )
    except NotAPatroller as error:
        return Status(403, {"detail": str(error), "errors": {}})
    except PatrolRefused as error:
        errors = {error.field: [str(error)]} if error.field else {}
        return Status(400, {"detail": str(error), "errors": errors})
    return Status(201 if created else 200, patrol_out(checkin))
