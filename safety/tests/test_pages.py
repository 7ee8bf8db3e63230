"""The pages as their users walk them: the list with its figures (and Excel), a unit with its
inspections and hazards, the inspection form on a phone, registering a unit, the hazard's case page."""

import io

import pytest
from openpyxl import load_workbook

from cases.models import Case
from safety.models import Inspection, SafeStatus, Unit
from safety.services import record_inspection
from safety.tests.test_inputs import form_data

from .conftest import IN_EAST_TOWN, MORNING, add_unit, answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspected(staff, sectors, school):
    bank = add_unit(staff, sectors, "东镇信用社（示例）", "financial_outlet", IN_EAST_TOWN)
    record_inspection(school, staff["grid_worker"], answers(school, "有宣传教育"), at=MORNING)
    record_inspection(bank, staff["other_town_operator"], answers(bank, "没有黄赌毒"), at=MORNING)
    return {"school": school, "bank": bank}


def test_the_list_shows_the_units_and_the_figures(client, staff, inspected):
    client.force_login(staff["leader"])
    response = client.get("/safety/", {"period": "2026-11"})
    assert response.status_code == 200
    page = response.content.decode()
    figures = response.context["figures"]
    assert (figures.total.registered, figures.total.inspected, figures.total.safe) == (2, 2, 1)
    assert (figures.total.pass_rate, figures.total.safe_share) == (50.0, 50.0)
    assert "平安创建" in page and "按行业" in page and "按镇（街道）" in page
    assert "城固县第一中学（示例）" in page and "东镇信用社（示例）" in page
    assert "检查覆盖率 = 检查单位数 ÷ 登记单位数 × 100%" in page  # the definitions beside them
    # Filters: the safe ones, a town, a sector, a name.
    safe = client.get("/safety/", {"status": SafeStatus.SAFE}).context["page"].object_list
    assert [unit.name for unit in safe] == ["城固县第一中学（示例）"]
    east = client.get("/safety/", {"town": inspected["bank"].town_id}).context["page"]
    assert [unit.name for unit in east.object_list] == ["东镇信用社（示例）"]
    named = client.get("/safety/", {"q": "信用社"}).context["page"].object_list
    assert [unit.name for unit in named] == ["东镇信用社（示例）"]
    assert client.get("/safety/", {"period": "2026-13"}).status_code == 404  # says how to write it


def test_the_figures_download_as_excel(client, staff, inspected):
    client.force_login(staff["county_operator"])
    response = client.get("/safety/", {"period": "2026-11", "format": "xlsx"})
    by_sector, by_town, units = load_workbook(io.BytesIO(response.content)).worksheets
    rows = {row[0]: row[1:] for row in by_sector.iter_rows(min_row=2, values_only=True)}
    assert rows["学校"][:3] == (1, 1, 100.0) and rows["合计"][:2] == (2, 2)
    assert units.max_row == 3


def test_a_grid_worker_sees_the_units_of_their_grid_and_the_menu_offers_them(client, staff, inspected):  # fmt: skip
    client.force_login(staff["grid_worker"])
    response = client.get("/safety/")
    assert [unit.name for unit in response.context["page"].object_list] == [
        "城固县第一中学（示例）"
    ]
    assert 'href="/safety/"' in response.content.decode()  # the menu's entry
    client.force_login(staff["urban_handler"])  # no hazard goes to 城管: no entry
    assert 'href="/safety/"' not in client.get("/cases/").content.decode()


def test_the_unit_page_shows_its_inspections_and_hazards(client, staff, inspected):
    school = inspected["school"]
    client.force_login(staff["education_handler"])
    page = client.get(f"/safety/units/{school.pk}/").content.decode()
    case = Case.objects.get(hazard__unit=school)
    assert f"/cases/{case.code}/" in page and "有宣传教育" in page
    assert "95.0 分（合格线 90.0）" in page and "检查达到平安单位标准" in page
    assert f"/safety/units/{school.pk}/inspect/" in page  # the education bureau may inspect


def test_the_inspection_form_on_a_phone_files_two_hazards(client, staff, school):
    client.force_login(staff["grid_worker"])
    url = f"/safety/units/{school.pk}/inspect/"
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count('type="radio"') == 40 and "其余全部合格" in html and "一票否决" in html
    response = client.post(url, form_data(school, "有技防设施", "有应急预案"))
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.score == 87 and not inspection.passed
    hazards = Case.objects.filter(hazard__inspection=inspection)
    assert hazards.count() == 2
    followed = client.get(response["Location"]).content.decode()
    assert "检查已记录：87.0 分，不合格。" in followed
    for case in hazards:
        assert case.code in followed
        # The hazard's case page says where it was found, with a link back to the unit.
        case_page = client.get(f"/cases/{case.code}/").content.decode()
        assert f'href="/safety/units/{school.pk}/"' in case_page and "不合格项目" in case_page


def test_the_form_sent_by_the_photo_script_is_told_where_to_go(client, staff, school):
    client.force_login(staff["grid_worker"])
    url = f"/safety/units/{school.pk}/inspect/"
    response = client.post(url, form_data(school), headers={"X-Requested-With": "XMLHttpRequest"})
    assert response.status_code == 204 and response["X-Redirect"].startswith(f"/safety/units/{school.pk}/")  # fmt: skip


def test_an_operator_registers_a_unit_at_its_place(client, staff, sectors):
    client.force_login(staff["town_operator"])
    lon, lat = 107.05, 33.05  # the west town's south village
    data = {
        "name": "西镇南村农贸市场（示例）",
        "sector": sectors["market"].pk,
        "address": "南村街口",
    }
    refused = client.post("/safety/units/new/", data)  # no place picked
    assert refused.status_code == 400 and "请在地图上点选位置" in refused.content.decode()
    outside = client.post("/safety/units/new/", data | {"lon": 107.25, "lat": 33.05})
    assert outside.status_code == 400 and "该位置不在您的辖区内" in outside.content.decode()
    made = client.post("/safety/units/new/", data | {"lon": lon, "lat": lat})
    unit = Unit.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/safety/units/{unit.pk}/"
    assert (unit.grid.code, unit.registered_by, unit.status) == ("610722001101001", staff["town_operator"], "pending")  # fmt: skip
