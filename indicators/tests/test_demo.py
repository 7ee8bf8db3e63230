"""The demo enters the article's figures exactly and every grid's basic counts, approved."""

import pytest
from django.utils import timezone

from indicators.demo import fill_indicators, grid_counts
from indicators.models import Report, Status
from indicators.selectors import basic_counts, figures

from .conftest import ARTICLE

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_article(people, police, county):
    now = timezone.now()
    fill_indicators(people, now)
    year = str(now.year)
    assert figures("saohei", county, year) == ARTICLE
    assert figures("xueliang", county, year) == {
        "xl_cameras": 2400,
        "xl_mountains_rivers": 21,
        "xl_class1": 742,
    }
    counts = basic_counts(county, now.year)
    assert (counts.grids_reported, counts.grids) == (8, 8)
    assert counts.households <= counts.population
    assert set(Report.objects.values_list("status", flat=True)) == {Status.APPROVED}
    for report in Report.objects.select_related("submitted_by", "approved_by"):
        assert report.submitted_by != report.approved_by


def test_the_example_counts_keep_every_rule_and_the_county_totals():
    import numpy as np

    counts = grid_counts(np.full(1624, 400), 610722)
    households, population, units, elderly, children, disabled, subsistence = counts.T
    assert 155_000 < households.sum() < 165_000
    assert 430_000 < population.sum() < 490_000
    assert (households <= population).all() and (elderly <= households).all()
    assert (subsistence <= households).all() and (children <= population).all()
    assert (disabled <= population).all() and (counts >= 0).all()
