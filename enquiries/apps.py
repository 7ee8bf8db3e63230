from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    """What is not a case (咨询, 表扬与建议, 无效): answered by a centre, never dispatched."""

    name = "enquiries"
    verbose_name = _("Enquiries")

    def ready(self):
        from cases.kinds import CaseKind, CountedStep, register_kind

        from .demo import fill_enquiries
        from .services import CORE_STEPS, KIND, TRANSITIONS

        register_kind(
            CaseKind(
                code=KIND,
                label=_("Not a case: a question, praise or an invalid report (非案件诉求)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                transitions=TRANSITIONS,
                core_steps=CORE_STEPS,
                has_duplicates=False,
                counted_steps=(CountedStep("answer", "closed", _("Answered directly (直接答复)")),),
                demo=fill_enquiries,
            )
        )
