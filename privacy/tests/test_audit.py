"""Changes to configuration are recorded with before and after, and shown in the admin."""

from auditlog.models import LogEntry
from django.urls import reverse

from conftest import PASSWORD
from staff.models import Role, User


def test_a_role_change_made_in_the_admin_is_recorded_with_before_after_and_who(
    client, people, county
):
    root = User.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    worker = people["other_grid_worker"]
    form = client.get(reverse("admin:staff_user_change", args=[worker.pk])).context["adminform"]
    data = {
        key: value
        for key, value in form.form.initial.items()
        if value is not None and key not in ("password", "last_login", "date_joined")
    }
    data |= {
        "role": Role.OPERATOR,
        "region": worker.region.parent_id,  # promoted to the village centre
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "groups": [],
        "user_permissions": [],
    }
    response = client.post(reverse("admin:staff_user_change", args=[worker.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry = LogEntry.objects.get_for_object(worker).latest("timestamp")
    assert entry.actor == root
    assert entry.changes_dict["role"] == [Role.GRID_WORKER, Role.OPERATOR]
    assert "password" not in entry.changes_dict
    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert listing.status_code == 200 and worker.username in listing.content.decode()


def test_category_routing_and_department_changes_are_recorded(categories, departments):
    rubbish = categories["rubbish"]
    rubbish.handle_limit = 2
    rubbish.save()
    departments["urban"].email = "cgj@chenggu.example"
    departments["urban"].save()
    rule = rubbish.parent.routing_rules.get()
    rule.level = "county"
    rule.save()
    assert LogEntry.objects.get_for_object(rubbish).latest("timestamp").changes_dict[
        "handle_limit"
    ] == ["4", "2"]
    assert LogEntry.objects.get_for_object(departments["urban"]).exists()
    assert LogEntry.objects.get_for_object(rule).latest("timestamp").changes_dict["level"] == [
        "town",
        "county",
    ]
