from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Faro site"

    def ready(self):
        from cms import signals

        signals.connect()

        from cms.api import caching

        caching.connect()
