"""The social-psychological service: only named counsellors open a request, each opening is
logged, everyone else sees counts; the service guide for anyone; the window's registration."""

import pytest
from django.urls import reverse

from cases.errors import CaseError
from cases.models import Case, Source
from conftest import region
from services.models import CounsellingOpened, CounsellingRequest, ServiceApplication
from services.services import open_request, refer_for_counselling


def refer(user, **changes):
    fields = {
        "town": region("610722001"),
        "concern": "family",
        "consent": True,
        "name": "赵秀英",
        "phone": "13800005555",
        "notes": "丈夫去世后失眠、情绪低落",
    }
    return refer_for_counselling(user, **(fields | changes))


def test_only_a_named_counsellor_opens_a_request_and_each_opening_is_logged(
    service_categories, people, counsellor, client
):
    request = refer(people["grid_worker"])
    for name in ("grid_worker", "town_operator", "county_operator", "leader", "admin"):
        assert open_request(people[name], request.pk) is None
        client.force_login(people[name])
        page = client.get(reverse("services:counselling_request", args=[request.pk]))
        assert page.status_code == 404
        assert "赵秀英" not in page.content.decode()
    assert not CounsellingOpened.objects.exists()

    client.force_login(counsellor)
    page = client.get(reverse("services:counselling_request", args=[request.pk]))
    assert page.status_code == 200 and "赵秀英" in page.content.decode()
    assert CounsellingOpened.objects.filter(request=request, by=counsellor).count() == 1


def test_a_referral_needs_consent_and_a_role_that_meets_people(service_categories, people):
    with pytest.raises(CaseError):
        refer(people["grid_worker"], consent=False)
    with pytest.raises(CaseError):
        refer(people["leader"])
    assert not CounsellingRequest.objects.exists()


def test_the_services_page_shows_counselling_as_counts_only(
    service_categories, people, counsellor, client
):
    refer(people["grid_worker"])
    refer(people["town_operator"], town=region("610722002"), name="孙玉梅")
    client.force_login(people["county_operator"])
    page = client.get(reverse("services:index")).content.decode()
    assert "赵秀英" not in page and "孙玉梅" not in page and "失眠" not in page
    assert '<td>西镇</td><td class="num">1</td>' in page.replace("\n", "")
    assert client.get(reverse("services:counselling")).status_code == 403
    assert not Case.objects.exists()  # never a case: in no case list, map, export or API


def test_the_service_guide_is_open_to_anyone(service_categories, client):
    page = client.get(reverse("services:guide")).content.decode()
    assert "高龄津贴申领" in page and "示例" in page
    item = client.get(reverse("services:item", args=["F0201"])).content.decode()
    assert "身份证" in item and "户口簿" in item


def test_a_window_clerk_registers_an_applicant_who_comes_in_person(
    service_categories, people, clerk, client
):
    client.force_login(clerk)
    answer = client.post(
        reverse("services:register"),
        {
            "item": "F0302",
            "village": "610722001001",
            "description": "申请办理残疾人证",
            "applicant-applicant_name": "周永福",
            "applicant-applicant_phone": "13900006666",
            "applicant-documents_brought": "身份证；户口簿；照片三张",
        },
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("cases:detail", args=[case.code])
    assert (case.source, case.case_kind, case.reporter) == (Source.WINDOW, "service", None)
    assert ServiceApplication.objects.get(case=case).applicant_name == "周永福"
    assert "west_window" in case.timeline.get().note


def test_the_registration_refuses_what_is_missing_and_anyone_not_at_a_window(
    service_categories, people, clerk, client
):
    client.force_login(clerk)
    page = client.post(reverse("services:register"), {"item": "F0302", "village": ""})
    assert page.status_code == 200 and not Case.objects.exists()
    text = page.content.decode()
    assert "请选择申请人所在的村（社区）" in text and "请填写申请人姓名" in text
    client.force_login(people["urban_handler"])
    assert client.get(reverse("services:register")).status_code == 403
