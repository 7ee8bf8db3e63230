"""What is not a case (非案件诉求): a question (咨询), praise or a suggestion (表扬与建议), or an
invalid report (无效: a test call, words that say nothing). It reaches a centre like any report,
from any channel, and is answered there: never accepted, dispatched or verified.

答复: the centre answers, and the answer is the public note the person who asked reads. 无效 is
the core's 不予立案 with its reason. A report that turns out to be a problem after all becomes a
case of the right category by the core's 改类, keeping its number; a case that turns out to be a
question comes here the same way.
"""

from datetime import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Status
from cases.scopes import Scope
from cases.workflow import Input, Transition
from staff.models import Role

KIND = "enquiry"
# The core steps an enquiry takes: 不予立案 (无效), and 改类 to a real case.
CORE_STEPS = frozenset({"reject", "reclassify"})


def _answer_field(case) -> forms.Field:
    return forms.CharField(
        label=_("The answer, for the person who asked"),
        help_text=_("Shown to them on the public page: no names, phone numbers or house numbers."),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext("Write the answer the person who asked will read.")},
    )


# The answer is the step's public note: take_action keeps it on the timeline entry.
ANSWER = Input(
    "public_note", _answer_field, example=lambda case, rng: "已电话答复：办理地点为镇便民服务中心"
)


def _answer(case, user, now: datetime, inputs) -> None:
    """答复: answered and ended at once, with nothing to handle or verify."""
    case.accepted_at = case.closed_at = now


TRANSITIONS = (
    Transition(
        "answer", _("Answer (直接答复)"), (Status.REPORTED,), Status.CLOSED, Role.OPERATOR,
        Scope.CASE_LEVEL,
        _answer, inputs=(ANSWER,), note_label=_("Note for staff (optional)"),
    ),
)  # fmt: skip
