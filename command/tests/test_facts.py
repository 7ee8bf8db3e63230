"""The command centre's aggregates equal a full recount, whatever steps were taken, by whom, in
whatever order and across day boundaries; and each step counts as what it is."""

import contextlib
import importlib
import random
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.errors import CaseError, InputError
from cases.models import Case
from cases.services import report_case, take_action
from cases.workflow import available_transitions
from cases.worktime import LOCAL
from command.facts import compact, rebuild
from command.models import Fact, MonthFact, Step, TownMonthFact
from conftest import IN_FIRST_GRID
from territory.models import Region

LON, LAT = IN_FIRST_GRID
START = timezone.now() - timedelta(days=20)


def counted(model=Fact) -> dict:
    """The aggregates as {key: (count, hours)}, summed over a key's rows, without the keys that
    came back to nothing."""
    totals: dict = {}
    for row in model.objects.values_list(*model.KEY, "count", "hours"):
        count, hours = totals.get(tuple(row[:-2]), (0, 0.0))
        totals[tuple(row[:-2])] = (count + row[-2], hours + row[-1])
    return {
        key: (count, round(hours, 3))
        for key, (count, hours) in totals.items()
        if count or round(hours, 3)
    }


def report(people, category, at) -> Case:
    return report_case(
        reporter=people["grid_worker"],
        category=category,
        description="路口垃圾",
        lon=LON,
        lat=LAT,
        now=at,
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_aggregates_equal_a_full_recount_after_any_steps(data, people, categories):
    rng = random.Random(data.draw(st.integers(0, 2**16), label="seed"))
    at = START
    cases = [
        report(people, categories["rubbish"], at),
        report(people, categories["neighbours"], at),
    ]
    for _ in range(data.draw(st.integers(5, 30), label="steps")):
        at += timedelta(hours=data.draw(st.floats(0.1, 40), label="hours later"))
        if data.draw(st.integers(0, 9), label="new report?") == 0:
            category = data.draw(st.sampled_from(["rubbish", "neighbours"]), label="category")
            cases.append(report(people, categories[category], at))
            continue
        case = Case.objects.get(pk=data.draw(st.sampled_from(cases), label="case").pk)
        choices = [
            (user, transition)
            for user in people.values()
            for transition in available_transitions(user, case)
        ]
        if not choices:
            continue
        user, transition = data.draw(st.sampled_from(choices), label="who and what")
        inputs = transition.example_inputs(case, rng) | {"note": "因故"}
        # A step the rules refuse now (a second extension …) changes nothing.
        with contextlib.suppress(CaseError, InputError):
            take_action(case, user, transition.action, inputs, now=at)
        if data.draw(st.integers(0, 7), label="compact now?") == 0:
            compact()

    kept_current, by_month, by_town = counted(), counted(MonthFact), counted(TownMonthFact)
    assert by_month == months_of(kept_current)
    assert by_town == town_months_of(kept_current)
    compact()
    assert counted() == kept_current and counted(MonthFact) == by_month
    assert counted(TownMonthFact) == by_town
    assert Fact.objects.count() == len(kept_current)  # one row per key, none of nothing
    assert MonthFact.objects.count() == len(by_month)
    assert TownMonthFact.objects.count() == len(by_town)
    rebuild()
    assert counted() == kept_current and counted(MonthFact) == by_month
    assert counted(TownMonthFact) == by_town


def months_of(facts: dict) -> dict:
    """Daily facts summed by MonthFact.KEY (month and village)."""
    village_of = dict(Region.objects.grids().values_list("pk", "parent_id"))
    months: dict = {}
    for (county, day, grid, _cat, _dept, _source, _level, step, bucket), (
        count,
        hours,
    ) in facts.items():
        key = (county, day.replace(day=1), village_of[grid], step, bucket)
        total = months.get(key, (0, 0.0))
        months[key] = (total[0] + count, round(total[1] + hours, 3))
    return {key: total for key, total in months.items() if total[0] or total[1]}


def town_months_of(facts: dict) -> dict:
    """Daily facts summed by TownMonthFact.KEY (month, town, category and department)."""
    village_of = dict(Region.objects.grids().values_list("pk", "parent_id"))
    town_of = dict(Region.objects.filter(level="village").values_list("pk", "parent_id"))
    months: dict = {}
    for (county, day, grid, category, department, _source, _level, step, bucket), (
        count,
        hours,
    ) in facts.items():
        key = (
            county, day.replace(day=1), town_of[village_of[grid]], category, department, step,
            bucket,
        )  # fmt: skip
        total = months.get(key, (0, 0.0))
        months[key] = (total[0] + count, round(total[1] + hours, 3))
    return {key: total for key, total in months.items() if total[0] or total[1]}


def test_an_upgrade_fills_the_facts_by_town_from_the_daily_ones(month):
    kept = counted(TownMonthFact)
    assert kept == town_months_of(counted())
    TownMonthFact.objects.all().delete()
    upgrade = importlib.import_module("command.migrations.0004_facts_by_town_and_month")
    # The migration reads only the editor's connection (SQLite's editor cannot open in a test).
    upgrade.fill_from_the_daily_facts(None, SimpleNamespace(connection=connection))
    assert counted(TownMonthFact) == kept


def totals_by_step() -> dict[str, int]:
    totals: dict[str, int] = {}
    for step, count in Fact.objects.values_list("step", "count"):
        totals[step] = totals.get(step, 0) + count
    return {step: count for step, count in totals.items() if count}


def test_each_step_counts_as_what_it_is_on_its_day(people, categories):
    case = report(people, categories["rubbish"], START)
    operator, handler = people["town_operator"], people["urban_handler"]
    for user, action, hours in (
        (operator, "accept", 1),
        (operator, "dispatch", 2),
        (handler, "start", 3),
        (handler, "feed_back", 4),
        (people["grid_worker"], "rework", 5),
        (handler, "feed_back", 30),
        (people["grid_worker"], "verify", 31),
        (operator, "close", 32),
        (operator, "evaluate", 33),
    ):
        inputs = {"note": "已处理", "rating": 4} if action == "evaluate" else {"note": "已处理"}
        case = take_action(case, user, action, inputs, now=START + timedelta(hours=hours))

    assert totals_by_step() == {
        Step.REPORTED: 1,
        Step.ACCEPTED: 1,
        Step.DISPATCHED: 1,
        Step.HANDLED: 2,
        Step.REWORKED: 1,
        Step.CLOSED: 1,
        Step.RATED: 1,
        Step.SATISFIED: 1,
        Step.DUE: 1,  # once, on its deadline's day, however often that moved
        Step.HANDLING_HOURS: 1,
    } | ({Step.HANDLED_ON_TIME: 1, Step.CLOSED_ON_TIME: 1} if on_time(case) else {})
    days = dict(Fact.objects.filter(step=Step.CLOSED).values_list("step", "day"))
    assert days[Step.CLOSED] == (START + timedelta(hours=32)).astimezone(LOCAL).date()


def on_time(case) -> bool:
    return case.fed_back_at <= case.handle_deadline


@pytest.mark.django_db
def test_the_rebuild_command_recounts_from_scratch(people, categories):
    report(people, categories["rubbish"], START)
    Fact.objects.update(count=99)
    call_command("rebuild_facts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert totals_by_step() == {Step.REPORTED: 1}


def test_a_case_whose_category_changes_moves_what_it_counted(people, categories):
    """改类 after acceptance: the report and the acceptance now count under the new category, as
    a full recount (which reads the case's category now) has them."""
    case = report(people, categories["rubbish"], START)
    take_action(case, people["town_operator"], "accept", now=START + timedelta(hours=1))
    take_action(
        case,
        people["town_operator"],
        "reclassify",
        {"category": "G0101", "note": "实为邻里纠纷"},
        now=START + timedelta(hours=2),
    )
    kept_current = counted()
    by_category = {key[3] for key in kept_current}
    assert by_category == {categories["neighbours"].pk}
    rebuild()
    assert counted() == kept_current
