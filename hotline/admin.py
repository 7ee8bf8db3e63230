from django.contrib import admin

from .models import HotlineOrder, ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Read only: an import's record is what happened."""

    list_display = [
        "file_name",
        "created_at",
        "uploaded_by",
        "state",
        "total_rows",
        "created",
        "skipped",
        "failed",
    ]
    list_filter = ["state"]
    exclude = ["workbook"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HotlineOrder)
class HotlineOrderAdmin(admin.ModelAdmin):
    list_display = ["order_number", "case", "received_at", "batch"]
    search_fields = ["order_number", "case__code"]
    raw_id_fields = ["case", "batch"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
