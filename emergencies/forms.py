"""What an emergency's report (接报) asks beside the case: severity, warning, toll, a contact."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import EmergencyDetail

PHONE = RegexValidator(r"^[0-9+\- ]{5,20}$", _("Give a phone number: digits, + and - only."))


class EmergencyForm(forms.ModelForm):
    class Meta:
        model = EmergencyDetail
        fields = [
            "severity",
            "warning",
            "deaths",
            "injured",
            "missing",
            "affected",
            "contact_name",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].validators.append(PHONE)
        self.fields["severity"].help_text = _(
            "Level III (较大) and above go straight to the county centre; the reports up are due "
            "within the minutes the county's rules set."
        )
        self.fields["contact_name"].help_text = _(
            "Only for the response; removed a year after the emergency is closed."
        )

    def _save_m2m(self):
        """Called by the core once the detail is saved with its case: the report deadlines."""
        from .services import set_deadlines

        super()._save_m2m()
        set_deadlines(self.instance)
        self.instance.save(update_fields=["first_report_due", "written_report_due"])
