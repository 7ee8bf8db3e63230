"""The pages as users walk them: each sees and enters only their own area."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Action, HistoryEntry, Report, Status
from indicators.services import save_figures, take_step

from .conftest import ARTICLE, GRID_FIGURES, values

pytestmark = pytest.mark.django_db
GRID = "610722001001001"


def client_for(client, user):
    client.force_login(user)
    return client


def report_url(code, region, period="2026"):
    return reverse("indicators:report", args=[code, period, region])


def test_every_page_renders_for_the_county_centre(client, sets, people, county):
    client_for(client, people["county_operator"])
    index = client.get(reverse("indicators:index"))
    assert index.status_code == 200 and "扫黑除恶专项斗争" in index.content.decode()
    for url in (
        reverse("indicators:table", args=["grid_basics", "2026"]),
        reverse("indicators:table", args=["grid_basics", "2026"]) + "?region=610722001001",
        reverse("indicators:table", args=["saohei", "2026"]),
        report_url("saohei", "610722"),
        report_url("grid_basics", GRID),
        reverse("indicators:import", args=["grid_basics", "2026"]),
    ):
        assert client.get(url).status_code == 200, url


def test_a_grid_worker_enters_their_grid_on_the_form_and_sees_rule_errors(client, sets, people):
    client_for(client, people["grid_worker"])
    form = {code: str(value) for code, value in GRID_FIGURES.items()}
    refused = client.post(report_url("grid_basics", GRID), {**form, "grid_population": "10"})
    assert refused.status_code == 400
    assert "户数不能多于常住人口" in refused.content.decode()
    assert not Report.objects.filter(values__isnull=False).exists()
    saved = client.post(report_url("grid_basics", GRID), form)
    assert saved.status_code == 302
    client.post(report_url("grid_basics", GRID), {"action": "submit"})
    report = Report.objects.get(region__code=GRID)
    assert report.status == Status.SUBMITTED
    assert report.history.filter(action=Action.ENTER).count() == len(GRID_FIGURES)


def test_people_are_refused_outside_their_area(client, sets, people):
    client_for(client, people["grid_worker"])
    assert client.get(report_url("grid_basics", "610722001001002")).status_code == 403
    assert client.get(report_url("saohei", "610722")).status_code == 403
    assert client.get(reverse("indicators:import", args=["grid_basics", "2026"])).status_code == 403
    client.logout()
    client_for(client, people["other_town_operator"])
    assert client.get(report_url("grid_basics", GRID)).status_code == 403
    table = reverse("indicators:table", args=["grid_basics", "2026"])
    assert client.get(table + "?region=610722001").status_code == 403
    assert client.get(table).status_code == 200  # their own town
    client.logout()
    client_for(client, people["urban_handler"])  # not the office of 扫黑除恶
    assert client.get(report_url("saohei", "610722")).status_code == 403


def test_a_town_operator_can_read_but_not_enter_a_grids_figures(client, sets, people):
    client_for(client, people["town_operator"])
    page = client.get(report_url("grid_basics", GRID))
    assert page.status_code == 200 and 'name="grid_households"' not in page.content.decode()
    client.post(report_url("grid_basics", GRID), {"grid_households": "5"})
    assert not Report.objects.exists()


def test_the_approver_approves_on_the_page_and_the_history_shows_it(
    client, sets, police, people, county
):
    report = save_figures(sets["saohei"], county, "2026", police, values(ARTICLE))
    take_step(report, police, Action.SUBMIT)
    client_for(client, people["county_operator"])
    response = client.post(report_url("saohei", "610722"), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.APPROVED
    assert HistoryEntry.objects.filter(report=report, action=Action.APPROVE).exists()
    page = client.get(report_url("saohei", "610722")).content.decode()
    assert "4302.22" in page and 'name="sh_cases"' not in page  # locked: shown, not a form


def test_the_import_page_lists_every_row_error(client, sets, people):
    client_for(client, people["county_operator"])
    data = "网格编码,户数,常住人口,单位数,服务独居老人,服务留守儿童,服务残疾人,服务低保户\n"
    data += "610722001001001,400,100,1,1,1,1,1\n"
    upload = SimpleUploadedFile("grids.csv", data.encode(), content_type="text/csv")
    url = reverse("indicators:import", args=["grid_basics", "2026"])
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode()
    assert not Report.objects.exists()
