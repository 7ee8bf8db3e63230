"""知晓率 and 满意率 with their 95 % Wilson intervals, against numbers worked out by hand:

45 of 50:  p̂ = 0.9, z² = 3.8415, z²/n = 0.07683
           centre = (0.9 + 0.03841) / 1.07683 = 0.87145
           half   = 1.96 / 1.07683 · √(0.0018 + 0.000384) = 0.08507  →  [0.786, 0.957]
 9 of 10:  [0.596, 0.982]        54 of 60: [0.799, 0.953]
 0 of 20:  [0, z²/(n+z²)] = [0, 0.161]     20 of 20: [n/(n+z²), 1] = [0.839, 1]
 0 of 0:   no rate, no interval (not a division error)
"""

from datetime import timedelta

import pytest

from command.periods import parse_period
from surveys.models import Answer, Mode, Response
from surveys.selectors import (
    Rate,
    answers_in,
    parts_of,
    rates,
    rates_by_place,
    survey_rates,
    wilson_interval,
)
from territory.models import Region

pytestmark = pytest.mark.django_db

WEST_NORTH, EAST_NORTH = "610722001001", "610722002001"


def rounded(interval):
    return tuple(round(bound, 3) for bound in interval)


@pytest.mark.parametrize(
    ("successes", "trials", "expected"),
    [
        (45, 50, (0.786, 0.957)),
        (9, 10, (0.596, 0.982)),
        (54, 60, (0.799, 0.953)),
        (0, 20, (0.0, 0.161)),
        (20, 20, (0.839, 1.0)),
        (1, 1, (0.207, 1.0)),
    ],
)
def test_wilson_interval_matches_the_hand_computed_bounds(successes, trials, expected):
    assert rounded(wilson_interval(successes, trials)) == expected


def test_the_interval_stays_within_zero_and_one_at_the_edges():
    assert wilson_interval(0, 20)[0] == 0.0
    assert wilson_interval(20, 20)[1] == 1.0


def test_nothing_counted_gives_no_rate_rather_than_a_division_error():
    assert wilson_interval(0, 0) is None
    empty = Rate("ping_an_awareness", "平安建设知晓率", 0, 0, excluded=4)
    assert (empty.rate, empty.low, empty.high, empty.percent) == (None, None, None, None)
    assert empty.as_row()["rate"] is None


def test_more_successes_than_trials_is_refused():
    with pytest.raises(ValueError):
        wilson_interval(6, 5)


def answered(survey, village_code, counts, *, on, mode=Mode.DOOR, question="aware", people=None):
    """Responses in a village, each answering one question: {choice label: how many}."""
    village = Region.objects.get(code=village_code)
    worker = people["grid_worker"] if people else None
    frame = survey.frames_by_mode.get(mode)
    choices = getattr(survey, question)
    for label, count in counts.items():
        for _number in range(count):
            response = Response.objects.create(
                survey=survey, mode=mode, town=village.parent, village=village, answered_on=on,
                frame=frame, entered_by=None if mode == Mode.ONLINE else worker,
            )  # fmt: skip
            Answer.objects.create(
                response=response, question=choices[label].question, choice=choices[label]
            )


def test_rate_counts_aware_answers_over_counted_ones_and_leaves_dont_know_out(
    survey, people, today, this_year
):
    answered(survey, WEST_NORTH, {"知道": 45, "不知道": 5, "不清楚": 3}, on=today, people=people)
    [awareness] = rates(answers_in(None, this_year, survey))
    assert awareness.label == "平安建设知晓率"
    assert (awareness.numerator, awareness.denominator, awareness.excluded) == (45, 50, 3)
    assert round(awareness.rate, 3) == 0.9
    assert rounded(awareness.interval) == (0.786, 0.957)


def test_two_positive_answers_both_count_as_satisfied(survey, people, today, this_year):
    answered(
        survey, WEST_NORTH, {"满意": 30, "比较满意": 17, "不满意": 3},
        on=today, people=people, question="satisfied",
    )  # fmt: skip
    [satisfaction] = rates(answers_in(None, this_year, survey))
    assert (satisfaction.numerator, satisfaction.denominator) == (47, 50)
    assert rounded(satisfaction.interval) == (0.838, 0.979)


