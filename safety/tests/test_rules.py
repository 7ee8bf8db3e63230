"""The score's arithmetic and the 平安单位 rule: earned at an inspection that passes with no hazard
past its deadline, withheld by a veto item, lost when a hazard passes its deadline, regained only
at a later inspection; every change in the append-only log."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from cases.errors import CaseError
from cases.models import Case
from cases.services import take_action
from cases.worktime import add_working_hours
from safety.models import SafeStatus, StatusChange, StatusReason
from safety.services import lose_lapsed_units, record_inspection, score_of, status_by_rule

from .conftest import MORNING, answers

pytestmark = pytest.mark.django_db


def test_the_score_is_the_weights_passed_over_all_weights_to_one_decimal():
    assert score_of([(6, True), (7, False), (7, True)]) == Decimal("65.0")
    assert score_of([(1, True), (1, True), (1, False)]) == Decimal("66.7")  # 66.666… half up
    assert score_of([(1, True), (2, False)]) == Decimal("33.3")
    assert score_of([(3, True), (5, True)]) == Decimal("100.0")
    assert score_of([(3, False)]) == Decimal("0.0")
    assert score_of([(7, True), (1, False)]) == Decimal("87.5")
    with pytest.raises(CaseError):
        score_of([])


def test_the_shipped_checklist_weighs_one_hundred_and_passes_at_ninety(staff, school):
    items = school.sector.checklist.items.filter(is_active=True)
    assert items.count() == 20 and sum(item.weight for item in items) == 100
    assert [item.veto for item in items] == [False] * 10 + [True] * 10
    worker = staff["grid_worker"]
    one_item = record_inspection(school, worker, answers(school, "有宣传教育"), at=MORNING)
    assert (one_item.score, one_item.passed) == (Decimal("95.0"), True)  # a hazard, still a pass
    two_items = record_inspection(school, worker, answers(school, "有组织领导", "有物防设施"), at=MORNING)  # fmt: skip
    assert (two_items.score, two_items.passed) == (Decimal("87.0"), False)


def test_a_unit_earns_safe_status_at_an_inspection_that_passes(staff, school):
    assert school.status == SafeStatus.PENDING and school.status_since is None
    inspection = record_inspection(school, staff["grid_worker"], answers(school, "有宣传教育"), at=MORNING)  # fmt: skip
    school.refresh_from_db()
    assert school.status == SafeStatus.SAFE and school.status_since == MORNING
    change = StatusChange.objects.get(unit=school)
    assert (change.status, change.reason, change.inspection) == (
        SafeStatus.SAFE,
        StatusReason.EARNED,
        inspection,
    )
    # A second pass keeps the status and writes nothing.
    record_inspection(school, staff["grid_worker"], answers(school), at=MORNING + timedelta(hours=1))  # fmt: skip
    assert StatusChange.objects.filter(unit=school).count() == 1


def test_a_failed_veto_item_withholds_the_status_whatever_the_score(staff, school):
    record_inspection(school, staff["grid_worker"], answers(school, "没有黄赌毒"), at=MORNING)
    school.refresh_from_db()
    change = StatusChange.objects.get(unit=school)
    assert school.status == SafeStatus.NOT_SAFE and change.reason == StatusReason.VETO


def test_a_low_score_withholds_the_status(staff, school):
    record_inspection(school, staff["grid_worker"], answers(school, "有组织领导", "有物防设施"), at=MORNING)  # fmt: skip
    assert StatusChange.objects.get(unit=school).reason == StatusReason.LOW_SCORE


def finish(case, staff, at):
    """A dispatched hazard rectified by the education bureau, verified and closed."""
    handler = staff["education_handler"]
    case = take_action(case, handler, "start", now=at)
    case = take_action(case, handler, "feed_back", {"note": "已整改"}, now=at)
    case = take_action(case, staff["grid_worker"], "verify", {"note": "已复查"}, now=at)
    return take_action(case, staff["town_operator"], "close", {"note": "销号"}, now=at)


def rectify(case, staff, at):
    case = take_action(case, staff["town_operator"], "accept", now=at)
    return finish(take_action(case, staff["town_operator"], "dispatch", now=at), staff, at)


def test_the_unit_loses_the_status_when_its_hazard_passes_its_deadline(staff, school):
    worker = staff["grid_worker"]
    record_inspection(school, worker, answers(school, "有宣传教育"), at=MORNING)
    hazard = Case.objects.get(case_kind="hazard")
    deadline = add_working_hours(MORNING, 2)  # 2 working hours to accept it
    assert hazard.accept_deadline == deadline
    assert lose_lapsed_units(deadline - timedelta(minutes=1)) == 0
    assert lose_lapsed_units(deadline + timedelta(minutes=10)) == 1
    school.refresh_from_db()
    assert school.status == SafeStatus.NOT_SAFE and school.status_since == deadline
    lost = StatusChange.objects.filter(unit=school).latest("at")
    assert (lost.reason, lost.case, lost.at) == (StatusReason.OVERDUE, hazard, deadline)
    assert lose_lapsed_units(deadline + timedelta(hours=1)) == 0  # lost once

    # Accepted late and dispatched: no longer overdue, but the status comes back only with an
    # inspection.
    later = deadline + timedelta(hours=1)
    take_action(hazard, staff["town_operator"], "accept", now=later)
    take_action(hazard, staff["town_operator"], "dispatch", now=later)
    school.refresh_from_db()
    assert school.status == SafeStatus.NOT_SAFE

    # The next inspection passes with no hazard overdue: earned again (and a new hazard filed).
    record_inspection(school, worker, answers(school, "有巡查台账"), at=later)
    school.refresh_from_db()
    assert school.status == SafeStatus.SAFE and school.status_since == later
    second = Case.objects.filter(case_kind="hazard").latest("pk")

    # An inspection while that hazard is past its deadline does not keep it, however it scores.
    day_after = add_working_hours(later, 8)
    inspection = record_inspection(school, worker, answers(school), at=day_after)
    assert inspection.passed
    assert status_by_rule(inspection) == (SafeStatus.NOT_SAFE, StatusReason.OVERDUE, second)
    school.refresh_from_db()
    assert school.status == SafeStatus.NOT_SAFE and school.status_since == day_after

    # Both rectified: the next inspection that passes gives it back.
    finish(Case.objects.get(pk=hazard.pk), staff, day_after)
    rectify(second, staff, day_after)
    record_inspection(school, worker, answers(school), at=day_after + timedelta(hours=1))
    school.refresh_from_db()
    assert school.status == SafeStatus.SAFE
    reasons = list(StatusChange.objects.filter(unit=school).values_list("reason", flat=True))
    assert reasons == ["earned", "overdue", "earned", "overdue", "earned"]


def test_the_status_log_is_append_only(staff, school):
    record_inspection(school, staff["grid_worker"], answers(school), at=MORNING)
    change = StatusChange.objects.get(unit=school)
    with pytest.raises(ValueError):
        change.save()
    for attempt in (
        lambda: StatusChange.objects.filter(pk=change.pk).update(reason="veto"),
        lambda: StatusChange.objects.filter(pk=change.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
