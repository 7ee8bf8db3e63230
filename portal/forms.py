"""The residents' forms: the report, "me too", the rating. Every field is optional that the
handling does not need; what a resident leaves of themselves is asked for with its reason."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from cases.fields import MultipleImageField

from .groups import public_leaf_categories
from .models import Satisfaction

MAX_RESIDENT_PHOTOS = 3

# Messages go by SMS: a mainland mobile number, 11 digits from 1.
mobile_validator = RegexValidator(
    r"^1\d{10}$", _("Enter an 11-digit mobile number, such as 13912345678.")
)


class ContactForm(forms.Form):
    """Who to tell, all optional (PIPL Art. 17: the page says why and for how long)."""

    name = forms.CharField(label=_("Your name"), max_length=40, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=120,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ChallengeForm(forms.Form):
    """The sum a sender near the limit works out (portal.challenge); added only then."""

    challenge_token = forms.CharField(widget=forms.HiddenInput, required=False)
    challenge_answer = forms.CharField(
        label=_("Your answer"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ResidentReportForm(ContactForm, ChallengeForm):
    category = forms.ModelChoiceField(
        label=_("What kind of problem?"),
        queryset=public_leaf_categories(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of problem it is."),
            "invalid_choice": _("Choose what kind of problem it is."),
        },
    )
    description = forms.CharField(
        label=_("What is wrong?"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": _("e.g. the lamp by the school gate has been out for three nights"),
            }
        ),
        error_messages={"required": _("Say in a few words what is wrong.")},
    )
    address = forms.CharField(
        label=_("Landmark (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. opposite the supermarket")}),
    )
    photos = MultipleImageField(
        label=_("Photos (optional, up to 3)"), required=False, max_count=MAX_RESIDENT_PHOTOS
    )
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    # Set once the resident has seen the open cases near the place and sends a report anyway.
    checked_nearby = forms.BooleanField(widget=forms.HiddenInput, required=False)

    field_order = ["category", "description", "address", "photos", "name", "phone", "email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("lon") is None or cleaned.get("lat") is None:
            self.add_error("lon", _("Pick the place on the map, or press “Use my location”."))
        return cleaned


class RatingForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("How was it handled?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the three.")},
    )
    not_fixed = forms.BooleanField(label=_("The problem is not fixed"), required=False)
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
