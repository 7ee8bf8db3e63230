from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Filing, Method, RiskDetail


class RiskForm(forms.ModelForm):
    """What a risk found in screening adds to its report: its level and the campaign it is for."""

    class Meta:
        model = RiskDetail
        fields = ["level", "campaign"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Running campaigns first; whether it ran on the day of the report is checked by
        # assessments.services.on_report (a risk filed later for its day keeps its campaign).
        self.fields["campaign"].queryset = Campaign.objects.order_by("-ends_on", "name")
        self.fields["campaign"].help_text = _("The screening campaign that found it.")


class FilingForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("Methods used"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one method of the list.")},
    )

    class Meta:
        model = Filing
        fields = [
            "name", "owner", "kind", "assessor", "methods", "legality", "reasonableness",
            "feasibility", "controllability", "risk", "mitigation", "decision", "status",
            "filed_on", "document",
        ]  # fmt: skip
        widgets = {
            "filed_on": forms.DateInput(attrs={"type": "date"}),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in ("legality", "reasonableness", "feasibility", "controllability")
            },
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }
