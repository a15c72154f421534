from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Faro's shared bottom layer (no models; listed so Django finds its modules)."""

    name = "core"
    verbose_name = "Faro core"
