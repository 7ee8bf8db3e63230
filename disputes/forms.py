"""The facts a dispute's intake (受理登记) asks beside the case: scale, risk, body and the two sides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisputeDetail, DisputeParty, Side

PARTY_FIELDS = (
    ("applicant", Side.APPLICANT, _("Party A (applicant)")),
    ("respondent", Side.RESPONDENT, _("Party B (respondent)")),
)


class DisputeForm(forms.ModelForm):
    """The dispute's details and its two parties; more parties are added on the case page."""

    class Meta:
        model = DisputeDetail
        fields = ["risk", "people_involved", "amount_involved", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix, _side, label in PARTY_FIELDS:
            self.fields[f"{prefix}_name"] = forms.CharField(
                label=_("%(party)s: name") % {"party": label},
                max_length=40,
                error_messages={"required": _("Name both sides of the dispute.")},
            )
            self.fields[f"{prefix}_phone"] = forms.CharField(
                label=_("%(party)s: phone") % {"party": label}, max_length=20, required=False
            )
        self.fields["risk"].help_text = _(
            "High: it may turn violent or involve many people; it goes to the town centre at once."
        )

    def _save_m2m(self):
        """Called by the core after the detail is saved with its case (cases.services)."""
        super()._save_m2m()
        case = self.instance.case
        for prefix, side, _label in PARTY_FIELDS:
            DisputeParty.objects.create(
                county_code=case.county_code,
                case=case,
                side=side,
                name=self.cleaned_data[f"{prefix}_name"],
                phone=self.cleaned_data[f"{prefix}_phone"],
            )
