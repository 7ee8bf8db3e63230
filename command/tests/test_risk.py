"""Deadline risk: the handling-time model, the open cases it ranks, and its accuracy on the
month before, against a hand-made history."""

from datetime import date

import pytest
from django.urls import reverse

from command.models import Fact, Step
from command.risk import Model, accuracy, at_risk, share_below


def test_the_share_handled_within_some_hours_is_read_from_the_histogram():
    assert share_below({}, 5) is None
    assert share_below({0: 10}, 0.5) == pytest.approx(0.5)  # [0, 1) hours, spread evenly
    assert share_below({0: 10, 4: 10}, 10) == pytest.approx((10 + 10 * 2 / 4) / 20)  # [8, 12)
    assert share_below({0: 10, 4: 10}, 100) == 1


@pytest.fixture
def october_history(month, categories, departments):
    """30 rubbish cases handled by the urban department in October in 1–2 working hours."""
    rubbish, urban = categories["rubbish"], departments["urban"]
    Fact.objects.create(
        day=date(2026, 10, 15),
        grid_id=month["a"].grid_id,
        category_id=rubbish.pk,
        department_id=urban.pk,
        source="grid_worker",
        level="town",
        step=Step.HANDLING_HOURS,
        bucket=1,
        count=30,
        hours=45,
    )


def test_the_model_falls_back_from_its_stratum_to_the_category_and_to_all(
    october_history, categories, departments
):
    model = Model(before=date(2026, 11, 1))
    rubbish, urban = categories["rubbish"].pk, departments["urban"].pk
    assert model.on_time(rubbish, urban, "town", 0, 4) == 1  # all took under 2 hours
    assert model.on_time(rubbish, urban, "town", 0, 1.5) == pytest.approx(0.5)
    assert model.on_time(rubbish, urban, "town", 3, 4) == 0  # slower than every one before
    assert model.on_time(rubbish, 0, "county", 0, 1.5) == pytest.approx(0.5)  # the category's
    assert Model(before=date(2026, 10, 1)).on_time(rubbish, urban, "town", 0, 4) is None


def test_its_accuracy_on_last_month_is_checked_against_what_happened(october_history):
    checked = accuracy(date(2026, 12, 7))
    assert checked.month == "2026-11"
    assert checked.trained_on == 30
    # Handled in November: a on time, c and d late; at dispatch it said all three would be on
    # time (every October case took under 2 of their 4 hours).
    dispatch = checked.at_dispatch
    assert (dispatch.cases, dispatch.right, dispatch.on_time) == (3, 1, 1)
    assert dispatch.brier == pytest.approx(2 / 3)
    # Half-way (2 hours in), a was done; c and d were not, slower than every case before them:
    # it said both would be late, and they were.
    half = checked.half_way
    assert (half.cases, half.right, half.on_time, half.brier) == (2, 2, 0, 0)


def test_the_case_past_its_deadline_tops_the_list_and_a_town_sees_its_own(
    client, october_history, people, month
):
    rows = at_risk(people["leader"], month["h"].town.parent, month["h"].handle_deadline)
    assert rows[0].case == month["h"]
    client.force_login(people["other_town_operator"])
    response = client.get(reverse("command:risk"))
    assert month["h"] not in [row.case for row in response.context["rows"]]
    client.force_login(people["town_operator"])
    response = client.get(reverse("command:risk"))
    assert [row.case for row in response.context["rows"]][:1] == [month["h"]]
    assert response.context["rows"][0].risk == 1
