"""The outbox in the admin: read-only lists of events and deliveries, editable receivers."""

import pytest

from notify.models import Delivery, OutboxEvent, Subscription, Webhook
from notify.services import fan_out

from .conftest import report_rubbish


@pytest.fixture
def admin_client(client, people):
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    return client


def test_every_outbox_page_opens_and_the_outbox_cannot_be_edited(
    admin_client, people, categories, webhook
):
    case = report_rubbish(people, categories)
    event = OutboxEvent.objects.get(case=case)
    fan_out(event)
    delivery = Delivery.objects.get()
    Subscription.objects.create(user=people["county_operator"])
    for url in [
        "/admin/notify/outboxevent/",
        f"/admin/notify/outboxevent/{event.pk}/change/",
        "/admin/notify/delivery/",
        f"/admin/notify/delivery/{delivery.pk}/change/",
        "/admin/notify/subscription/",
        "/admin/notify/subscription/add/",
        "/admin/notify/webhook/",
        f"/admin/notify/webhook/{webhook.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert case.code in admin_client.get("/admin/notify/delivery/").content.decode()
    assert admin_client.get("/admin/notify/delivery/add/").status_code == 403
    assert admin_client.get("/admin/notify/outboxevent/add/").status_code == 403
    response = admin_client.post(f"/admin/notify/delivery/{delivery.pk}/change/", {"body": "x"})
    assert response.status_code == 403
    assert Delivery.objects.get().body == delivery.body


def test_an_administrator_adds_a_webhook(admin_client, county):
    response = admin_client.post(
        "/admin/notify/webhook/add/",
        {
            "name": "市 12345",
            "url": "hub.example/wangge",
            "secret": "s3cret-shared-with-the-hub",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Webhook.objects.get().url == "https://hub.example/wangge"
