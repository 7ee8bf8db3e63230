"""The same problem reported more than once: open cases near a new report (for the resident's
"is it this one?" before filing) and the likely duplicates of a case (for staff, scored).

A likely duplicate scores from 0 to 1 on four parts, each from 0 to 1: how near (within the
radius), how close in time (within the window), how alike the category (the same leaf 1, the
same class ½) and how alike the descriptions. Descriptions are compared by their character
bigrams (Jaccard): Chinese has no spaces to split words on, and bigrams catch "路灯不亮" in
"北门路灯不亮了" without a dictionary.
"""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from .kinds import get_kind
from .models import OPEN_STATUSES, Case, Category

RADIUS_METRES = 50.0  # the resident's "is it this one?", unless the category says otherwise
WINDOW_DAYS = 30
STAFF_RADIUS_METRES = 200.0  # staff look wider, and the score sorts what they see
WEIGHTS = {"distance": 0.35, "time": 0.15, "category": 0.2, "text": 0.3}
LIKELY_FROM = 0.5  # a staff candidate below this score is not shown
EARTH_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Candidate:
    case: Case
    metres: float
    score: float
    parts: dict[str, float]


def metres_between(lon: float, lat: float, other_lon: float, other_lat: float) -> float:
    """Distance on the ground, near enough for a few hundred metres (equirectangular)."""
    east = (other_lon - lon) * math.cos(math.radians((lat + other_lat) / 2))
    return math.hypot(east, other_lat - lat) * EARTH_METRES_PER_DEGREE


def _within(cases: QuerySet[Case], lon: float, lat: float, metres: float) -> QuerySet[Case]:
    """Cases in the square around the point: the database narrows, `metres_between` decides."""
    lat_span = metres / EARTH_METRES_PER_DEGREE
    lon_span = lat_span / max(math.cos(math.radians(lat)), 0.01)
    return cases.filter(
        lat__range=(lat - lat_span, lat + lat_span), lon__range=(lon - lon_span, lon + lon_span)
    )


def _bigrams(text: str) -> set[str]:
    letters = re.sub(r"[\W_]+", "", text.lower())
    return {letters[index : index + 2] for index in range(len(letters) - 1)} or set(letters)


def text_likeness(text: str, other: str) -> float:
    mine, theirs = _bigrams(text), _bigrams(other)
    if not mine or not theirs:
        return 0.0
    return len(mine & theirs) / len(mine | theirs)


def duplicate_reach(category: Category) -> tuple[float, int]:
    """How near (metres) and how recent (days) an open case of this category is offered to a
    resident as the same problem: the category's own, else its class's, else the defaults."""
    lineage = category.lineage()
    metres = next((c.duplicate_radius_metres for c in lineage if c.duplicate_radius_metres), None)
    days = next((c.duplicate_window_days for c in lineage if c.duplicate_window_days), None)
    return float(metres or RADIUS_METRES), days or WINDOW_DAYS


def open_cases_nearby(
    category: Category,
    lon: float,
    lat: float,
    *,
    among: QuerySet[Case] | None = None,
    now: datetime | None = None,
) -> list[Candidate]:
    """Open cases of this category within its radius of the point, reported within its window
    (duplicate_reach), nearest first: what a resident is shown before filing a report."""
    if not get_kind(category.case_kind).has_duplicates:
        return []
    now = now or timezone.now()
    metres, days = duplicate_reach(category)
    cases = (among if among is not None else Case.objects.all()).filter(
        category=category, status__in=OPEN_STATUSES, reported_at__gte=now - timedelta(days=days)
    )
    found = []
    for case in _within(cases, lon, lat, metres):
        distance = metres_between(lon, lat, case.lon, case.lat)
        if distance <= metres:
            found.append(Candidate(case, distance, 1 - distance / metres, {}))
    return sorted(found, key=lambda candidate: candidate.metres)


def likely_duplicates(case: Case, among: QuerySet[Case], *, limit: int = 5) -> list[Candidate]:
    """Other cases, of those in `among` (what the user may see), that may be this same problem:
    of its category or class, within STAFF_RADIUS_METRES and WINDOW_DAYS either side of its
    report, scored, best first, from LIKELY_FROM up."""
    if not get_kind(case.case_kind).has_duplicates:
        return []
    window = timedelta(days=WINDOW_DAYS)
    kin = Q(category=case.category_id)
    if case.category.parent_id is not None:
        kin |= Q(category__parent=case.category.parent_id)
    nearby = _within(
        among.filter(kin, reported_at__range=(case.reported_at - window, case.reported_at + window))
        .exclude(pk=case.pk)
        .select_related("category", "department"),
        case.lon,
        case.lat,
        STAFF_RADIUS_METRES,
    )
    scored = []
    for other in nearby:
        distance = metres_between(case.lon, case.lat, other.lon, other.lat)
        if distance > STAFF_RADIUS_METRES:
            continue
        parts = {
            "distance": 1 - distance / STAFF_RADIUS_METRES,
            "time": 1 - abs(other.reported_at - case.reported_at) / window,
            "category": 1.0 if other.category_id == case.category_id else 0.5,
            "text": text_likeness(case.description, other.description),
        }
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        if score >= LIKELY_FROM:
            scored.append(Candidate(other, distance, score, parts))
    return sorted(scored, key=lambda candidate: -candidate.score)[:limit]
