from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestConfig(AppConfig):
    """Suggest a report's category and department from its own words (a model trained here)."""

    name = "suggest"
    verbose_name = _("Category suggestions")

    def ready(self):
        from wangge.extras import FormScript, add_form_script

        from . import services  # noqa: F401 (its receivers: the report filed, a 改类)

        add_form_script(FormScript("report", "suggest/suggest.js", "suggest:for_form"))
