from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RevealReason
from .registry import PERSONAL_FIELDS


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need it?"),
        choices=[("", "---------"), *RevealReason.choices],
        error_messages={"required": _("Give the reason for revealing it.")},
    )
    reason_text = forms.CharField(label=_("In words"), max_length=200, required=False)


class RevealLogFilterForm(forms.Form):
    username = forms.CharField(label=_("User"), max_length=150, required=False)
    case_code = forms.CharField(label=_("Case number"), max_length=20, required=False)
    field = forms.ChoiceField(
        label=_("Field"),
        required=False,
        choices=[("", _("All fields"))]
        + [(personal.key, personal.label) for personal in PERSONAL_FIELDS if personal.mask],
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PersonRequestForm(forms.Form):
    phone = forms.CharField(label=_("Phone number"), max_length=20)
    note = forms.CharField(
        label=_("The request"),
        max_length=200,
        help_text=_(
            "Who asked, when and how (e.g. letter of 2026-12-01, ID checked at the window)."
        ),
    )
