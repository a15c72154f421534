from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = "Alerts and subscribers"

    def ready(self):
        from advocacy.signals import register_signal_handlers

        register_signal_handlers()
