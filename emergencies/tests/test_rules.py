"""Reporting deadlines by class and severity, escalation to the county for level III and above,
supervision when a report is late, and what an emergency closes with."""

from datetime import timedelta

import pytest

from cases.errors import CaseError, InputError
from cases.models import Priority, Status
from cases.services import take_action
from emergencies.models import ReportingRule, ResponseEntry
from emergencies.services import supervise_late_reports
from territory.models import Level

from .conftest import NIGHT, report_flood

pytestmark = pytest.mark.django_db


def test_level_three_goes_straight_to_the_county_with_its_deadlines(people, flood):
    case = report_flood(people, flood, severity="3")
    assert (case.level, case.priority) == (Level.COUNTY, Priority.URGENT)
    detail = case.emergency
    detail.refresh_from_db()  # the shipped rule for level III: 30 minutes, then 2 hours
    assert detail.first_report_due == NIGHT + timedelta(minutes=30)  # on a Sunday night
    assert detail.written_report_due == NIGHT + timedelta(hours=2)
    with pytest.raises(CaseError):  # not the town's to take any more
        take_action(case, people["town_operator"], "first_report", {"note": "首报"})
    take_action(case, people["county_operator"], "first_report", {"note": "已电话首报"})


def test_level_four_stays_with_the_town_and_a_class_rule_comes_first(people, flood):
    ReportingRule.objects.create(
        emergency_class=flood.parent, severity="4", first_report_minutes=15,
        written_report_minutes=45,
    )  # fmt: skip
    case = report_flood(people, flood, severity="4")
    assert case.level == Level.TOWN
    case.emergency.refresh_from_db()
    assert case.emergency.first_report_due == NIGHT + timedelta(minutes=15)


def test_a_level_found_graver_goes_up_to_the_county(people, flood):
    case = report_flood(people, flood, severity="4")
    inputs = {"severity": "2", "note": "水位持续上涨，转移群众200人"}
    case = take_action(case, people["town_operator"], "reassess_severity", inputs)
    assert (case.level, case.emergency.severity) == (Level.COUNTY, "2")


def test_the_report_asks_a_severity_and_counts_not_words(people, flood):
    with pytest.raises(InputError) as refused:
        report_flood(people, flood, severity="5", injured="some")
    assert {"severity", "injured"} <= set(refused.value.errors)


def test_a_late_report_is_supervised_once_for_each_report(people, flood):
    case = report_flood(people, flood, severity="3")
    assert supervise_late_reports(NIGHT + timedelta(minutes=29)) == 0
    assert supervise_late_reports(NIGHT + timedelta(minutes=31)) == 1  # the first report
    assert supervise_late_reports(NIGHT + timedelta(minutes=40)) == 0  # once
    take_action(case, people["county_operator"], "first_report", {"note": "首报"}, now=NIGHT + timedelta(minutes=45))  # fmt: skip
    assert supervise_late_reports(NIGHT + timedelta(hours=3)) == 1  # now the written one
    notes = list(case.timeline.filter(action="supervise").values_list("note", flat=True))
    assert len(notes) == 2 and "首报" in notes[0] and "书面报告" in notes[1]
    case.refresh_from_db()
    assert case.supervised_at == NIGHT + timedelta(minutes=31)


def test_first_report_before_the_written_one_each_once(people, flood):
    case = report_flood(people, flood, severity="4")
    operator = people["town_operator"]
    with pytest.raises(CaseError, match="先首报"):
        take_action(case, operator, "written_report", {"note": "书面"})
    take_action(case, operator, "first_report", {"note": "首报"})
    with pytest.raises(CaseError, match="已首报"):
        take_action(case, operator, "first_report", {"note": "再报"})
    take_action(case, operator, "written_report", {"note": "书面"})
    assert ResponseEntry.objects.filter(case=case, kind="report").count() == 2


def test_an_emergency_closes_with_its_reports_and_summary(people, flood):
    case = report_flood(people, flood, severity="4")
    operator, handler = people["town_operator"], people["urban_handler"]
    case = take_action(case, operator, "accept")
    case = take_action(case, operator, "dispatch")
    case = take_action(case, handler, "start")
    take_action(case, handler, "log_measure", {"entry_kind": "measure", "note": "转移群众"})
    case = take_action(case, handler, "feed_back", {"note": "险情排除"})
    case = take_action(case, people["grid_worker"], "verify", {"note": "已恢复"})
    with pytest.raises(CaseError, match="首报和书面报告"):
        take_action(case, operator, "close", {"note": "结案"})
    take_action(case, operator, "first_report", {"note": "首报"})
    take_action(case, operator, "written_report", {"note": "书面"})
    with pytest.raises(CaseError, match="总结"):
        take_action(case, operator, "close", {"note": "结案"})
    with pytest.raises(InputError):
        take_action(case, operator, "record_summary", {})
    take_action(case, operator, "record_summary", {"note": "处置及时"})
    assert take_action(case, operator, "close", {"note": "结案"}).status == Status.CLOSED
