"""The staff pages: activities recorded and counted, results in each person's region, and who is
refused what; the demo filler."""

import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from staff.models import Role
from surveys.demo import ANTI_FRAUD_SERIES, LETTER_CONTEST, SURVEY_TITLE, fill_surveys
from surveys.models import Activity, ActivityPhoto, ActivityType, Answer, Mode, Response, Survey
from surveys.selectors import activity_counts, answers_in, rates, surveys_for
from territory.models import Region

from .test_rates import answered

pytestmark = pytest.mark.django_db


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def activity_data(region_code="610722001001", **changes):
    data = {
        "held_on": "2026-03-15",
        "kind": str(ActivityType.objects.get(code="anti_fraud").pk),
        "title": "防范电信网络诈骗进村宣传",
        "region": str(Region.objects.get(code=region_code).pk),
        "place": "村委会广场",
        "organiser": "西镇综治中心",
        "partners": "",
        "audience": "villagers",
        "audience_size": "120",
        "summary": "发放宣传册",
    }
    data.update(changes)
    return data


def test_a_town_operator_records_an_activity_with_a_photo(client, people, county):
    client.force_login(people["town_operator"])
    assert client.get(reverse("surveys:activity_new")).status_code == 200
    sent = client.post(reverse("surveys:activity_new"), {**activity_data(), "photos": [png()]})
    assert sent.status_code == 302
    activity = Activity.objects.get()
    assert (activity.town.code, activity.region.code, activity.recorded_by) == (
        "610722001", "610722001001", people["town_operator"],
    )  # fmt: skip
    photo = ActivityPhoto.objects.get()
    assert photo.display.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
    page = client.get(sent["Location"])
    assert "防范电信网络诈骗进村宣传" in page.content.decode()
    served = client.get(
        reverse("surveys:activity_photo", args=[activity.pk, photo.pk]), {"size": "thumb"}
    )
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    client.force_login(people["other_town_operator"])  # another town's activity: not found
    assert (
        client.get(reverse("surveys:activity_photo", args=[activity.pk, photo.pk])).status_code
        == 404
    )


def test_a_file_that_is_not_a_photo_is_refused(client, people, county):
    client.force_login(people["town_operator"])
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    page = client.post(reverse("surveys:activity_new"), {**activity_data(), "photos": [fake]})
    assert page.status_code == 400
    assert Activity.objects.count() == 0


def test_an_operator_records_only_in_their_own_area(client, people, county):
    client.force_login(people["town_operator"])
    page = client.post(reverse("surveys:activity_new"), activity_data("610722002001"))
    assert page.status_code == 400
    assert Activity.objects.count() == 0


def test_an_activity_needs_an_organiser(client, people, county):
    client.force_login(people["town_operator"])
    page = client.post(reverse("surveys:activity_new"), activity_data(organiser=""))
    assert page.status_code == 400
    assert "请填写组织单位，或选择其所属部门。" in page.content.decode()


def test_a_handler_records_for_their_own_department(client, people, county):
    client.force_login(people["justice_handler"])  # 西镇司法所 serves the west town
    sent = client.post(reverse("surveys:activity_new"), activity_data(organiser=""))
    assert sent.status_code == 302
    assert Activity.objects.get().department.name == "西镇司法所"


def test_leaders_read_but_do_not_record_and_grid_workers_do_neither(client, people, county):
    client.force_login(people["leader"])
    assert client.get(reverse("surveys:activities")).status_code == 200
    assert client.get(reverse("surveys:activity_new")).status_code == 403
    client.force_login(people["grid_worker"])
    assert client.get(reverse("surveys:activities")).status_code == 403


def test_activities_are_counted_by_type_town_and_period(client, people, county):
    client.force_login(people["county_operator"])
    for code, region_code, day in (
        ("anti_fraud", "610722001001", "2026-03-15"),
        ("anti_fraud", "610722002", "2026-04-01"),
        ("anti_drug", "610722002101", "2026-04-02"),
        ("anti_drug", "610722002101", "2025-12-30"),
    ):
        kind = str(ActivityType.objects.get(code=code).pk)
        sent = client.post(
            reverse("surveys:activity_new"), activity_data(region_code, kind=kind, held_on=day)
        )
        assert sent.status_code == 302
    year = __import__("command.periods", fromlist=["parse_period"]).parse_period("2026")
    counts = {
        row["label"]: (row["activities"], row["reached"]) for row in activity_counts(county, year)
    }
    assert counts == {"防范电信网络诈骗": (2, 240), "禁毒宣传": (1, 120)}
    page = client.get(reverse("surveys:activities"), {"period": "2026-Q2"})
    assert page.context["total"] == 2
    assert [(row.label, row.activities) for row in page.context["by_town"]] == [("东镇", 2)]
    west = Region.objects.get(code="610722001")
    page = client.get(reverse("surveys:activities"), {"period": "2026", "town": west.pk})
    assert page.context["total"] == 1
    assert client.get(reverse("surveys:activities"), {"period": "nonsense"}).status_code == 400
    client.force_login(people["other_town_operator"])  # the east town sees its own
    assert client.get(reverse("surveys:activities"), {"period": "2026"}).context["total"] == 2


