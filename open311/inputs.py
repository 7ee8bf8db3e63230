"""The parameters of Open311's requests, read and checked: every refusal names the parameter and
what is wrong, in the caller's language, with the status the specification gives it."""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cases.catalogue import catalogue
from cases.errors import InputError
from cases.models import Priority
from territory.selectors import search_places

from .selectors import OPEN311_CLOSED, PUBLIC_KINDS

DEFAULT_WINDOW = timedelta(days=90)  # the specification's default query period
MAX_PAGE_SIZE = 1000  # and its default limit
MAX_PAGE = 1_000_000
MAX_IDS = 1000
DEFAULT_UPDATES_WINDOW = timedelta(days=1)
MAX_UPDATES_WINDOW = timedelta(days=90)
FIELD_LIMITS = {"description": 2000, "address_string": 200, "phone": 20}
NAME_LIMIT = 40


class RequestRefused(Exception):
    def __init__(self, descriptions: list[str], status: int = 400):
        super().__init__(descriptions)
        self.descriptions = descriptions
        self.status = status


def input_error_descriptions(error: InputError) -> list[str]:
    """The services' errors under Open311's parameter names: attributes.volume → attribute[volume]."""
    described = []
    for key, messages in error.errors.items():
        name = (
            f"attribute[{key.removeprefix('attributes.')}]"
            if key.startswith("attributes.")
            else key
        )
        described += [f"{name}: {message}" for message in messages]
    return described


def _attributes(data) -> dict:
    """attribute[code]=value and attribute[code][]=value …, by code."""
    answers = {}
    for key, values in data.lists():
        if not (key.startswith("attribute[") and key.endswith("]")):
            continue
        if key.endswith("[]"):
            answers[key[len("attribute[") : -3]] = values
        else:
            answers[key[len("attribute[") : -1]] = values[-1]
    return answers


class RequestForm:
    """POST requests: what it asks to report, as `receive_report`'s arguments."""

    def __init__(self, data, files):
        self.data, self.files = data, files
        self.problems: list[str] = []

    def report(self) -> dict:
        data = self.data
        code = data.get("service_code", "").strip()
        if not code:
            raise RequestRefused([_("service_code was not provided.")])
        category = catalogue().leaf(code)
        if category is None or category.kind not in PUBLIC_KINDS:
            raise RequestRefused(
                [_("No service with the code %(code)s.") % {"code": code[:20]}], status=404
            )
        for name, limit in FIELD_LIMITS.items():
            if len(data.get(name, "")) > limit:
                self.problems.append(
                    _("%(name)s: at most %(count)s characters.") % {"name": name, "count": limit}
                )
        lon, lat = self._point()
        name = " ".join(
            part.strip() for part in (data.get("last_name", ""), data.get("first_name", "")) if part
        )
        if len(name) > NAME_LIMIT:
            self.problems.append(_("first_name and last_name: too long."))
        phone = data.get("phone", "").strip()
        if phone and not all(character in "0123456789+- " for character in phone):
            self.problems.append(_("phone: digits, spaces, + and - only."))
        media_url = self._media_url()
        photos = self._media()
        if self.problems:
            raise RequestRefused(self.problems)
        return {
            "category": category,
            # Optional in GeoReport v2; a case needs one, so the service's name says what it is.
            "description": data.get("description", "").strip() or category.name,
            "lon": lon,
            "lat": lat,
            "address": data.get("address_string", "").strip(),
            "reporter_name": name,
            "reporter_phone": phone,
            "priority": Priority.NORMAL,
            "photos": photos,
            "media_url": media_url,
            "attributes": _attributes(data),
        }

    def _point(self) -> tuple[float, float]:
        data = self.data
        if data.get("lat", "").strip() or data.get("long", "").strip():
            try:
                lat, lon = float(data.get("lat", "")), float(data.get("long", ""))
            except ValueError:
                lat = lon = math.nan
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan
                self.problems.append(_("lat and long: two numbers in degrees (WGS 84)."))
                return 0.0, 0.0
            return lon, lat
        address = " ".join(data.get("address_string", "").split())
        if not address:
            raise RequestRefused([_("lat and long, or address_string, are required.")])
        found = search_places(address, limit=1)
        if not found:
            raise RequestRefused(
                [_("address_string: no such place in the county; send lat and long.")]
            )
        return found[0].lon, found[0].lat

    def _media_url(self) -> str:
        url = self.data.get("media_url", "").strip()
        if not url:
            return ""
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            self.problems.append(_("media_url: not an http or https address."))
            return ""
        if len(url) > 500:
            self.problems.append(_("media_url: at most 500 characters."))
        return url

    def _media(self) -> list:
        """A photo sent along (`media`, an extension many clients use); its type is checked
        where every photo is (cases.services)."""
        upload = self.files.get("media")
        if upload is None:
            return []
        if upload.size > settings.MAX_PHOTO_BYTES:
            self.problems.append(
                _("media: larger than %(limit)s.")
                % {"limit": filesizeformat(settings.MAX_PHOTO_BYTES)}
            )
        return [upload]


