from pathlib import Path

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """Safe-unit creation (平安创建): units, checklists, inspections and the hazards they find."""

    name = "safety"
    verbose_name = _("Safe-unit creation")

    def ready(self):
        from auditlog.registry import auditlog

        from cases.kinds import CaseKind, KindDetail, register_kind
        from wangge.demo import DemoFiller, add_demo_filler
        from wangge.navigation import NavItem, add_nav_item

        from .demo import fill_safety
        from .forms import HazardForm
        from .models import KIND, Checklist, ChecklistItem, HazardDetail, Sector
        from .selectors import FIGURES, sees_safety

        register_kind(
            CaseKind(
                code=KIND,
                label=_("Hazard at a unit (安全隐患)"),
                categories_csv=Path(__file__).parent / "data" / "categories.csv",
                detail=KindDetail(HazardDetail, HazardForm, "safety/detail.html"),
                figures=FIGURES,
            )
        )
        add_nav_item(NavItem(_("Safe units"), "safety:index", sees_safety, order=38))
        # Units and inspections come after the cases' year: the hazards they file are cases.
        add_demo_filler(DemoFiller("safety", fill_safety, order=50))
        # Configuration: who changed a checklist or a sector's routing, with before and after.
        for model in (Checklist, ChecklistItem, Sector):
            auditlog.register(model)
