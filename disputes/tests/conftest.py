from datetime import date, datetime

import pytest

from cases.catalogue import forget_catalogue
from cases.models import Category
from cases.services import report_case, take_action
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID

# A Monday morning: the steps below fall in working hours.
MORNING = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL)
PARTIES = {
    "applicant_name": "王建国",
    "applicant_phone": "13800001111",
    "respondent_name": "李德胜",
    "respondent_phone": "13900002222",
}


@pytest.fixture
def dispute_categories(categories):
    """The small county's 矛盾纠纷 class and its 邻里纠纷 leaf, of the kind `dispute`."""
    Category.objects.filter(code__in=["G01", "G0101"]).update(case_kind="dispute")
    forget_catalogue()
    categories["neighbours"].refresh_from_db()
    return categories


def file_dispute(people, categories, *, risk="low", when=MORNING, **details):
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["neighbours"],
        description="两户邻居因排水沟堵塞发生争执",
        lon=lon,
        lat=lat,
        details={"risk": risk, "people_involved": 4, "body": "town", **PARTIES, **details},
        now=when,
    )


def to_mediation(case, people, when=MORNING):
    """Accepted by the village centre, dispatched to the west town's judicial office, started."""
    case = take_action(case, people["village_operator"], "accept", now=when)
    case = take_action(case, people["village_operator"], "dispatch", now=when)
    return take_action(case, people["justice_handler"], "start", now=when)


def session(case, people, when=MORNING):
    case = take_action(case, people["justice_handler"], "inform_rights", now=when)
    minutes = {"held_on": "2026-11-02", "place": "西镇司法所调解室", "note": "双方陈述，调解员释法"}
    return take_action(case, people["justice_handler"], "hold_session", minutes, now=when)


AGREEMENT = {
    "facts": "东户排水沟堵塞致西户院内积水",
    "responsibilities": "双方共同维护排水沟",
    "terms": "双方共同出资疏通排水沟，费用各半",
    "performance_method": "当事人自行履行",
    "perform_by": "2026-11-20",
    "confirmation_wanted": "on",
}


def agree(case, people, when=MORNING, **changes):
    return take_action(
        case, people["justice_handler"], "record_agreement", AGREEMENT | changes, now=when
    )


def visit(case, people, action="visit_performed", on=date(2026, 11, 21)):
    inputs = {"visited_on": on.isoformat(), "note": "已疏通，双方满意"}
    return take_action(case, people["justice_handler"], action, inputs, now=MORNING)
