"""Logging in and changing one's password: Django's views with our form and templates."""

from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data["shared_computer"]:
            # The cookie lasts until the browser closes; the idle limit still applies.
            self.request.session.set_expiry(0)
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Every user changes their own password here; their other sessions end (Django checks the
    password hash kept in each session), this one goes on."""

    template_name = "registration/change_password.html"
    success_url = reverse_lazy("cases:inbox")
    success_message = _("Your password has been changed.")
