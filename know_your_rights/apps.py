from django.apps import AppConfig


class KnowYourRightsConfig(AppConfig):
    name = "know_your_rights"
    verbose_name = "Know your rights"
