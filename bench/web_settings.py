"""Settings for `make bench` web runs: production settings plus a bare view.

The environment (set by bench.pages) provides every production variable;
requests carry X-Forwarded-Proto: https as they would behind the proxy.
"""

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
