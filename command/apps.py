from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "command"
    verbose_name = _("Command centre")

    def ready(self):
        from . import facts  # noqa: F401  (keeps the facts current as cases move)
