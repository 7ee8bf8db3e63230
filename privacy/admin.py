from django.contrib import admin

from .models import PrivacyAction, RevealLog


class RecordAdmin(admin.ModelAdmin):
    """Records are read, never written here: the services write them, the database keeps them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RevealLog)
class RevealLogAdmin(RecordAdmin):
    list_display = ["at", "user", "case", "field", "reason", "reason_text"]
    list_filter = ["field", "reason"]
    search_fields = ["case__code", "user__username"]


@admin.register(PrivacyAction)
class PrivacyActionAdmin(RecordAdmin):
    """Retention runs and people's requests, as they were recorded."""

    list_display = ["at", "kind", "user", "phone_masked", "case_count", "note"]
    list_filter = ["kind"]
