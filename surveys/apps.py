from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Publicity activities and surveys: 知晓率 and 满意率 with their intervals."""

    name = "surveys"
    verbose_name = _("Publicity and surveys")
