from django import template

from cases import masking
from cases.workflow import action_label as _action_label

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return masking.mask_phone(value)


@register.filter
def mask_name(value: str) -> str:
    return masking.mask_name(value)


@register.filter
def action_label(action: str):
    """The translated label of a timeline action (立案, 派遣 …, or a system step)."""
    return _action_label(action)
