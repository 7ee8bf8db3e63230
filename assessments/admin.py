from django.contrib import admin

from .forms import FilingForm
from .models import Campaign, Filing


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "theme", "starts_on", "ends_on", "owner"]
    list_filter = ["theme"]
    filter_horizontal = ["regions"]
    exclude = ["county_code"]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    form = FilingForm
    list_display = ["name", "kind", "owner", "risk", "decision", "status", "filed_on"]
    list_filter = ["kind", "risk", "decision", "status"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
