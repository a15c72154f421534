from django.apps import AppConfig


class KnowYourRightsConfig(AppConfig):
    name = "know_your_rights"
    verbose_name = "Know your rights"

    def ready(self):
        from know_your_rights import signals  # noqa: F401 - connects receivers
