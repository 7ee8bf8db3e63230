from django.contrib import admin

from .models import Indicator, ScoreComponent
from .services import revise_indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """An edit saves a new version (command.services.revise_indicator); old ones stay."""

    list_display = ["code", "name", "version", "valid_from", "numerator", "denominator", "unit"]
    list_filter = ["code"]
    readonly_fields = ["version", "valid_from"]

    def save_model(self, request, obj, form, change):
        if change:
            revise_indicator(obj)
        else:
            super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a published figure must stay recomputable


@admin.register(ScoreComponent)
class ScoreComponentAdmin(admin.ModelAdmin):
    """The county's composite score, published with the league tables (/command/league/)."""

    list_display = ["indicator_code", "weight", "higher_is_better", "order"]
    list_editable = ["weight", "higher_is_better", "order"]
