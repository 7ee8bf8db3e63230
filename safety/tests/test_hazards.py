"""Each failed checklist item becomes a hazard case, routed as any case of its sector's category:
a grid, a number, a department, deadlines and a timeline, with the unit and the item linked."""

from decimal import Decimal

import pytest

from cases.models import Case, Priority, Source, Status
from cases.selectors import cases_awaiting, cases_visible_to
from cases.services import take_action
from cases.tests.test_pages import png
from cases.worktime import add_working_hours
from safety.models import HazardDetail, SafeStatus
from safety.services import record_inspection

from .conftest import IN_EAST_TOWN, MORNING, add_unit, answers

pytestmark = pytest.mark.django_db


def test_a_failed_checklist_item_becomes_a_routed_hazard_case(staff, school, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    grid_worker = staff["grid_worker"]
    found = {"有技防设施": "东侧围墙紧急报警按钮损坏", "有应急预案": "本学期未组织演练"}
    inspection = record_inspection(
        school,
        grid_worker,
        answers(school, *found, notes=found, photos={"有技防设施": [png("alarm.png")]}),
        at=MORNING,
    )
    assert (inspection.score, inspection.passed) == (Decimal("87.0"), False)  # 100 − 7 − 6
    hazards = Case.objects.filter(case_kind="hazard").order_by("pk")
    assert hazards.count() == 2
    for case, (item, note) in zip(hazards, found.items(), strict=True):
        # Routed by the core: 学校安全隐患 goes to the county's education bureau, dispatched by
        # the town centre, in the school's grid, reported by the grid worker who inspected.
        assert case.category.code == "P0101"
        assert case.department.code == "jyj" and case.level == "town"
        assert case.grid == grid_worker.region and case.town.code == "610722001"
        assert (case.lon, case.lat) == (school.lon, school.lat)
        assert case.reporter == grid_worker and case.source == Source.GRID_WORKER
        assert case.status == Status.REPORTED and case.priority == Priority.NORMAL
        assert case.accept_deadline == add_working_hours(MORNING, 2)
        assert school.name in case.description and item in case.description
        assert note in case.description
        detail = HazardDetail.objects.get(case=case)
        assert (detail.unit, detail.inspection) == (school, inspection)
        assert detail.result.text == item and not detail.result.passed
        report = case.timeline.get()
        assert report.action == "report" and school.name in report.note
    # The photo of a failed item is its hazard's; the case lands in the town centre's queue.
    assert [case.photos.count() for case in hazards] == [1, 0]
    assert set(cases_awaiting(staff["town_operator"]).filter(case_kind="hazard")) == set(hazards)
    assert set(cases_visible_to(grid_worker).filter(reporter=grid_worker)) == set(hazards)
    school.refresh_from_db()
    assert school.status == SafeStatus.NOT_SAFE


def test_a_banks_hazard_goes_to_its_towns_police_station(staff, sectors):
    bank = add_unit(staff, sectors, "东镇信用社（示例）", "financial_outlet", IN_EAST_TOWN)
    record_inspection(bank, staff["other_town_operator"], answers(bank, "有人防力量"), at=MORNING)
    case = Case.objects.get(case_kind="hazard")
    assert case.category.code == "P0108"
    assert case.department.code == "pcs-610722002"  # the east town's 派出所, by the town rule
    assert case.reporter == staff["other_town_operator"]


def test_a_handler_inspects_and_the_hazard_names_them_on_its_timeline(staff, school):
    handler = staff["education_handler"]
    record_inspection(school, handler, answers(school, "有巡查台账"), at=MORNING)
    case = Case.objects.get(case_kind="hazard")
    assert case.reporter is None  # a handler reports no cases: the timeline names them
    assert "education_handler" in case.timeline.get().note
    assert "县教育体育局" in case.timeline.get().note
    take_action(case, staff["town_operator"], "accept", now=MORNING)
    case = take_action(case, staff["town_operator"], "dispatch", now=MORNING)
    assert case in cases_visible_to(handler)


def test_a_failed_veto_item_is_an_urgent_hazard(staff, school):
    inspection = record_inspection(
        school, staff["grid_worker"], answers(school, "没有火灾事故"), at=MORNING
    )
    assert (inspection.score, inspection.vetoed, inspection.passed) == (Decimal("96.0"), True, False)  # fmt: skip
    assert Case.objects.get(case_kind="hazard").priority == Priority.URGENT


def test_an_inspection_that_passes_every_item_files_no_case(staff, school):
    inspection = record_inspection(school, staff["grid_worker"], answers(school), at=MORNING)
    assert inspection.score == Decimal("100.0") and inspection.passed
    assert not Case.objects.filter(case_kind="hazard").exists()
    assert inspection.results.count() == 20
