from django import template
from django.utils.html import escape

register = template.Library()


@register.simple_tag
def query_for(view, **changes) -> str:
    """The command centre's address query for `view` with some of it changed (region=…)."""
    return escape(view.query(**changes))
