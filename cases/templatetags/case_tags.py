from django import template
from django.utils.translation import gettext as _

from cases import masking
from cases.workflow import RATING_WORDS
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


@register.simple_tag
def time_left(case, now) -> dict | None:
    """How long until the deadline that applies now, or how long past it: for the queue's
    "time left" column (wall-clock time; the deadline itself was set in working time)."""
    deadline = case.current_deadline()
    if deadline is None:
        return None
    seconds = abs((deadline - now).total_seconds())
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        span = _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    elif hours:
        span = _("%(hours)s h") % {"hours": hours}
    else:
        span = _("%(minutes)s min") % {"minutes": max(1, rest // 60)}
    return {"overdue": deadline < now, "span": span, "deadline": deadline}


@register.filter
def rating_words(rating: int):
    """很不满意 … 很满意 for an evaluation of 1 … 5."""
    return RATING_WORDS.get(rating, rating)
