"""WSGI entry point for the API benchmark (bench.api_settings)."""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
