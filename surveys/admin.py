from django.contrib import admin

from .models import (
    Activity,
    ActivityPhoto,
    ActivityType,
    Choice,
    Measure,
    Question,
    SamplingFrame,
    Survey,
)


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    exclude = ["county_code"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "order"]
    exclude = ["county_code"]


class PhotoInline(admin.TabularInline):
    model = ActivityPhoto
    exclude = ["county_code"]
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "kind", "town", "audience", "audience_size"]
    list_filter = ["kind", "audience"]
    search_fields = ["title", "place", "organiser"]
    date_hierarchy = "held_on"
    exclude = ["county_code"]
    readonly_fields = ["recorded_by", "recorded_at"]
    inlines = [PhotoInline]

    def save_model(self, request, obj, form, change):
        obj.town = obj.region if obj.region.level == "town" else obj.region.parent
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class QuestionInline(admin.TabularInline):
    model = Question
    exclude = ["county_code"]
    show_change_link = True  # its choices are edited on the question's own page
    extra = 0


class FrameInline(admin.TabularInline):
    model = SamplingFrame
    exclude = ["county_code"]
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on", "scope", "status", "public_key"]
    list_filter = ["status"]
    exclude = ["county_code"]
    readonly_fields = ["public_key"]
    inlines = [QuestionInline, FrameInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    exclude = ["county_code"]
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "survey", "order", "measure", "required"]
    list_filter = ["survey", "measure"]
    exclude = ["county_code"]
    inlines = [ChoiceInline]
