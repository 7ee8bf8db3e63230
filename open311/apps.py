from django.apps import AppConfig


class Open311Config(AppConfig):
    """Open311 GeoReport v2 at /open311/v2/: the public, standard face of the case loop."""

    name = "open311"
    verbose_name = "Open311 GeoReport v2"
