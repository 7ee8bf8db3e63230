"""The outbox: events the case services caused, and the messages (deliveries) they turn into.

An `OutboxEvent` is written in the same transaction as the timeline entry that caused it, so a
message exists exactly when the step it tells of was committed. Receivers are worked out and
messages sent afterwards, by the huey worker (`notify.services.deliver_due`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")
    SMS = "sms", _("SMS")


# The channels a person can subscribe on; webhooks are receivers of their own (`Webhook`).
PERSONAL_CHANNELS = [Channel.EMAIL, Channel.SMS]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboxEvent(models.Model):
    """One step a case service committed, waiting to be told to whoever should hear of it."""

    county_code = county_code_field()
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    # The department as the step left the case (the one dispatched to), as the timeline keeps it.
    department = models.ForeignKey(
        "staff.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    fanned_out_at = models.DateTimeField(_("receivers worked out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-id"]
        constraints = [county_id_unique("outboxevent")]
        indexes = [
            # Only the few events still waiting for their receivers: the sweep's one query.
            models.Index(
                fields=["id"],
                condition=Q(fanned_out_at__isnull=True),
                name="outboxevent_to_fan_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.action}"

    @property
    def idempotency_key(self) -> str:
        """The same for every message and every retry of this event: receivers drop repeats."""
        return f"{self.county_code}:{self.id}"


class Subscription(models.Model):
    """A staff member who wants to hear of cases in a region subtree and/or of one category."""

    county_code = county_code_field()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    region = models.ForeignKey(
        "territory.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cases in this region and below; empty: the whole county."),
    )
    category = models.ForeignKey(
        "cases.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Cases of this category and its subcategories; empty: every category."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=8,
        choices=[(channel.value, channel.label) for channel in PERSONAL_CHANNELS],
        default=Channel.EMAIL,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="zh-hans"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["user", "id"]
        constraints = [
            county_id_unique("subscription"),
            models.CheckConstraint(
                condition=Q(channel__in=PERSONAL_CHANNELS), name="subscription_personal_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region or '*'} · {self.category or '*'} · {self.channel}"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An outside system (a 12345 platform, a city hub) that receives every case event as JSON."""

    county_code = county_code_field()
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=128,
        default=new_webhook_secret,
        help_text=_("Shared with the receiver, which checks the X-Wangge-Signature header."),
    )
    region = models.ForeignKey(
        "territory.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only cases in this region and below; empty: the whole county."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]
        constraints = [county_id_unique("webhook")]

    def __str__(self) -> str:
        return self.name


class DeliveryQuerySet(models.QuerySet):
    def due(self, now) -> "DeliveryQuerySet":
        """Waiting for their (next) attempt, or claimed by a worker whose lease ran out (it was
        killed mid-send, or hangs)."""
        return self.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, leased_until__lt=now)
        )


class Delivery(models.Model):
    """One message about one event to one receiver, with its attempts."""

    county_code = county_code_field()
    event = models.ForeignKey(
        OutboxEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # An e-mail address, a phone number, or `webhook-<id>` (the URL is read when sending).
    recipient = models.CharField(_("recipient"), max_length=254)
    webhook = models.ForeignKey(
        Webhook,
        verbose_name=_("webhook"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    leased_until = models.DateTimeField(_("claimed by a worker until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-id"]
        constraints = [
            county_id_unique("delivery"),
            # A fan-out that runs twice (two workers, a retry) never doubles a message.
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="one_delivery_per_event_receiver"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.DELIVERED) | Q(delivered_at__isnull=False),
                name="delivery_delivered_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENDING) | Q(leased_until__isnull=False),
                name="delivery_sending_has_lease",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["status", "leased_until"], name="delivery_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.event.idempotency_key} {self.channel} → {self.recipient}"

    @property
    def idempotency_key(self) -> str:
        return self.event.idempotency_key
