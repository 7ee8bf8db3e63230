"""Who may open which case, tried over HTTP: every named role against random demo cases (fixed
seed), case pages and photos, checked against the rules written out here by hand."""

import io
import random
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.demo import generate_demo_cases
from cases.models import Case, CasePhoto
from cases.worktime import LOCAL

NOW = datetime(2026, 11, 24, 15, 30, tzinfo=LOCAL)
PAIRS = 480


def may_open(user, case: Case) -> bool:
    """The access rules, as a county would state them (kept apart from cases/scopes.py)."""
    if not user.is_active:
        return False
    if user.role == "admin" or (user.region and user.region.level == "county"):
        return True
    if user.role == "handler":
        return case.department_id == user.department_id or case.assignee_id == user.pk
    mine = {"town": case.town_id, "village": case.village_id, "grid": case.grid_id}
    return case.reporter_id == user.pk or mine[user.region.level] == user.region_id


@pytest.fixture
def demo(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    generate_demo_cases(300, seed=11, days=40, now=NOW)
    people["informant"].is_active = False  # a deactivated account reaches nothing
    people["informant"].save()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buffer, "PNG")
    cases = list(Case.objects.all())
    for case in cases[::4]:
        CasePhoto.objects.create(
            case=case, image=SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")
        )
    return cases


def test_no_user_opens_a_case_or_photo_out_of_scope_and_everyone_opens_their_own(
    client, people, demo
):
    rng = random.Random(2026)
    users = list(people.values())
    seen = {True: 0, False: 0}
    for _pair in range(PAIRS):
        user, case = rng.choice(users), rng.choice(demo)
        client.force_login(user)
        allowed = may_open(user, case)
        page = client.get(f"/cases/{case.code}/")
        expected = 200 if allowed else (302 if not user.is_active else 404)
        assert page.status_code == expected, (user.username, case.code)
        photo = case.photos.first()
        if photo is not None:
            served = client.get(f"/cases/{case.code}/photos/{photo.pk}/")
            assert served.status_code == expected, (user.username, case.code, "photo")
        seen[allowed] += 1
    assert seen[True] > 50 and seen[False] > 50  # both sides of the rule were tried
