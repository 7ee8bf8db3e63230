"""The demo's receivers: a webhook standing in for a 12345 platform, and the county centre's
subscription. Run `manage.py receive_webhooks` to see what the webhook gets."""

from django.conf import settings
from django.db import transaction

from staff.models import User

from .models import Channel, Subscription, Webhook

DEMO_WEBHOOK_NAME = "12345 热线平台（演示）"


@transaction.atomic
def create_demo_receivers() -> tuple[Webhook, Subscription | None]:
    """Idempotent: running the demo loader again updates the URL and secret from the settings."""
    webhook, _created = Webhook.objects.update_or_create(
        name=DEMO_WEBHOOK_NAME,
        defaults={
            "url": settings.WANGGE_DEMO_WEBHOOK_URL,
            "secret": settings.WANGGE_DEMO_WEBHOOK_SECRET,
            "is_active": True,
        },
    )
    operator = User.objects.filter(username="county_operator").first()
    if operator is None:
        return webhook, None
    if not operator.email:
        operator.email = "county_operator@chenggu.example"
        operator.save(update_fields=["email"])
    # The whole county, every category: the demo's e-mails land in var/mail.
    subscription, _created = Subscription.objects.get_or_create(
        user=operator, region=None, category=None, channel=Channel.EMAIL
    )
    return webhook, subscription
