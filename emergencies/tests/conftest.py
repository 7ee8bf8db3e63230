from datetime import datetime

import pytest

from cases.catalogue import forget_catalogue
from cases.models import Category, Kind, RoutingRule
from cases.services import report_case
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID

# A Sunday night: an emergency's deadlines run on the clock, not in working hours.
NIGHT = datetime(2026, 11, 8, 23, 0, tzinfo=LOCAL)


@pytest.fixture
def flood(categories, county, departments):
    """自然灾害 › 洪涝灾害, an emergency handled by the county's 城管 (the small county has no 水利局)
    and accepted by the town centre."""
    natural = Category.objects.create(
        code="K01", name="自然灾害", kind=Kind.GOVERNANCE, case_kind="emergency"
    )
    flood = Category.objects.create(
        code="K0101",
        name="洪涝灾害",
        kind=Kind.GOVERNANCE,
        case_kind="emergency",
        parent=natural,
        accept_limit=1,
        accept_unit="hours",
        handle_limit=3,
        handle_unit="days",
    )
    RoutingRule.objects.create(
        category=natural, region=county, department=departments["urban"], level="town"
    )
    forget_catalogue()
    return flood


def report_flood(people, flood, severity="4", when=NIGHT, **details):
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=flood,
        description="河水漫堤，沿河数户进水",
        lon=lon,
        lat=lat,
        details={
            "severity": severity,
            "deaths": 0,
            "injured": 1,
            "missing": 0,
            "affected": 30,
            "contact_name": "张村长",
            "contact_phone": "13600004444",
        }
        | details,
        now=when,
    )