def parse_w3c(name: str, text: str, problems: list[str]) -> datetime | None:
    """A W3C date-time (2026-12-01T08:30:00+08:00, or a date alone: its midnight here)."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, datetime.min.time())
    except ValueError:
        moment = None
    if moment is None:
        problems.append(
            _("%(name)s: not a W3C date-time such as 2026-12-01T08:30:00+08:00.") % {"name": name}
        )
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _page(data, problems: list[str]) -> tuple[int, int]:
    """page (from 1) and page_size (up to the specification's limit of 1,000)."""
    numbers = {}
    for name, default, top in (("page", 1, MAX_PAGE), ("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)):
        text = data.get(name, "").strip()
        if not text:
            numbers[name] = default
            continue
        if not text.isdigit() or not 1 <= int(text) <= top:
            problems.append(
                _("%(name)s: a whole number from 1 to %(top)s.") % {"name": name, "top": top}
            )
            numbers[name] = default
            continue
        numbers[name] = int(text)
    return numbers["page"], numbers["page_size"]


class RequestQuery:
    """GET requests: which service requests, and which page of them."""

    def __init__(self, data):
        problems: list[str] = []
        self.ids = [code.strip() for code in data.get("service_request_id", "").split(",")]
        self.ids = [code for code in self.ids if code]
        if len(self.ids) > MAX_IDS:
            problems.append(_("service_request_id: at most 1000 at once."))
        self.codes = [
            code.strip() for code in data.get("service_code", "").split(",") if code.strip()
        ]
        self.statuses = {
            status.strip().lower() for status in data.get("status", "").split(",") if status.strip()
        }
        if self.statuses - {"open", "closed"}:
            problems.append(_("status: open, closed, or both separated by a comma."))
        self.start = parse_w3c("start_date", data.get("start_date", ""), problems)
        self.end = parse_w3c("end_date", data.get("end_date", ""), problems)
        if self.start and self.end and self.start > self.end:
            problems.append(_("start_date is after end_date."))
        elif self.start and self.end and self.end - self.start > DEFAULT_WINDOW:
            problems.append(_("start_date and end_date may not span more than 90 days."))
        page, self.page_size = _page(data, problems)
        self.offset = (page - 1) * self.page_size
        self.extensions = data.get("extensions", "").strip().lower() == "true"
        if problems:
            raise RequestRefused(problems)

    def filter(self, cases):
        if self.ids:  # the specification: other parameters are then ignored
            return cases.filter(code__in=self.ids)
        end = self.end or timezone.now()
        start = self.start or end - DEFAULT_WINDOW
        if self.end is None and self.start is not None:
            end = self.start + DEFAULT_WINDOW
        cases = cases.filter(reported_at__gte=start, reported_at__lte=end)
        if self.codes:
            cases = cases.filter(category__code__in=self.codes)
        if self.statuses == {"open"}:
            cases = cases.exclude(status__in=OPEN311_CLOSED)
        elif self.statuses == {"closed"}:
            cases = cases.filter(status__in=OPEN311_CLOSED)
        return cases


class UpdatesQuery:
    """GET servicerequestupdates: a window of at most 90 days (default: the last day)."""

    def __init__(self, data):
        problems: list[str] = []
        start = parse_w3c("start_date", data.get("start_date", ""), problems)
        end = parse_w3c("end_date", data.get("end_date", ""), problems)
        page, self.page_size = _page(data, problems)
        self.offset = (page - 1) * self.page_size
        if problems:
            raise RequestRefused(problems)
        self.end = end or (start + DEFAULT_UPDATES_WINDOW if start else timezone.now())
        self.start = start or self.end - DEFAULT_UPDATES_WINDOW
        if self.start > self.end:
            raise RequestRefused([_("start_date is after end_date.")])
        if self.end - self.start > MAX_UPDATES_WINDOW:
            raise RequestRefused([_("Ask for at most 90 days of updates at once.")])
