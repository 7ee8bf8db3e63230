"""Changing an indicator: never in place, always a new version from a moment on, so that a
figure published before can be recomputed with the rule it was published with."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Indicator


@transaction.atomic
def revise_indicator(indicator: Indicator, valid_from=None) -> Indicator:
    """Save the edited `indicator` as the next version of its code, in force from `valid_from`
    (now by default); the version it was edited from stays as it was."""
    latest = Indicator.objects.filter(code=indicator.code).aggregate(Max("version"))
    indicator.pk = None
    indicator._state.adding = True
    indicator.version = (latest["version__max"] or 0) + 1
    indicator.valid_from = valid_from or timezone.now()
    indicator.save()
    return indicator
