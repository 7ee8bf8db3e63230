from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form, with 公用电脑: a shared computer's login ends when the browser closes."""

    shared_computer = forms.BooleanField(
        label=_("Shared computer"),
        help_text=_("Log me out when the browser closes."),
        required=False,
    )
