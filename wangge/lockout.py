"""Login lockout (django-axes): whose failures count, when they lock, and what the user is told.

The policy (docs/deploy.md, "Logins and sessions"): an account is locked after
AXES_FAILURE_LIMIT failed logins from any address, so guessing one person's password from many
addresses gains nothing; an address is locked, for every account, after
LOGIN_FAILURE_LIMIT_PER_ADDRESS failures on any accounts. The address limit is higher because a town office or a mobile carrier puts many
honest people behind one address. Both lift after AXES_COOLOFF_TIME without a new failure.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from .forms import LoginForm


def client_address(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: the address whose failures are counted.

    Behind nginx (docs/deploy.md) every request comes from 127.0.0.1, and locking that would lock
    everybody: take the address nginx appended to X-Forwarded-For instead, but only from the
    proxies gunicorn trusts too (FORWARDED_ALLOW_IPS); anyone else could write the header."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    trusted = settings.LOGIN_TRUSTED_PROXIES
    if forwarded and ("*" in trusted or remote in trusted):
        return forwarded.rsplit(",", 1)[-1].strip()
    return remote


class AccountOrAddressHandler(AxesDatabaseHandler):
    """Axes's database handler with a limit of its own for each lockout parameter.

    Axes compares one count with one limit (AXES_FAILURE_LIMIT, the account's), so the address's
    count is scaled to that limit: it reaches it exactly when the address reaches its own."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limits = {
            "username": settings.AXES_FAILURE_LIMIT,
            "ip_address": settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
        }
        attempts_per_parameter = self.get_user_attempts(request, credentials)
        failures = [0]
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, attempts_per_parameter, strict=True
        ):
            count = attempts.aggregate(count=Sum("failures_since_start"))["count"] or 0
            failures.append(count * settings.AXES_FAILURE_LIMIT // limits[parameter])
        return max(failures)


def lockout_message(minutes: int) -> str:
    return ngettext(
        "Too many failed logins: this account or this computer's address is locked for "
        "%(minutes)s minute. Try again later, or ask an administrator to unlock it.",
        "Too many failed logins: this account or this computer's address is locked for "
        "%(minutes)s minutes. Try again later, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request: HttpRequest, original_response, credentials: dict | None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, saying why and for how long (429)."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    context = {
        "form": LoginForm(request, initial={"username": get_client_username(request, credentials)}),
        "lockout": lockout_message(minutes),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)
