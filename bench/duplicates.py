"""Duplicates found before filing and on the case page, on the bench's database as it stands.

Open cases of the public categories are reported again through `report_case`, as a second
resident or a hotline caller would: each once 0–40 m away (a duplicate), once 120–190 m away
(the same kind of problem, another place) and once 0–40 m away in another category. Then:
what a resident is offered before filing (`open_cases_nearby`, 50 m), what staff are shown on
the case page (`likely_duplicates`, scored), and how long each takes at this database's size.
All of it in one transaction, rolled back: the database is left as it was.
"""

import json
import math
import random
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from cases.demo import DESCRIPTIONS
from cases.duplicates import RADIUS_METRES, WINDOW_DAYS, likely_duplicates, open_cases_nearby
from cases.models import OPEN_STATUSES, Case
from cases.services import report_case
from open311.selectors import public_cases
from staff.models import User
from territory.grid_index import PointOutsideCounty, locate_grid

from .common import ensure_demo_data, percentiles, scaled

METRES_PER_DEGREE = 111_320.0


def moved(lon: float, lat: float, metres: float, rng: random.Random) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    return (
        lon + east / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
        lat + north / METRES_PER_DEGREE,
    )


def timed(samples: list[float], function, *args):
    started = time.perf_counter()
    result = function(*args)
    samples.append((time.perf_counter() - started) * 1000)
    return result


def originals(count: int, rng: random.Random) -> list[Case]:
    """Open cases of public categories reported in the window, of categories without a required
    question (the simulated year's cases carry no answers to copy)."""
    since = timezone.now() - timedelta(days=WINDOW_DAYS - 1)
    pool = list(
        public_cases()
        .filter(status__in=OPEN_STATUSES, reported_at__gte=since)
        .exclude(category__report_fields__required=True)
        .select_related("category")
    )
    rng.shuffle(pool)
    return pool[:count]


def again(case: Case, reporter: User, *, lon, lat, category=None, rng) -> Case:
    category = category or case.category
    texts = DESCRIPTIONS.get(category.code) or [case.description]
    return report_case(
        reporter=reporter,
        category=category,
        description=rng.choice(texts),
        lon=lon,
        lat=lat,
        source="hotline",
    )


def inside(case: Case, nearest: float, furthest: float, rng: random.Random):
    """A point that far from the case and still in the county (a case by its edge may have
    none on some bearings), or None."""
    for _ in range(12):
        lon, lat = moved(case.lon, case.lat, rng.uniform(nearest, furthest), rng)
        try:
            locate_grid(lon, lat)
        except PointOutsideCounty:
            continue
        return lon, lat
    return None


def main() -> dict:
    ensure_demo_data()
    rng = random.Random(2026)
    reporter = User.objects.get(username="county_operator")
    offer_ms, staff_ms = [], []
    found = {"offered": 0, "offered_far": 0, "staff": 0, "staff_first": 0, "staff_far": 0}
    found |= {"staff_other_category": 0, "scores": []}
    with transaction.atomic():
        chosen = originals(scaled(200, 40), rng)
        others = {case.category_id: case for case in chosen}
        for case in list(chosen):
            near, far_point = inside(case, 0, 40, rng), inside(case, 120, 190, rng)
            if near is None or far_point is None:
                chosen.remove(case)  # by the county's edge: left out
                continue
            lon, lat = near
            offered = timed(offer_ms, open_cases_nearby, case.category, lon, lat)
            found["offered"] += case in [candidate.case for candidate in offered]
            far_lon, far_lat = far_point
            far_offer = open_cases_nearby(case.category, far_lon, far_lat)
            found["offered_far"] += case in [candidate.case for candidate in far_offer]

            duplicate = again(case, reporter, lon=lon, lat=lat, rng=rng)
            shown = timed(staff_ms, likely_duplicates, duplicate, Case.objects.all())
            codes = [candidate.case.pk for candidate in shown]
            found["staff"] += case.pk in codes
            found["staff_first"] += codes[:1] == [case.pk]
            found["scores"] += [c.score for c in shown if c.case.pk == case.pk]
            far = again(case, reporter, lon=far_lon, lat=far_lat, rng=rng)
            shown = likely_duplicates(far, Case.objects.all())
            found["staff_far"] += case.pk in [c.case.pk for c in shown]
            other = next((o for k, o in others.items() if k != case.category_id), None)
            if other is not None:
                elsewhere = again(other, reporter, lon=lon, lat=lat, rng=rng)
                shown = likely_duplicates(elsewhere, Case.objects.all())
                found["staff_other_category"] += case.pk in [c.case.pk for c in shown]
        cases = Case.objects.count()
        transaction.set_rollback(True)
    scores = found.pop("scores")
    return {
        "cases": cases,
        "originals": len(chosen),
        "radius_m": RADIUS_METRES,
        **found,
        "median_score": sorted(scores)[len(scores) // 2] if scores else None,
        "offer_ms": percentiles(offer_ms),
        "staff_ms": percentiles(staff_ms),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
