from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """Safe-unit creation (平安创建): units, checklists, inspections and the hazards they find."""

    name = "safety"
    verbose_name = _("Safe-unit creation")
