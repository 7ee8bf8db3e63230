from datetime import date

import pytest

from command.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "before", "after"),
    [
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-10", "2026-12"),
        ("2026-1", date(2026, 1, 1), date(2026, 2, 1), "2025-12", "2026-02"),
        ("2026-11-05", date(2026, 11, 5), date(2026, 11, 6), "2026-11-04", "2026-11-06"),
        ("2026-W45", date(2026, 11, 2), date(2026, 11, 9), "2026-W44", "2026-W46"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2026-Q2"),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2025", "2027"),
        (
            "2026-11-03..2026-11-12",
            date(2026, 11, 3),
            date(2026, 11, 13),
            "2026-10-24..2026-11-02",
            "2026-11-13..2026-11-22",
        ),
    ],
)
def test_a_period_is_read_from_its_address_with_its_neighbours(text, start, end, before, after):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.previous().code == before
    assert period.following().code == after
    assert parse_period(period.code) == period


def test_the_same_period_a_year_before():
    assert parse_period("2026-11").a_year_before().code == "2025-11"
    assert parse_period("2024-02-29..2024-03-02").a_year_before().code == (
        "2023-02-28..2023-03-02"  # no 29 February in 2023: from its last day, to 2 March
    )
    assert parse_period("2026-W45").a_year_before().code == "2025-W45"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "November",
        "2026-13",
        "2026-02-30",
        "2026-W60",
        "2026-Q5",
        "2026-11-20..2026-11-03",
        "2020-01-01..2026-01-01",
    ],
)
def test_a_wrong_period_says_how_to_write_one(text):
    with pytest.raises(PeriodError):
        parse_period(text)
