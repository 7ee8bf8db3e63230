"""The emergencies page with its countdowns and on-time figures, the contact on the spot masked
and forgotten with retention, and the demo's flood."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.services import take_action
from emergencies.demo import fill_emergencies
from privacy.models import RevealLog
from privacy.retention import anonymise

from .conftest import NIGHT, report_flood

pytestmark = pytest.mark.django_db


def test_the_page_counts_down_and_says_which_reports_were_on_time(client, people, flood, settings):
    on_time = report_flood(people, flood, severity="3")
    take_action(on_time, people["county_operator"], "first_report", {"note": "首报"}, now=NIGHT + timedelta(minutes=20))  # fmt: skip
    late = report_flood(people, flood, severity="4")
    take_action(late, people["town_operator"], "first_report", {"note": "首报"}, now=NIGHT + timedelta(minutes=90))  # fmt: skip
    report_flood(people, flood, severity="4")  # none yet

    client.force_login(people["county_operator"])
    page = client.get(reverse("emergencies:index"), {"period": "2026-11"})
    assert page.status_code == 200
    figures = {figure.code: value for figure, value in page.context["figures"]}
    assert (figures["total"], figures["county_level"], figures["injured"]) == (3, 1, 3)
    assert figures["first_on_time_rate"] == pytest.approx(100 / 3, abs=0.1)  # 1 of 3
    owed = {case.code: [c.label for c in countdowns] for case, countdowns in page.context["open"]}
    assert len(owed[on_time.code]) == 1 and len(owed[late.code]) == 1  # the written reports
    assert all(countdown.late for _case, countdowns in page.context["open"] for countdown in countdowns)  # fmt: skip
    book = client.get(reverse("emergencies:index"), {"period": "2026-11", "format": "xlsx"})
    figures, listed = load_workbook(io.BytesIO(book.content)).worksheets
    assert listed.max_row == 1 + 3 and listed.freeze_panes == "A2"
    assert [row[1] for row in figures.iter_rows(min_row=2, max_row=3, values_only=True)] == [3, 1]
    client.force_login(people["grid_worker"])
    assert client.get(reverse("emergencies:index")).status_code == 403


def test_the_contact_on_the_spot_is_masked_revealed_with_a_reason_and_forgotten(client, people, flood):  # fmt: skip
    case = report_flood(people, flood, severity="4")
    client.force_login(people["town_operator"])
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "张村长" not in page and "13600004444" not in page and "136****4444" in page
    url = reverse("privacy:reveal_item", args=[case.code, "emergencydetail.contact_phone", case.emergency.pk])  # fmt: skip
    assert "13600004444" in client.post(url, {"reason": "call_back"}).content.decode()
    assert RevealLog.objects.get().item == case.emergency.pk
    anonymise([case.pk], NIGHT)
    case.emergency.refresh_from_db()
    assert (case.emergency.contact_name, case.emergency.contact_phone) == ("", "")


def test_the_demo_has_a_year_of_emergencies_and_a_level_three_flood_counting_down(people, flood):
    now = NIGHT + timedelta(days=30)
    filed = fill_emergencies({"grid_worker": people["grid_worker"]}, now, count=8, seed=2)
    assert filed == 8
    flood_now = flood.case_set.order_by("-reported_at").first()
    assert flood_now.reported_at == now - timedelta(minutes=20)
    assert (flood_now.level, flood_now.emergency.severity) == ("county", "3")
    assert flood_now.emergency.first_report_due == now + timedelta(minutes=10)