def test_unmeasured_questions_count_in_no_rate(survey, people, today, this_year):
    answered(survey, WEST_NORTH, {"网格员": 7}, on=today, people=people, question="channel")
    assert rates(answers_in(None, this_year, survey)) == []


def test_rates_split_by_town_and_add_up_for_the_county(survey, people, county, today, this_year):
    answered(survey, WEST_NORTH, {"知道": 45, "不知道": 5}, on=today, people=people)
    answered(survey, EAST_NORTH, {"知道": 9, "不知道": 1, "不清楚": 2}, on=today, people=people)
    answers = answers_in(county, this_year, survey)
    towns, level = parts_of(county)
    west, east = rates_by_place(answers, towns, level)
    assert (west.place.name, east.place.name) == ("西镇", "东镇")
    assert (west.rates[0].numerator, west.rates[0].denominator) == (45, 50)
    assert rounded(west.rates[0].interval) == (0.786, 0.957)
    assert (east.rates[0].numerator, east.rates[0].denominator, east.rates[0].excluded) == (
        9,
        10,
        2,
    )
    assert rounded(east.rates[0].interval) == (0.596, 0.982)
    [whole] = rates(answers)
    assert (whole.numerator, whole.denominator) == (54, 60)
    assert rounded(whole.interval) == (0.799, 0.953)


def test_a_town_without_answers_shows_no_rate(survey, people, county, today, this_year):
    answered(survey, WEST_NORTH, {"知道": 3}, on=today, people=people)
    towns, level = parts_of(county)
    _west, east = rates_by_place(answers_in(county, this_year, survey), towns, level)
    assert (east.rates[0].denominator, east.rates[0].rate) == (0, None)


def test_a_town_is_split_by_its_villages(survey, people, today, this_year):
    answered(survey, WEST_NORTH, {"知道": 4}, on=today, people=people)
    answered(survey, EAST_NORTH, {"知道": 9}, on=today, people=people)
    west = Region.objects.get(code="610722001")
    villages, level = parts_of(west)
    north, south = rates_by_place(answers_in(west, this_year, survey), villages, level)
    assert (north.rates[0].denominator, south.rates[0].denominator) == (4, 0)
    [town_total] = rates(answers_in(west, this_year, survey))
    assert town_total.denominator == 4  # the east town's 9 are not the west town's


def test_only_answers_of_the_period_count(survey, people, today):
    answered(survey, WEST_NORTH, {"知道": 4}, on=today, people=people)
    answered(survey, WEST_NORTH, {"不知道": 6}, on=today - timedelta(days=400), people=people)
    [awareness] = rates(answers_in(None, parse_period(str(today.year)), survey))
    assert (awareness.numerator, awareness.denominator) == (4, 4)
    [ever] = rates(answers_in(None, None, survey))
    assert ever.denominator == 10


def test_random_samples_can_be_read_apart_from_online_answers(survey, people, today, this_year):
    answered(survey, WEST_NORTH, {"知道": 9, "不知道": 1}, on=today, people=people)
    answered(survey, WEST_NORTH, {"不知道": 10}, on=today, mode=Mode.ONLINE)
    [sampled] = rates(answers_in(None, this_year, survey, [Mode.DOOR, Mode.PHONE]))
    assert (sampled.numerator, sampled.denominator) == (9, 10)
    [online] = rates(answers_in(None, this_year, survey, [Mode.ONLINE]))
    assert (online.numerator, online.denominator) == (0, 10)


def test_the_report_selector_gives_label_counts_rate_and_interval(survey, people, county, today, this_year):  # fmt: skip
    answered(survey, WEST_NORTH, {"知道": 45, "不知道": 5}, on=today, people=people)
    rows = {row["code"]: row for row in survey_rates(county, this_year)}
    assert len(rows) == 4  # every measure of the county, answered or not
    row = rows["ping_an_awareness"]
    assert row["label"] == "平安建设知晓率"
    assert (row["numerator"], row["denominator"]) == (45, 50)
    assert (round(row["rate"], 3), round(row["low"], 3), round(row["high"], 3)) == (
        0.9,
        0.786,
        0.957,
    )
    assert rows["legal_team_satisfaction"]["rate"] is None
    east = {
        row["code"]: row for row in survey_rates(Region.objects.get(code="610722002"), this_year)
    }
    assert (east["ping_an_awareness"]["denominator"], east["ping_an_awareness"]["rate"]) == (
        0,
        None,
    )
