from django import template

from privacy.forms import RevealForm
from privacy.registry import BY_KEY
from privacy.selectors import may_reveal

register = template.Library()


@register.inclusion_tag("privacy/_personal.html", takes_context=True)
def personal_field(context, case, key: str, item=None) -> dict:
    """A personal field of a case (or of one row of it, `item`, such as a party to a dispute),
    masked, with the reveal control for those who may reveal it."""
    personal = BY_KEY[key]
    user = context["request"].user
    item_id = getattr(item, "pk", None)
    value = getattr(item, personal.field) if item is not None else getattr(case, personal.field)
    prefix = key.replace(".", "_") + (f"_{item_id}" if item_id else "")
    return {
        "case": case,
        "personal": personal,
        "item": item_id,
        "masked": personal.mask(value),
        "may_reveal": may_reveal(user, case, personal),
        "form": RevealForm(auto_id=f"id_{prefix}_%s"),
        "csrf_token": context.get("csrf_token"),
    }
