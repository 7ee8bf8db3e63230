"""Personal fields are masked wherever shown; a reveal needs a role, a reason, and is logged."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases.models import Source
from cases.services import report_case
from conftest import IN_FIRST_GRID, PASSWORD
from privacy.models import RevealLog
from privacy.registry import PERSONAL_FIELDS
from staff.models import User

PHONE = "13812345678"


@pytest.fixture
def called_in(people, categories):
    """A 12345 call the town operator took down, with the caller's name and phone."""
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["town_operator"],
        category=categories["rubbish"],
        description="来电反映：路边垃圾",
        lon=lon,
        lat=lat,
        source=Source.HOTLINE,
        reporter_name="王建国",
        reporter_phone=PHONE,
    )


def reveal(client, case, key="case.reporter_phone", **data):
    return client.post(reverse("privacy:reveal", args=[case.code, key]), data)


def test_the_case_page_masks_the_contact_and_offers_a_reveal_only_to_those_allowed(
    client, people, called_in
):
    offers = {"town_operator": True, "urban_handler": True, "grid_worker": False, "leader": False}
    for name, offered in offers.items():
        client.force_login(people[name])
        page = client.get(reverse("cases:detail", args=[called_in.code])).content.decode()
        assert PHONE not in page and "王建国" not in page
        assert "138****5678" in page and "王**" in page
        assert ('class="reveal"' in page) == offered, name


def test_a_reveal_without_a_reason_is_refused_and_not_logged(client, people, called_in):
    client.force_login(people["town_operator"])
    for data in ({}, {"reason": "other", "reason_text": "  "}, {"reason": "curiosity"}):
        response = reveal(client, called_in, **data)
        assert response.status_code == 400
        assert PHONE not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_a_reveal_with_a_reason_shows_the_value_and_logs_who_when_what_and_why(
    client, people, called_in
):
    client.force_login(people["town_operator"])
    response = reveal(client, called_in, reason="call_back")
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    entry = RevealLog.objects.get()
    assert (entry.user, entry.case, entry.field, entry.reason, entry.county_code) == (
        people["town_operator"], called_in, "case.reporter_phone", "call_back", "610722"
    )  # fmt: skip


def test_a_role_without_the_right_or_outside_the_case_cannot_reveal(client, people, called_in):
    client.force_login(people["leader"])  # sees the case, may not reveal
    assert reveal(client, called_in, reason="call_back").status_code == 400
    client.force_login(people["other_town_operator"])  # may reveal, but not this town's case
    assert reveal(client, called_in, reason="call_back").status_code == 404
    client.force_login(people["town_operator"])  # the point is not a field a page reveals
    assert reveal(client, called_in, key="case.point", reason="call_back").status_code == 404
    assert not RevealLog.objects.exists()


def test_the_reveal_log_cannot_be_changed_even_in_sql(client, people, called_in):
    client.force_login(people["town_operator"])
    reveal(client, called_in, reason="call_back")
    entry = RevealLog.objects.get()
    with pytest.raises(ValueError):
        entry.save()
    for statement in (
        "UPDATE privacy_reveallog SET reason = 'other' WHERE id = %s",
        "DELETE FROM privacy_reveallog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert RevealLog.objects.get().reason == "call_back"


def test_the_officer_filters_and_exports_the_log_and_nobody_else_reads_it(
    client, people, called_in
):
    client.force_login(people["town_operator"])
    reveal(client, called_in, reason="outcome")
    reveal(client, called_in, key="case.reporter_name", reason="other", reason_text="核实身份")

    client.force_login(people["county_operator"])
    assert client.get(reverse("privacy:log")).status_code == 403

    officer = User.objects.create_user("pi_officer", password=PASSWORD, role="leader",
                                       region=people["leader"].region)  # fmt: skip
    officer.user_permissions.add(Permission.objects.get(codename="view_reveallog"))
    client.force_login(officer)
    page = client.get(reverse("privacy:log"), {"field": "case.reporter_name"})
    assert page.status_code == 200
    assert [entry.field for entry in page.context["page"]] == ["case.reporter_name"]
    export = client.get(reverse("privacy:log"), {"case_code": called_in.code, "export": "csv"})
    rows = export.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 3 and "核实身份" in export.content.decode("utf-8-sig")
    assert PHONE not in export.content.decode("utf-8-sig")


def test_the_admin_shows_the_reporter_masked(client, people, called_in):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    page = client.get(reverse("admin:cases_case_change", args=[called_in.pk])).content.decode()
    assert "138****5678" in page
    assert PHONE not in page and "王建国" not in page


def test_every_personal_field_is_on_the_registry_page_and_in_the_privacy_document(client, people):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD))
    page = client.get(reverse("privacy:fields")).content.decode()
    document = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text()
    for personal in PERSONAL_FIELDS:
        assert personal.key in page
        assert f"`{personal.key}`" in document
