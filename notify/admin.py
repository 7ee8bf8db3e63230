from django.contrib import admin, messages
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Delivery, OutboxEvent, Subscription, Webhook
from .services import retry_deliveries


class ReadOnlyAdmin(admin.ModelAdmin):
    """The outbox is written by the services only: the admin shows it and retries, nothing else."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "case_code",
        "action",
        "channel",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "short_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "event__case__code"]
    list_select_related = ["event__case"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    @admin.display(description=_("case"), ordering="event__case__code")
    def case_code(self, delivery: Delivery) -> str:
        return delivery.event.case.code

    @admin.display(description=_("action"), ordering="event__action")
    def action(self, delivery: Delivery) -> str:
        return delivery.event.action

    @admin.display(description=_("last error"))
    def short_error(self, delivery: Delivery) -> str:
        return Truncator(delivery.last_error).chars(80)

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset):
        count = retry_deliveries(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s message will be sent again now.",
                "%(count)s messages will be sent again now.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_change_permission(self, request, obj=None):
        # The "retry now" action needs change permission; the form itself stays read-only.
        return obj is None and request.user.has_perm("notify.change_delivery")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Delivery._meta.fields]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "case", "action", "from_status", "to_status", "at", "fanned_out_at"]
    list_filter = ["action"]
    search_fields = ["case__code"]
    list_select_related = ["case"]
    date_hierarchy = "at"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    fields = ["user", "region", "category", "channel", "language", "is_active"]
    list_display = fields
    list_filter = ["channel", "language", "is_active"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user", "region"]
    list_select_related = ["user", "region", "category"]


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    fields = ["name", "url", "secret", "region", "is_active"]
    list_display = ["name", "url", "region", "is_active"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    raw_id_fields = ["region"]
