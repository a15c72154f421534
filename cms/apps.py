from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Faro site"

    def ready(self):
        # Imported here, not at the top: these modules import models, which
        # cannot load before the app registry is ready (Django's documented
        # place for signal wiring). No cycle is involved.
        from cms import signals

        signals.connect()

        from cms.api import caching

        caching.connect()

        from core import absolute_urls

        # After every `migrate` (each container start runs one), Wagtail's
        # Site record follows SITE_URL.
        post_migrate.connect(absolute_urls.match_site_after_migrate, sender=self)
