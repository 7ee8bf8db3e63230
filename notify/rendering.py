"""What a message about a case event says, in the receiver's language.

Text comes from the templates in `notify/templates/notify/` with every string through gettext;
webhooks get language-neutral JSON instead. No message carries the reporter's name or phone.
"""

import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Status
from cases.workflow import action_label

from .models import OutboxEvent


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def _context(event: OutboxEvent) -> dict:
    case = event.case
    path = reverse("cases:detail", args=[case.code])
    return {
        "event": event,
        "case": case,
        "action": action_label(event.action),
        "status": dict(Status.choices).get(event.to_status, event.to_status),
        "department": event.department.name if event.department else "",
        "deadline": case.current_deadline(),
        "url": settings.WANGGE_SITE_URL.rstrip("/") + path,
    }


def _tidy(text: str) -> str:
    """Templates cannot place line breaks finely: drop trailing spaces and doubled blank lines."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_email(event: OutboxEvent, language: str, *, link: str = "") -> Email:
    """Staff get the step, its note and the case page; a resident following the case by its
    `link` gets where it stands and the link, never a staff note."""
    context = _context(event) | {"link": link}
    names = (
        ("email_follower_subject", "email_follower_body")
        if link
        else ("email_subject", "email_body")
    )
    with translation.override(language):
        subject, body = (render_to_string(f"notify/{name}.txt", context) for name in names)
    # A header must be one line; the category name or a label could bring a break in.
    return Email(subject=" ".join(subject.split())[:200], body=_tidy(body))


def render_sms(event: OutboxEvent, language: str, *, to_reporter: bool, link: str = "") -> str:
    """The resident hears what became of their report (with their private link when they follow
    it by one); staff hear the step and the place."""
    template = "notify/sms_reporter.txt" if to_reporter else "notify/sms_staff.txt"
    with translation.override(language):
        return " ".join(render_to_string(template, _context(event) | {"link": link}).split())


def render_webhook_body(event: OutboxEvent) -> str:
    """The JSON an outside system receives: codes, not names, so it maps them to its own."""
    case = event.case
    return json.dumps(
        {
            "event": event.idempotency_key,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "case": case.code,
            "county": case.county_code,
            "category": case.category.code,
            "grid": case.grid.code,
            "department": event.department.code if event.department else None,
            "at": timezone.localtime(event.at).isoformat(),
            "note": event.note,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
