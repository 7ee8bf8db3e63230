from django import template

from privacy.forms import RevealForm
from privacy.registry import BY_KEY
from privacy.selectors import may_reveal

register = template.Library()


@register.inclusion_tag("privacy/_personal.html", takes_context=True)
def personal_field(context, case, key: str) -> dict:
    """A personal field of a case, masked, with the reveal control for those who may reveal it."""
    personal = BY_KEY[key]
    user = context["request"].user
    return {
        "case": case,
        "personal": personal,
        "masked": personal.mask(getattr(case, personal.field)),
        "may_reveal": may_reveal(user, case, personal),
        "form": RevealForm(auto_id=f"id_{key.replace('.', '_')}_%s"),
        "csrf_token": context.get("csrf_token"),
    }
