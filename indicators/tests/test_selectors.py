"""What other apps read: approved figures only, summed over the parts of a region."""

from decimal import Decimal

import pytest

from conftest import region
from indicators.models import Action
from indicators.selectors import basic_counts, figure, figures, region_table
from indicators.services import save_figures, take_step

from .conftest import ARTICLE, GRID_FIGURES, values

pytestmark = pytest.mark.django_db


def approved_grid(sets, code, worker, approver, **changes):
    grid = region(code)
    report = save_figures(
        sets["grid_basics"], grid, "2026", worker, values({**GRID_FIGURES, **changes})
    )
    take_step(report, worker, Action.SUBMIT)
    return take_step(report, approver, Action.APPROVE)


def test_the_article_comes_back_exactly_once_approved(sets, police, people, county):
    report = save_figures(sets["saohei"], county, "2026", police, values(ARTICLE))
    take_step(report, police, Action.SUBMIT)
    assert figure("saohei", "sh_arrested", county, "2026") is None  # submitted is not approved
    take_step(report, people["county_operator"], Action.APPROVE)
    got = figures("saohei", "610722", "2026")
    assert got == ARTICLE
    assert isinstance(got["sh_detained"], int)
    assert got["sh_assets_judged"] == Decimal("227.10")
    assert figure("saohei", "sh_cases", county, "2025") is None


def test_a_towns_counts_are_the_sum_of_its_grids(sets, people, county):
    village_operator = people["village_operator"]
    approved_grid(sets, "610722001001001", people["grid_worker"], village_operator)
    approved_grid(
        sets, "610722001001002", people["other_grid_worker"], village_operator,
        grid_households=300, grid_population=900,
    )  # fmt: skip
    town = basic_counts(region("610722001"), 2026)
    assert (town.households, town.population, town.units) == (700, 2050, 18)
    assert (town.grids_reported, town.grids) == (2, 4)
    assert town.per_household(70) == 0.1
    assert basic_counts(county, 2026).households == 700
    assert basic_counts(region("610722002"), 2026).households is None  # not entered, not zero
    assert figure("grid_basics", "grid_disabled", "610722001001", "2026") == 140


def test_the_table_shows_each_part_with_approved_sums(sets, people, county):
    approved_grid(sets, "610722001001001", people["grid_worker"], people["village_operator"])
    rows, total = region_table(sets["grid_basics"], "2026", county)
    assert [row.region.code for row in rows] == ["610722001", "610722002"]
    assert [(row.approved, row.expected) for row in rows] == [(1, 4), (0, 4)]
    assert rows[0].cells[0][1] == 400 and rows[1].cells[0][1] is None
    assert total.cells[1][1] == 1150
