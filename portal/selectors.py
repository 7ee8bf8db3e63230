"""What a resident sees of a case by its number (一案一码): where it stands and its public
timeline. The same rule as Open311 (open311.selectors): public categories only, never who acted,
never a staff note, never a reporter's data, phone and ID numbers in the description masked."""

import re
from dataclasses import dataclass
from datetime import datetime

from cases.masking import mask_numbers_in_text
from cases.models import Case, Status
from cases.workflow import action_label
from open311.selectors import OPEN311_CLOSED, public_cases

CASE_CODE = re.compile(r"\d{6,20}")  # yymmdd and a serial (cases.services.case_code)


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    action: str
    status: str  # the status the step led to
    department: str  # the department it was with, if any


def tracked_case(code: str) -> Case | None:
    """The public case with this number; None for an unknown number and for a case whose
    category is not public (disputes, security, hardship), so that neither can be told apart."""
    if not CASE_CODE.fullmatch(code):
        return None
    return public_cases().filter(code=code).first()


def is_finished(case: Case) -> bool:
    return case.status in OPEN311_CLOSED


def public_description(case: Case) -> str:
    return mask_numbers_in_text(case.description)


def public_steps(case: Case) -> list[PublicStep]:
    entries = case.timeline.select_related("department").order_by("at", "pk")
    return [
        PublicStep(
            at=entry.at,
            action=str(action_label(entry.action)),
            status=str(Status(entry.to_status).label) if entry.to_status else "",
            department=entry.department.name if entry.department else "",
        )
        for entry in entries
    ]
