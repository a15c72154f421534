"""WSGI entry point for gunicorn."""

from cms.startup import load_settings

load_settings("cms.settings.production")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
