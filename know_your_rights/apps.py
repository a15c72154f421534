from django.apps import AppConfig


class KnowYourRightsConfig(AppConfig):
    name = "know_your_rights"
    verbose_name = "Know your rights"

    def ready(self):
        # Imported here because the receivers import models, which cannot
        # load before the app registry is ready (Django's documented place).
        from know_your_rights import (
            audio_admin,  # noqa: F401 - registers admin hooks (the Audio screen)
            audio_signals,  # noqa: F401 - connects receivers
            short_link_signals,  # noqa: F401 - connects receivers
            signals,  # noqa: F401 - connects receivers
        )
