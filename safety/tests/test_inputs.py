"""Bad input is refused with a message that says what to do, and nothing is written: an item with
no result, a file that is not a photo (on the inspection or on a failed item)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.errors import InputError
from cases.models import Case, CasePhoto
from cases.tests.test_pages import png
from safety.models import Inspection, InspectionPhoto, StatusChange
from safety.selectors import checklist_items
from safety.services import record_inspection

from .conftest import MORNING, answers, item_named

pytestmark = pytest.mark.django_db


def form_data(unit, *failing: str, leave_out: tuple[str, ...] = ()) -> dict:
    data = {"note": "例行检查"}
    for item in checklist_items(unit):
        if item.text not in leave_out:
            data[f"item-{item.pk}"] = "fail" if item.text in failing else "pass"
    return data


def not_a_photo(name="报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 not a photo", content_type="image/jpeg")


def assert_nothing_written():
    assert not Inspection.objects.exists() and not StatusChange.objects.exists()
    assert not Case.objects.exists() and not InspectionPhoto.objects.exists()


def test_an_item_without_a_result_is_named_and_nothing_is_written(client, staff, school):
    client.force_login(staff["grid_worker"])
    url = f"/safety/units/{school.pk}/inspect/"
    response = client.post(url, form_data(school, "有人防力量", leave_out=("有应急预案",)))
    assert response.status_code == 400
    form = response.context["form"]
    item = item_named(school, "有应急预案")
    assert form.errors[f"item-{item.pk}"] == ["请说明“有应急预案”合格还是不合格。"]
    assert "1 项未填写结果" in form.non_field_errors()[0]
    assert "有应急预案" in response.content.decode()
    assert_nothing_written()


def test_the_service_names_the_items_left_out_whoever_calls(staff, school):
    given = answers(school)
    left_out = item_named(school, "没有邪教活动")
    del given[left_out.pk]
    with pytest.raises(InputError) as refused:
        record_inspection(school, staff["grid_worker"], given, at=MORNING)
    assert list(refused.value.errors) == [f"item-{left_out.pk}"]
    assert "没有邪教活动" in str(refused.value)
    assert_nothing_written()


def test_a_file_that_is_not_a_photo_is_refused_on_the_form(client, staff, school, settings, tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff["grid_worker"])
    url = f"/safety/units/{school.pk}/inspect/"
    item = item_named(school, "有物防设施")
    data = form_data(school, "有物防设施") | {f"photos-{item.pk}": not_a_photo()}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors[f"photos-{item.pk}"]
    response = client.post(url, form_data(school) | {"photos": not_a_photo("现场.jpg")})
    assert response.status_code == 400 and response.context["form"].errors["photos"]
    assert_nothing_written()
    assert not list((tmp_path / "media").rglob("*.*"))


def test_the_service_refuses_a_file_that_is_not_a_photo_before_writing(staff, school, settings, tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    item = item_named(school, "有物防设施")
    failing = answers(school, "有物防设施", photos={"有物防设施": [png(), not_a_photo()]})
    with pytest.raises(InputError) as refused:
        record_inspection(school, staff["grid_worker"], failing, photos=[png()], at=MORNING)
    assert list(refused.value.errors) == [f"photos-{item.pk}"]
    assert "报告.pdf" in str(refused.value)
    with pytest.raises(InputError) as refused:
        record_inspection(school, staff["grid_worker"], answers(school), photos=[not_a_photo()])
    assert list(refused.value.errors) == ["photos"]
    assert_nothing_written()
    assert not list((tmp_path / "media").rglob("*.*"))


def test_photos_go_to_the_inspection_and_to_the_failed_items_hazard(client, staff, school, settings, tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff["grid_worker"])
    item = item_named(school, "有物防设施")
    data = form_data(school, "有物防设施") | {"photos": png("gate.png"), f"photos-{item.pk}": png()}
    response = client.post(f"/safety/units/{school.pk}/inspect/", data)
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert response["Location"] == f"/safety/units/{school.pk}/#inspection-{inspection.pk}"
    photo = InspectionPhoto.objects.get(inspection=inspection)
    assert photo.image.name.endswith(".png") and photo.thumbnail.name.endswith(".jpg")
    case = Case.objects.get(case_kind="hazard")
    assert CasePhoto.objects.get().case == case
    assert case.description.endswith("有物防设施”不合格。")
    # The inspection's photo is served to those who may open the unit, privately, and no one else.
    url = f"/safety/photos/{photo.pk}/?size=thumb"
    served = client.get(url)
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    assert served["Content-Type"] == "image/jpeg"
    client.force_login(staff["other_town_operator"])
    assert client.get(url).status_code == 404
