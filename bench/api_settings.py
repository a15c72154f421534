"""Production settings with the bench URLconf that adds a bare DRF view."""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
