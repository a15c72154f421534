from django.apps import AppConfig


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = "Alerts and subscribers"

    def ready(self):
        # Imported here because advocacy.signals imports models, which cannot
        # load before the app registry is ready (Django's documented place).
        from advocacy.signals import register_signal_handlers

        register_signal_handlers()
