"""Forms of safe-unit creation: the units list's filters, the inspection (one pass/fail toggle per
checklist item, for a phone), registering a unit, and the hazard kind's (empty) detail form."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.fields import MAX_PHOTOS, MultipleImageField
from territory.counties import instance_county
from territory.models import Level, Region

from .models import ChecklistItem, HazardDetail, SafeStatus, Sector, Unit
from .services import Answer

PASS, FAIL = "pass", "fail"


class HazardForm(forms.ModelForm):
    """A hazard reported on the report form asks nothing more; one found at an inspection is
    linked to its unit, inspection and item by `record_inspection`."""

    class Meta:
        model = HazardDetail
        fields: list[str] = []


class UnitFilterForm(forms.Form):
    sector = forms.ModelChoiceField(
        label=_("Sector"), required=False, queryset=Sector.objects.none(), empty_label=_("All")
    )
    town = forms.ModelChoiceField(
        label=_("Town"), required=False, queryset=Region.objects.none(), empty_label=_("All towns")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *SafeStatus.choices]
    )
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or address")}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)
        area = user.region if user.region_id else instance_county()
        if area.level in (Level.COUNTY,):
            towns = Region.objects.subtree(area).filter(level=Level.TOWN).order_by("code")
            self.fields["town"].queryset = towns
        else:
            del self.fields["town"]

    def filter(self, units: QuerySet[Unit]) -> QuerySet[Unit]:
        """The units matching the valid filters; an invalid filter is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("sector"):
            units = units.filter(sector=data["sector"])
        if data.get("town"):
            units = units.filter(town=data["town"])
        if data.get("status"):
            units = units.filter(status=data["status"])
        words = (data.get("q") or "").strip()
        if words:
            units = units.filter(Q(name__contains=words) | Q(address__contains=words))
        return units


class InspectionForm(forms.Form):
    """检查: a pass/fail toggle for each item of the unit's checklist, a note and photos for a
    failed one (they go to its hazard case), and the inspection's own note and photos."""

    note = forms.CharField(
        label=_("Note on the inspection"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleImageField(
        label=_("Photos of the inspection"),
        required=False,
        help_text=_("The site as found. Up to %(count)s images.") % {"count": MAX_PHOTOS},
    )

    def __init__(self, *args, items: list[ChecklistItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item-{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=[
                    (PASS, pgettext_lazy("inspection result", "Pass")),
                    (FAIL, pgettext_lazy("inspection result", "Fail")),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Say whether “%(item)s” passed or failed.") % {"item": item.text}
                },
            )
            self.fields[f"note-{item.pk}"] = forms.CharField(
                label=_("What was found"), required=False, max_length=500
            )
            self.fields[f"photos-{item.pk}"] = MultipleImageField(
                label=_("Photos of the hazard"), required=False
            )

    def rows(self):
        """(item, its toggle, its note, its photos) for the template, in the checklist's order."""
        return [
            (item, self[f"item-{item.pk}"], self[f"note-{item.pk}"], self[f"photos-{item.pk}"])
            for item in self.items
        ]

    def clean(self):
        cleaned = super().clean()
        missing = [item for item in self.items if f"item-{item.pk}" in self.errors]
        if missing:
            raise forms.ValidationError(
                _("%(count)s items have no result: mark each one pass or fail.")
                % {"count": len(missing)}
            )
        return cleaned

    def answers(self) -> dict[int, Answer]:
        data = self.cleaned_data
        return {
            item.pk: Answer(
                passed=data[f"item-{item.pk}"] == PASS,
                note=data.get(f"note-{item.pk}", ""),
                photos=data.get(f"photos-{item.pk}") or (),
            )
            for item in self.items
        }


class UnitForm(forms.Form):
    """登记: a unit's name, sector, address and place (picked on the map)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lon") is None or cleaned.get("lat") is None:
            self.add_error("lon", _("Pick the place on the map, or press “Use my location”."))
        return cleaned
