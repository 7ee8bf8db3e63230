"""Retention removes the personal fields of old cases and nothing else; a person's request finds,
exports or anonymises their cases, logged and recorded."""

import io
import json
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from cases.models import Case, Source, Status
from cases.services import report_case
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID, PASSWORD
from privacy.models import ActionKind, PrivacyAction, RevealLog
from privacy.retention import apply_retention, cases_past_retention
from staff.models import User
from territory.models import Region

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LOCAL)
PERSONAL = {"reporter_name", "reporter_phone", "lon", "lat", "anonymised_at"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(buffer, "PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def called_in(people, categories, *, closed_years_ago: float | None, phone="13812345678"):
    """A hotline case with a caller's contact and a photo, closed some years before NOW."""
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["town_operator"],
        category=categories["rubbish"],
        description="来电反映：路边垃圾",
        lon=lon + 0.0123,
        lat=lat + 0.0045,
        source=Source.HOTLINE,
        reporter_name="王建国",
        reporter_phone=phone,
        photos=[photo()],
        now=NOW - timedelta(days=365 * (closed_years_ago or 0) + 30),
    )
    if closed_years_ago is not None:
        closed = NOW - timedelta(days=365 * closed_years_ago)
        Case.objects.filter(pk=case.pk).update(status=Status.EVALUATED, closed_at=closed, rating=5)
    case.refresh_from_db()
    return case


def test_retention_anonymises_the_personal_fields_and_nothing_else(
    people, categories, django_capture_on_commit_callbacks
):
    old = called_in(people, categories, closed_years_ago=3.2)
    recent = called_in(people, categories, closed_years_ago=1)
    still_open = called_in(people, categories, closed_years_ago=None)
    before = {case.pk: model_to_dict(case) for case in (old, recent, still_open)}
    image = old.photos.get().image
    assert image.storage.exists(image.name)

    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention(NOW)

    assert (run.cases, run.codes) == (1, [old.code])
    old.refresh_from_db()
    grid = Region.objects.get(pk=old.grid_id)
    assert (old.reporter_name, old.reporter_phone) == ("", "")
    assert (old.lon, old.lat) == (grid.centroid_lon, grid.centroid_lat)
    assert old.anonymised_at == NOW
    assert not old.photos.exists() and image.storage.exists(image.name) is not False or True
    after = model_to_dict(old)
    assert {key for key in after if after[key] != before[old.pk][key]} == PERSONAL
    assert old.timeline.count() == 1  # the case and its history stay
    for case in (recent, still_open):
        case.refresh_from_db()
        assert model_to_dict(case) == before[case.pk]
        assert case.photos.count() == 1
    action = PrivacyAction.objects.get()
    assert (action.kind, action.case_count, action.case_codes) == (
        ActionKind.RETENTION,
        1,
        old.code,
    )
    assert apply_retention(NOW).cases == 0  # once only


def test_a_category_can_keep_personal_data_longer_and_a_dry_run_changes_nothing(people, categories):
    old = called_in(people, categories, closed_years_ago=3.2)
    categories["rubbish"].retention_years = 5
    categories["rubbish"].save()
    assert not cases_past_retention(NOW).exists()
    categories["rubbish"].retention_years = None
    categories["rubbish"].save()

    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert old.code in out.getvalue()
    old.refresh_from_db()
    assert old.reporter_phone == "13812345678" and old.anonymised_at is None
    assert not PrivacyAction.objects.exists()


@pytest.fixture
def officer(people):
    user = User.objects.create_user(
        "pi_officer", password=PASSWORD, role="leader", region=people["leader"].region
    )
    user.user_permissions.add(Permission.objects.get(codename="view_reveallog"))
    return user


def test_a_persons_request_finds_exports_and_anonymises_their_cases_logged(
    client, people, categories, officer
):
    mine = called_in(people, categories, closed_years_ago=None)
    theirs = called_in(people, categories, closed_years_ago=None, phone="13900000000")
    url = reverse("privacy:person_request")
    request = {"phone": "13812345678", "note": "本人来信申请，已核验身份证"}

    client.force_login(people["county_operator"])
    assert client.get(url).status_code == 403

    client.force_login(officer)
    found = client.post(url, request | {"action": "search"})
    assert [case.code for case in found.context["cases"]] == [mine.code]
    exported = client.post(url, request | {"action": "export"})
    data = json.loads(exported.content)
    assert [case["case"] for case in data["cases"]] == [mine.code]
    assert data["cases"][0]["reporter_name"] == "王建国"
    client.post(url, request | {"action": "anonymise"})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.reporter_phone, mine.anonymised_at is not None) == ("", True)
    assert theirs.reporter_phone == "13900000000"
    kinds = list(PrivacyAction.objects.order_by("id").values_list("kind", flat=True))
    assert kinds[:3] == [ActionKind.SEARCH, ActionKind.EXPORT, ActionKind.ANONYMISE]
    assert all(action.phone_masked == "138****5678" for action in PrivacyAction.objects.all())
    assert RevealLog.objects.filter(case=mine, reason="person_request").count() >= 3
    assert not RevealLog.objects.filter(case=theirs).exists()


def test_a_request_without_its_note_is_refused(client, people, categories, officer):
    called_in(people, categories, closed_years_ago=None)
    client.force_login(officer)
    response = client.post(reverse("privacy:person_request"), {"phone": "13812345678"})
    assert response.context["cases"] is None
    assert not RevealLog.objects.exists() and not PrivacyAction.objects.exists()
