"""Coverage, pass rate, hazards and 平安单位 against a hand count, by sector and by town, and read
as they stood at the end of an earlier period."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cases.models import Case
from cases.services import take_action
from command.periods import Period, parse_period
from safety.models import Unit
from safety.selectors import UnitFigures, safety_figures
from safety.services import record_inspection

from .conftest import IN_EAST_TOWN, MORNING, add_unit, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspected(staff, sectors, school):
    """Four units in November 2026: the school fails, its hazards are taken on, and it passes
    (平安单位); the market passes with one hazard, left unaccepted, then fails two items; the bank
    in the east fails a veto item; the rooms are not inspected."""
    worker, east = staff["grid_worker"], staff["other_town_operator"]
    market = add_unit(staff, sectors, "西镇农贸市场（示例）", "market")
    bank = add_unit(staff, sectors, "东镇信用社（示例）", "financial_outlet", IN_EAST_TOWN)
    add_unit(staff, sectors, "西镇北村12号出租房屋（示例）", "rental_housing")
    later = MORNING + timedelta(days=2)
    record_inspection(school, worker, answers(school, "有组织领导", "有人防力量"), at=MORNING)
    for case in Case.objects.filter(hazard__unit=school):
        take_action(case, staff["town_operator"], "accept", now=MORNING)
        take_action(case, staff["town_operator"], "dispatch", now=MORNING)
    record_inspection(school, worker, answers(school), at=later)
    record_inspection(market, worker, answers(market, "有宣传教育"), at=MORNING)
    record_inspection(market, worker, answers(market, "有组织领导", "有工作制度"), at=later)
    record_inspection(bank, east, answers(bank, "没有刑事案件"), at=MORNING)
    return later


def test_the_figures_of_a_month_by_hand(staff, inspected):
    figures = safety_figures(Unit.objects.all(), parse_period("2026-11"), now=inspected + timedelta(hours=1))  # fmt: skip
    total = figures.total
    assert total == UnitFigures(registered=4, inspected=3, inspections=5, passed=1, hazards=6, safe=1)  # fmt: skip
    # 3 of 4 inspected; of those only the school's last inspection passed; the school is safe.
    assert (total.coverage, total.pass_rate, total.safe_share) == (75.0, 33.3, 25.0)
    by_sector = {sector.code: row for sector, row in figures.by_sector}
    assert len(by_sector) == 10  # every sector, those without units too
    assert by_sector["school"] == UnitFigures(1, 1, 2, 1, 2, 1)
    assert by_sector["market"] == UnitFigures(1, 1, 2, 0, 3, 0)
    assert by_sector["rental_housing"] == UnitFigures(registered=1)
    assert by_sector["rental_housing"].coverage == 0.0 and by_sector["hospital"].coverage is None
    by_town = {town.code: row for town, row in figures.by_town}
    assert by_town["610722001"] == UnitFigures(3, 2, 4, 1, 5, 1)
    assert by_town["610722002"] == UnitFigures(1, 1, 1, 0, 1, 0)


def test_an_earlier_period_reads_the_status_as_it_stood_then(staff, inspected):
    # Up to the morning after the first round: the market had earned 平安单位 (one hazard, 95
    # points), the school had not; the second round came after.
    first_day = Period("days", date(2026, 11, 2), date(2026, 11, 3))
    total = safety_figures(Unit.objects.all(), first_day, now=inspected).total
    assert (total.inspected, total.inspections, total.passed, total.safe) == (3, 3, 1, 1)
    market = Unit.objects.get(name__startswith="西镇农贸市场")
    assert market.status == "not_safe"  # now, after the second round
    assert market.inspections.first().score == Decimal("88.0")


def test_a_viewers_figures_count_their_units_only(staff, inspected):
    from safety.selectors import units_visible_to

    november = parse_period("2026-11")
    east = safety_figures(units_visible_to(staff["other_town_operator"]), november, now=inspected)
    assert east.total.registered == 1 and [town.code for town, _row in east.by_town] == [
        "610722002"
    ]
    nothing = safety_figures(units_visible_to(staff["urban_handler"]), november, now=inspected)
    assert nothing.total == UnitFigures() and nothing.total.coverage is None
