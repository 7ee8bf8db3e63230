from django import forms
from django.utils.translation import gettext_lazy as _


class CheckInForm(forms.Form):
    """What the page's script posts: the phone's position at the press, and a random key of the
    page, so that a resent form is one check-in. The position finds the grid and is dropped."""

    lon = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    client_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and (cleaned.get("lon") is None or cleaned.get("lat") is None):
            raise forms.ValidationError(
                _(
                    "Your browser sent no position. Allow this site to use your location, then "
                    "press the button again."
                )
            )
        return cleaned
