"""The figures of dispute mediation against a hand-counted month: the disputes page's cohort and
the command centre's indicators, which count the same steps by the day they were taken."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Case
from cases.services import report_case, take_action
from command.facts import rebuild
from command.models import Fact
from command.selectors import figure, indicator_at
from conftest import IN_FIRST_GRID
from disputes.selectors import dispute_counts

from .conftest import MORNING, agree, file_dispute, session, to_mediation, visit

pytestmark = pytest.mark.django_db
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


@pytest.fixture
def month(people, dispute_categories):
    """Six disputes of November 2026, and a street problem that is none of them:
    A reported only · B refused · C written agreement, visited, performed · D oral agreement,
    visited, not yet performed · E mediation failed · F accepted, being mediated."""
    file_dispute(people, dispute_categories)  # A
    refused = file_dispute(people, dispute_categories)  # B
    take_action(
        refused, people["village_operator"], "reject", {"note": "不属调解范围"}, now=MORNING
    )
    performed = agree(session(to_mediation(file_dispute(people, dispute_categories), people), people), people)  # fmt: skip
    visit(performed, people)  # C
    oral = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    oral = take_action(oral, people["justice_handler"], "record_oral_agreement", {"terms": "赔礼道歉"}, now=MORNING)  # fmt: skip
    visit(oral, people, "visit_pending")  # D
    failed = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    take_action(failed, people["justice_handler"], "record_failure", {"referral": "court", "note": "分歧大"}, now=MORNING)  # E  # fmt: skip
    to_mediation(file_dispute(people, dispute_categories), people)  # F
    lon, lat = IN_FIRST_GRID
    report_case(
        reporter=people["grid_worker"],
        category=dispute_categories["rubbish"],
        description="垃圾",
        lon=lon,
        lat=lat,
        now=MORNING,
    )


def test_the_cohort_figures_count_each_dispute_once_where_it_stands(month):
    counts = dispute_counts(Case.objects.all())
    assert (counts.screened, counts.accepted, counts.mediated) == (6, 4, 3)
    assert (counts.agreed, counts.performed, counts.high_risk) == (2, 1, 0)
    assert counts.resolution_rate == 50.0  # 2 agreed of 4 accepted
    assert counts.performance_rate == 50.0  # 1 performed of 2 agreed


def test_the_command_centre_counts_the_same_steps_and_a_rebuild_agrees(month, county):
    expected = {
        "disputes_reported": (6, None),
        "disputes_accepted": (4, None),
        "disputes_agreed": (2, None),
        "disputes_not_agreed": (1, None),
        "disputes_performed": (1, None),
        "disputes_resolution_rate": (2, 4),
    }

    def found():
        return {
            code: (
                figure(indicator_at(code), county, *NOVEMBER).numerator,
                figure(indicator_at(code), county, *NOVEMBER).denominator,
            )
            for code in expected
        }

    assert found() == expected
    assert figure(indicator_at("disputes_resolution_rate"), county, *NOVEMBER).value == 50.0
    Fact.objects.all().delete()  # what was kept as the steps were taken goes …
    rebuild()  # … and the full recount from the timelines finds the same
    assert found() == expected


def test_the_disputes_page_shows_the_rules_and_the_excel_holds_every_dispute(client, people, month):
    client.force_login(people["town_operator"])
    page = client.get(reverse("disputes:index"), {"period": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "化解率" in text and "50.0" in text
    assert len(page.context["rows"]) == 6
    book = client.get(reverse("disputes:index"), {"period": "2026-11", "format": "xlsx"})
    figures, listed = load_workbook(io.BytesIO(book.content)).worksheets
    assert [row[1] for row in figures.iter_rows(min_row=2, values_only=True)][:6] == [
        6, 4, 3, 2, 1, 50.0
    ]  # fmt: skip
    assert listed.max_row == 1 + 6 and listed.freeze_panes == "A2"
    client.force_login(people["grid_worker"])
    assert client.get(reverse("disputes:index")).status_code == 403


def test_a_wrong_period_says_how_to_write_one(client, people, month):
    client.force_login(people["town_operator"])
    response = client.get(reverse("disputes:index"), {"period": "11月"})
    assert response.status_code == 404
