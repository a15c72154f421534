"""Load settings before Django does, so a configuration error is one line."""

import importlib
import os
import sys

from cms.settings.environment import ConfigurationError


def load_settings(default: str = "cms.settings.dev") -> None:
    """Import the settings module now; on a configuration error exit with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
    try:
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigurationError as exc:
        sys.stderr.write(f"Configuration error: {exc}\n")
        raise SystemExit(2) from None
