import pytest

from indicators.periods import BadPeriod, check_period, shift_period


@pytest.mark.parametrize(
    ("period_type", "period", "steps", "expected"),
    [
        ("year", "2026", -1, "2025"),
        ("quarter", "2026Q1", -1, "2025Q4"),
        ("quarter", "2026Q4", 1, "2027Q1"),
        ("month", "202601", -1, "202512"),
        ("month", "202612", 1, "202701"),
    ],
)
def test_periods_step_over_year_ends(period_type, period, steps, expected):
    assert shift_period(period_type, period, steps) == expected


@pytest.mark.parametrize(("period_type", "period"), [("year", "2026Q1"), ("month", "202613")])
def test_a_period_of_another_type_is_refused_with_an_example(period_type, period):
    with pytest.raises(BadPeriod):
        check_period(period_type, period)
