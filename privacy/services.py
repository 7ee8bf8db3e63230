"""Revealing a masked personal field: allowed to some roles, with a reason, always logged."""

from django.db import transaction
from django.utils.translation import gettext as _

from cases.errors import CaseError

from .models import RevealLog, RevealReason
from .registry import revealable
from .selectors import may_reveal


class RevealRefused(CaseError):
    """Why a reveal was not done, in the user's language."""


@transaction.atomic
def reveal_personal_field(
    user, case, key: str, reason: str, reason_text: str = "", item: int | None = None
) -> str:
    """The unmasked value of one personal field of one case (of one item of it, such as a party
    to a dispute), logged with who, when and why."""
    try:
        personal = revealable(key)
        value = personal.value_of(case, item)
    except LookupError:
        raise RevealRefused(_("This field cannot be revealed.")) from None
    if not may_reveal(user, case, personal):
        raise RevealRefused(_("Your role may not reveal this on this case."))
    reason_text = reason_text.strip()
    if reason not in RevealReason.values:
        raise RevealRefused(_("Give the reason for revealing it."))
    if reason == RevealReason.OTHER and not reason_text:
        raise RevealRefused(_("Say in words why you reveal it."))
    RevealLog.objects.create(
        county_code=case.county_code,
        user=user,
        case=case,
        field=key,
        item=item if personal.holder is not None else None,
        reason=reason,
        reason_text=reason_text,
    )
    return value
