"""A hand-counted month of rubbish cases in the test county, November 2026: on time and late,
extended, reworked, escalated, suspended, supervised, and one case that spans the month's
boundary (command/tests/test_indicators.py says what each indicator must count)."""

from datetime import date, datetime

import pytest

from cases.services import report_case, supervise_overdue, take_action
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID
from territory.models import Region

NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))
OCTOBER = (date(2026, 10, 1), date(2026, 11, 1))


def at(month: int, day: int, hour: float) -> datetime:
    return datetime(2026, month, day, int(hour), int(hour % 1 * 60), tzinfo=LOCAL)


@pytest.fixture
def month(people, categories):
    """Rubbish reports in the west town (and one in the east) through November 2026."""
    rubbish = categories["rubbish"]
    town, county = people["town_operator"], people["county_operator"]
    handler, worker = people["urban_handler"], people["grid_worker"]

    def report(when, where=IN_FIRST_GRID):
        lon, lat = where
        return report_case(
            reporter=worker, category=rubbish, description="垃圾", lon=lon, lat=lat, now=when
        )

    def steps(case, *taken):
        for user, action, when, inputs in taken:
            case = take_action(case, user, action, {"note": "因故"} | inputs, now=when)
        return case

    a = steps(
        report(at(11, 2, 9)),
        (town, "accept", at(11, 2, 10), {}),
        (town, "dispatch", at(11, 2, 11), {}),
        (handler, "start", at(11, 2, 11), {}),
        (handler, "feed_back", at(11, 2, 11.5), {}),
        (worker, "verify", at(11, 2, 16), {}),
        (town, "close", at(11, 2, 17), {}),
        (town, "evaluate", at(11, 3, 10), {"rating": 5}),
    )
    b = steps(report(at(11, 2, 9)), (town, "reject", at(11, 2, 10), {}))
    c = steps(  # reported, dispatched and due in October; handled late, reworked, closed in November
        report(at(10, 30, 9)),
        (town, "accept", at(10, 30, 10), {}),
        (town, "dispatch", at(10, 30, 11), {}),
        (handler, "start", at(11, 2, 9), {}),
        (handler, "feed_back", at(11, 20, 9), {}),
        (worker, "rework", at(11, 20, 14), {}),
        (handler, "feed_back", at(11, 23, 10), {}),
        (worker, "verify", at(11, 23, 11), {}),
        (town, "close", at(11, 23, 12), {}),
        (town, "evaluate", at(11, 24, 9), {"rating": 2}),
    )
    d = steps(  # handled late
        report(at(11, 5, 9)),
        (town, "accept", at(11, 5, 10), {}),
        (town, "dispatch", at(11, 5, 11), {}),
        (handler, "start", at(11, 6, 9), {}),
        (handler, "feed_back", at(11, 16, 9), {}),
        (worker, "verify", at(11, 16, 10), {}),
        (town, "close", at(11, 16, 11), {}),
    )
    east = Region.objects.get(code="610722002001001")
    e = steps(
        report(at(11, 6, 9), (east.centroid_lon, east.centroid_lat)),
        (people["other_town_operator"], "accept", at(11, 6, 10), {}),
    )
    f = steps(  # extended, then suspended
        report(at(11, 9, 9)),
        (town, "accept", at(11, 9, 10), {}),
        (town, "dispatch", at(11, 9, 11), {}),
        (handler, "start", at(11, 9, 12), {}),
        (handler, "request_extension", at(11, 10, 9), {"extension_hours": 14}),
        (county, "approve_extension", at(11, 10, 10), {}),
        (town, "suspend", at(11, 12, 9), {}),
    )
    g = steps(  # escalated to the county, accepted there
        report(at(11, 10, 9)),
        (town, "escalate", at(11, 10, 10), {}),
        (county, "accept", at(11, 10, 11), {}),
    )
    h = steps(  # left undone past its deadline: supervised
        report(at(11, 11, 9)),
        (town, "accept", at(11, 11, 10), {}),
        (town, "dispatch", at(11, 11, 11), {}),
    )
    supervise_overdue(now=at(11, 30, 9))
    return dict(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h)
