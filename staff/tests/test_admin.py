"""Users in the admin: no silent role, and staff deactivated rather than deleted."""

import pytest
from django.urls import reverse

from cases.selectors import cases_visible_to
from cases.services import report_case
from conftest import IN_FIRST_GRID, PASSWORD
from staff.models import Role, User
from territory.models import Region


@pytest.fixture
def admin_client(client, people):
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    return client


def add_user(client, **work):
    return client.post(
        reverse("admin:staff_user_add"),
        {"username": "new_clerk", "password1": "Zq8!river-stone", "password2": "Zq8!river-stone",
         "usable_password": "true", **work},
    )  # fmt: skip


def test_the_add_user_form_asks_for_a_role_and_gives_none_by_default(admin_client):
    page = admin_client.get(reverse("admin:staff_user_add")).content.decode()
    assert 'name="role"' in page and 'name="region"' in page
    assert '<option value="" selected>' in page  # no role chosen for you

    refused = add_user(admin_client)
    assert refused.status_code == 200
    assert not User.objects.filter(username="new_clerk").exists()

    county = Region.objects.get(code="610722")
    made = add_user(admin_client, role=Role.LEADER, region=county.pk)
    assert made.status_code == 302
    assert User.objects.get(username="new_clerk").role == Role.LEADER


def test_a_user_without_a_role_reaches_no_case_even_with_a_region(people, categories):
    lon, lat = IN_FIRST_GRID
    report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat,
    )  # fmt: skip
    nobody = User.objects.create_user(
        "nobody", password=PASSWORD, region=Region.objects.get(code="610722")
    )
    assert nobody.role == ""
    assert not cases_visible_to(nobody).exists()
    assert cases_visible_to(people["leader"]).count() == 1


def test_deleting_a_user_on_a_timeline_is_refused_with_a_message_not_a_crash(
    admin_client, people, categories
):
    lon, lat = IN_FIRST_GRID
    report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat,
    )  # fmt: skip
    worker = people["grid_worker"]
    url = reverse("admin:staff_user_delete", args=[worker.pk])
    for response in (
        admin_client.get(url, follow=True),
        admin_client.post(url, {"post": "yes"}, follow=True),
    ):
        assert response.status_code == 200
        assert [message.level_tag for message in response.context["messages"]] == ["warning"]
        assert response.resolver_match.url_name == "staff_user_change"
    assert User.objects.filter(pk=worker.pk, is_active=True).exists()
    changelist = admin_client.get(reverse("admin:staff_user_changelist")).content.decode()
    assert "delete_selected" not in changelist
