"""What an application asks beside its case (the applicant, what they handed in); the window's
registration; a referral to the social-psychological service."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cases.models import Category
from territory.models import Level, Region

from .models import Concern, CounsellingStatus, ServiceApplication

PHONE = RegexValidator(r"^[0-9+\- ]{5,20}$", _("Give a phone number: digits, + and - only."))


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = ServiceApplication
        fields = ["applicant_name", "applicant_phone", "documents_brought"]
        widgets = {"documents_brought": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant_name"].required = True
        self.fields["applicant_name"].error_messages["required"] = _("Name the applicant.")
        self.fields["applicant_phone"].validators.append(PHONE)
        self.fields["applicant_phone"].help_text = _(
            "To tell the applicant the result; masked on every page."
        )
        self.fields["documents_brought"].help_text = _(
            "The documents received, as the service guide lists them."
        )


class WindowRegistrationForm(forms.Form):
    """An applicant at the window: the item, where they live (their village), the application."""

    item = forms.ModelChoiceField(
        label=_("Service item"),
        queryset=Category.objects.none(),
        to_field_name="code",
        error_messages={
            "required": _("Choose the service item."),
            "invalid_choice": _("Choose an item of the catalogue."),
        },
    )
    village = forms.ModelChoiceField(
        label=_("Applicant's village or community"),
        queryset=Region.objects.filter(level=Level.VILLAGE).order_by("code"),
        to_field_name="code",
        error_messages={
            "required": _("Choose the applicant's village or community."),
            "invalid_choice": _("Choose a village or community of this county."),
        },
    )
    description = forms.CharField(
        label=_("What is applied for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what is applied for.")},
    )

    def __init__(self, *args, items, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["village"].queryset = villages


class ReferralForm(forms.Form):
    town = forms.ModelChoiceField(
        label=_("Town"),
        queryset=Region.objects.filter(level=Level.TOWN).order_by("code"),
        to_field_name="code",
        error_messages={"required": _("Choose the town.")},
    )
    concern = forms.ChoiceField(label=_("Concern"), choices=Concern.choices)
    consent = forms.BooleanField(
        label=_("The person agreed to be contacted by a counsellor"),
        required=True,
        error_messages={"required": _("Refer only someone who agreed to be contacted.")},
    )
    name = forms.CharField(label=_("Name or how to address them"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[PHONE])
    notes = forms.CharField(
        label=_("What the counsellor should know"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CounsellingUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CounsellingStatus.choices)
    sessions = forms.IntegerField(label=_("Sessions held"), min_value=0, max_value=200)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
