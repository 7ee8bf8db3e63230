from django.contrib import admin

from .models import RevealLog


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    """Read only: the log is append-only (the officer's page filters and exports it)."""

    list_display = ["at", "user", "case", "field", "reason", "reason_text"]
    list_filter = ["field", "reason"]
    search_fields = ["case__code", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
