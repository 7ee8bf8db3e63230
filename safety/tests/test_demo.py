"""The demo's safe units: a year of inspections through the real services, most units 平安单位,
and a school in the demo grid worker's grid that fails two items today: two hazard cases."""

import io
from datetime import datetime

import pytest
from django.core.management import call_command

from cases.models import CLOSED_STATUSES, Case, Status
from cases.worktime import LOCAL
from conftest import make_user
from safety.demo import fill_safety
from safety.models import Inspection, SafeStatus, StatusChange, StatusReason, Unit
from staff.models import Department, Role, User
from territory.models import Level, Region

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL)


def assert_the_school_failed_two_items_today(grid_worker, now):
    school = Unit.objects.get(grid=grid_worker.region, sector__code="school")
    today = Inspection.objects.filter(unit=school).latest("at")
    assert today.inspector == grid_worker and (now - today.at).total_seconds() < 3 * 3600
    failed = today.results.filter(passed=False)
    assert sorted(failed.values_list("text", flat=True)) == ["有应急预案", "有技防设施"]
    hazards = Case.objects.filter(hazard__inspection=today)
    assert hazards.count() == 2
    assert {case.department.code for case in hazards} == {"jyj"}
    assert {case.status for case in hazards} == {Status.REPORTED}
    assert school.status == SafeStatus.NOT_SAFE  # it held 平安单位 until this morning
    assert school.status_changes.latest("at").reason == StatusReason.LOW_SCORE
    return school


def test_the_demo_year_on_the_small_county(staff, sectors, departments):
    """Staffed as the demo is: every grid and centre, a handler in every department."""
    for region in Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE, Level.GRID]):
        role = Role.GRID_WORKER if region.level == Level.GRID else Role.OPERATOR
        if not User.objects.filter(region=region, role=role).exists():
            make_user(f"u{region.code}", role, region_code=region.code)
    for department in Department.objects.all():
        if not User.objects.filter(department=department).exists():
            make_user(f"hd-{department.code}", Role.HANDLER, department=department)
    logins = {"grid_worker": staff["grid_worker"], "county_operator": staff["county_operator"]}
    assert fill_safety(logins, NOW, count=30, seed=3) == 30
    units = Unit.objects.all()
    assert units.count() == 30 and all(name.endswith("（示例）") for name in units.values_list("name", flat=True))  # fmt: skip
    assert not units.filter(inspections__isnull=True).exists()  # each inspected in the year
    assert units.filter(status=SafeStatus.SAFE).count() >= 20  # most hold 平安单位
    hazards = Case.objects.filter(case_kind="hazard")
    assert hazards.filter(status__in=CLOSED_STATUSES).exists()  # rectified and closed
    assert StatusChange.objects.filter(reason=StatusReason.EARNED).count() >= 20
    assert_the_school_failed_two_items_today(staff["grid_worker"], NOW)


def test_in_the_demo_a_school_fails_two_items_and_two_hazard_cases_appear(settings):
    settings.COUNTY_CODE = "610722"
    call_command("load_demo", cases=30, stdout=io.StringIO())
    grid_worker = User.objects.get(username="grid_worker")
    school = assert_the_school_failed_two_items_today(grid_worker, Inspection.objects.latest("at").at)  # fmt: skip
    assert school.name.endswith("中心小学（示例）")
    assert Unit.objects.count() >= 20 and Unit.objects.filter(status=SafeStatus.SAFE).exists()
