"""Submission, approval by someone else, the lock after approval, correction with history, and a
history that cannot be rewritten."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from conftest import region
from indicators.models import Action, HistoryEntry, Status
from indicators.services import FiguresRefused, IndicatorError, save_figures, take_step

from .conftest import ARTICLE, values

pytestmark = pytest.mark.django_db


def enter_and_submit(sets, police, county):
    report = save_figures(sets["saohei"], county, "2026", police, values(ARTICLE))
    return take_step(report, police, Action.SUBMIT)


def test_submission_needs_every_figure(sets, police, county):
    partial = {code: value for code, value in values(ARTICLE).items() if code != "sh_referred"}
    report = save_figures(sets["saohei"], county, "2026", police, partial)
    with pytest.raises(FiguresRefused) as refused:
        take_step(report, police, Action.SUBMIT)
    assert "sh_referred" in refused.value.errors
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_the_submitter_cannot_approve_their_own_figures(sets, people, county):
    operator = people["county_operator"]
    report = save_figures(sets["saohei"], county, "2026", operator, values(ARTICLE))
    take_step(report, operator, Action.SUBMIT)
    with pytest.raises(IndicatorError):
        take_step(report, operator, Action.APPROVE)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_only_an_approver_of_the_right_centre_approves(sets, police, people, county):
    report = enter_and_submit(sets, police, county)
    for outsider in ("town_operator", "leader", "grid_worker", "urban_handler"):
        with pytest.raises(PermissionDenied):
            take_step(report, people[outsider], Action.APPROVE)
    with pytest.raises(PermissionDenied):
        take_step(report, police, Action.APPROVE)  # the office enters, the centre approves
    approved = take_step(report, people["county_operator"], Action.APPROVE)
    assert approved.status == Status.APPROVED
    assert approved.approved_by == people["county_operator"]


def test_an_approved_report_is_locked_until_reopened_with_a_reason(sets, police, people, county):
    report = enter_and_submit(sets, police, county)
    take_step(report, people["county_operator"], Action.APPROVE)
    with pytest.raises(IndicatorError):
        save_figures(sets["saohei"], county, "2026", police, {"sh_cases": Decimal(130)})
    with pytest.raises(IndicatorError):
        take_step(report, people["county_operator"], Action.REOPEN, "")
    take_step(report, people["county_operator"], Action.REOPEN, "案件数有误")
    save_figures(sets["saohei"], county, "2026", police, {"sh_cases": Decimal(130)})
    take_step(report, police, Action.SUBMIT)
    take_step(report, people["county_operator"], Action.APPROVE)
    history = list(report.history.order_by("at", "id"))
    actions = [entry.action for entry in history]
    assert actions[-5:] == ["approve", "reopen", "change", "submit", "approve"]
    change = history[-3]
    assert (change.element.code, change.old_value, change.new_value) == ("sh_cases", 129, 130)
    assert change.actor == police
    assert history[-4].note == "案件数有误"


def test_a_returned_report_carries_its_reason_and_can_be_corrected(sets, police, people, county):
    report = enter_and_submit(sets, police, county)
    with pytest.raises(IndicatorError):
        take_step(report, people["county_operator"], Action.RETURN, "  ")
    returned = take_step(report, people["county_operator"], Action.RETURN, "请核对拘留人数")
    assert (returned.status, returned.return_reason) == (Status.RETURNED, "请核对拘留人数")
    save_figures(sets["saohei"], county, "2026", police, {"sh_detained": Decimal(295)})
    assert take_step(report, police, Action.SUBMIT).return_reason == ""


def test_history_is_append_only_in_the_database(sets, police, county):
    enter_and_submit(sets, police, county)
    entry = HistoryEntry.objects.first()
    with pytest.raises(ValueError):
        entry.save()
    for statement in (
        lambda: HistoryEntry.objects.filter(pk=entry.pk).update(note="改写"),
        lambda: HistoryEntry.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement()
    assert HistoryEntry.objects.filter(pk=entry.pk, note="").exists()


def test_a_grid_worker_enters_only_their_own_grid(sets, people):
    own, other = region("610722001001001"), region("610722001001002")
    grid_set = sets["grid_basics"]
    save_figures(grid_set, own, "2026", people["grid_worker"], {"grid_households": Decimal(400)})
    with pytest.raises(PermissionDenied):
        save_figures(
            grid_set, other, "2026", people["grid_worker"], {"grid_households": Decimal(1)}
        )
    with pytest.raises(PermissionDenied):
        save_figures(sets["saohei"], region("610722"), "2026", people["grid_worker"], {})