def test_results_page_shows_rates_intervals_by_town_and_the_frames(client, survey, people, today):
    answered(survey, "610722001001", {"知道": 45, "不知道": 5}, on=today, people=people)
    answered(survey, "610722002001", {"知道": 9, "不知道": 1}, on=today, mode=Mode.ONLINE)
    client.force_login(people["county_operator"])
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "45 / 50" in text and "78.6% – 95.7%" in text  # the west town
    assert "54 / 60" in text  # the county
    assert "各村户籍名册随机抽样" in text
    assert "非随机：自愿填写" in text  # the online frame is marked
    sampled = client.get(reverse("surveys:results", args=[survey.pk]), {"mode": "random"})
    assert [rate.denominator for rate in sampled.context["overall"]] == [50, 0]
    book = client.get(reverse("surveys:results", args=[survey.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(book.content))["比率"].iter_rows(values_only=True))
    assert ("西镇", "平安建设知晓率", 45, 50, 90.0, 78.6, 95.7, 0) in rows
    assert ("城固县", "平安建设知晓率", 54, 60, 90.0, 79.9, 95.3, 0) in rows


def test_results_of_a_period_count_only_its_answers(client, survey, people, today):
    answered(survey, "610722001001", {"知道": 3}, on=today, people=people)
    client.force_login(people["county_operator"])
    url = reverse("surveys:results", args=[survey.pk])
    this_month = client.get(url, {"period": today.strftime("%Y-%m")})
    assert this_month.context["overall"][0].denominator == 3
    last_year = client.get(url, {"period": str(today.year - 1)})
    assert last_year.context["overall"][0].denominator == 0
    assert client.get(url, {"period": "someday"}).status_code == 404
    assert client.get(url, {"mode": "carrier-pigeon"}).status_code == 404


def test_a_town_operator_sees_only_their_towns_results(client, survey, people, today):
    answered(survey, "610722001001", {"知道": 45, "不知道": 5}, on=today, people=people)
    answered(survey, "610722002001", {"知道": 1, "不知道": 9}, on=today, mode=Mode.ONLINE)
    client.force_login(people["other_town_operator"])
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    [awareness, _satisfaction] = page.context["overall"]
    assert (awareness.numerator, awareness.denominator) == (1, 10)
    assert [row.place.name for row in page.context["by_place"]] == ["东镇北村", "东镇南村"]


def test_a_town_survey_is_out_of_reach_of_other_towns(client, survey, people):
    survey.scope = Region.objects.get(code="610722001")
    survey.save()
    assert survey in surveys_for(people["town_operator"])
    assert survey in surveys_for(people["county_operator"])
    assert survey in surveys_for(people["grid_worker"])  # in the west town
    client.force_login(people["other_town_operator"])
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 404
    client.force_login(people["other_grid_worker"])
    assert client.get(reverse("surveys:enter", args=[survey.pk])).status_code == 200  # same town
    survey.scope = Region.objects.get(code="610722002")
    survey.save()
    assert client.get(reverse("surveys:enter", args=[survey.pk])).status_code == 404


def test_grid_workers_enter_but_do_not_read_results(client, survey, people):
    client.force_login(people["grid_worker"])
    listing = client.get(reverse("surveys:surveys"))
    assert listing.status_code == 200
    assert reverse("surveys:enter", args=[survey.pk]) in listing.content.decode()
    assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == 403


def test_pages_ask_for_a_login(client, survey):
    for url in (reverse("surveys:surveys"), reverse("surveys:activities"), reverse("surveys:results", args=[survey.pk])):  # fmt: skip
        assert client.get(url).status_code == 302


def test_staff_pages_render(client, survey, people):
    client.force_login(people["county_operator"])
    for url in (
        reverse("surveys:surveys"),
        reverse("surveys:activities"),
        reverse("surveys:activity_new"),
    ):
        assert client.get(url).status_code == 200
    assert "平安建设知晓率调查" in client.get(reverse("surveys:surveys")).content.decode()


def test_the_demo_fills_activities_and_a_survey_across_towns_and_modes(people, county):
    fill_surveys(
        {"grid_worker": people["grid_worker"]}, timezone.make_aware(datetime(2026, 11, 20, 10)), 30
    )
    titles = list(Activity.objects.values_list("title", flat=True))
    assert 12 <= len(titles) <= 120
    assert any(ANTI_FRAUD_SERIES in title for title in titles)
    assert any(LETTER_CONTEST in title for title in titles)
    assert Activity.objects.filter(partners__contains="邮政").exists()
    survey = Survey.objects.get(title=SURVEY_TITLE)
    assert Response.objects.filter(survey=survey).count() == 60
    assert set(Response.objects.values_list("mode", flat=True)) <= {
        Mode.DOOR,
        Mode.PHONE,
        Mode.ONLINE,
    }
    assert not Response.objects.exclude(mode=Mode.ONLINE).filter(entered_by=None).exists()
    assert Answer.objects.count() >= 60 * 4
    for rate in rates(answers_in(county, None, survey)):
        assert 0.6 <= rate.rate <= 1.0
    assert all(
        user.role == Role.GRID_WORKER
        for user in {r.entered_by for r in Response.objects.exclude(entered_by=None)}
    )
    assert date(2026, 1, 1) <= min(Activity.objects.values_list("held_on", flat=True))
