from django import template
from django.utils import timezone

from emergencies.selectors import countdowns

register = template.Library()


@register.simple_tag
def emergency_countdowns(detail) -> list:
    """The reports the emergency still owes, with the time left now."""
    return countdowns(detail, timezone.now())
