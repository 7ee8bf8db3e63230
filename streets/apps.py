from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreetsConfig(AppConfig):
    """Street problems (城市管理), the first kind of case: GB/T 30428 events (事件) and
    components (部件), with their deadlines and routing. The social-governance classes ride here
    too until their own kinds (disputes …) take them over."""

    name = "streets"
    verbose_name = _("Street problems")

    def ready(self):
        from cases.kinds import CaseKind, register_kind

        from .figures import FIGURES

        register_kind(
            CaseKind(
                code="street",
                label=_("Street problem"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                category_fields_csv=Path(__file__).parent / "data" / "category_fields.csv",
                figures=FIGURES,
            )
        )
