"""Tests: SQLite file by default, PostgreSQL when DATABASE_URL is set.

The test database is a file (never in-memory) so a Celery worker in another
process sees the same data.
"""

import os

from .base import *  # noqa: F403
from .base import DATABASES, STATIC_ROOT, VAR_DIR
from .environment import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY") or "test-secret-key-not-for-production-0123456789abcdefghijklmnop"
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS") or [
    "x3mJ1oZ8bZcVn0t8R3YqHn8Jm2cK6k1wQpV9sL0dE4A="
]
SUBSCRIBER_HASH_KEY = env("SUBSCRIBER_HASH_KEY") or "test-subscriber-hash-key"
SMS_CALLBACK_SECRET = env("SMS_CALLBACK_SECRET") or "test-sms-callback-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]

# One test database per pytest process, so two runs on one machine never
# share (and break) each other's data.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# WhiteNoise warns when STATIC_ROOT does not exist; tests never collect static,
# so servers started by tests (browser tests) serve files from the apps.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
