"""The one typed declaration of every environment variable Faro reads.

Every setting that comes from the environment is declared here, with its type
and its development default; `production.py` lists which of them must be set.
Errors name the variable and fit on one line (see `ConfigurationError`).
Processes that are not Django read their variables from here too: gunicorn's
config (deploy/gunicorn.conf.py) imports ``env``. Besides these, Django and
Celery read DJANGO_SETTINGS_MODULE (cms.startup sets its default per process).
The functions that turn the values into Django's settings (URLs, keys,
secrets) are in ``cms.settings.parsing``.
"""

from __future__ import annotations

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime files (SQLite database, embedded broker queue, outbox, secrets).
# Tests get their own folder so a `make run` in the same checkout never
# shares a queue or an outbox with them.
# FARO_VAR_DIR is read before the others because their defaults live in it.
_TESTING = os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".test")
VAR_DIR = Path(
    environ.Env(FARO_VAR_DIR=(str, ""))("FARO_VAR_DIR")
    or (BASE_DIR / "var" / "test" if _TESTING else BASE_DIR / "var")
)


class ConfigurationError(ImproperlyConfigured):
    """A missing or malformed environment variable; the message names it.

    `manage.py`, `wsgi.py` and the Celery app catch it and print the message
    alone, so an operator sees one line instead of a traceback.
    """


env = environ.Env(
    DEBUG=(bool, False),
    SECRET_KEY=(str, ""),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    DATABASE_URL=(str, f"sqlite:///{VAR_DIR / 'faro.sqlite3'}"),
    CELERY_BROKER_URL=(str, "filesystem://"),
    CELERY_RESULT_BACKEND=(str, ""),
    REDIS_URL=(str, ""),
    EMAIL_URL=(str, f"outbox://{VAR_DIR / 'outbox'}"),
    DEFAULT_FROM_EMAIL=(str, "Faro <alerts@localhost>"),
    # The List-Id header (RFC 2919) of every email to subscribers, such as
    # "El Grito alerts <alerts.elgrito.org>"; empty: "Faro alerts
    # <alerts.HOST>" with SITE_URL's host (advocacy.mail.list_id).
    LIST_ID=(str, ""),
    # "user:password" for the email services' delivery webhooks under
    # /anymail/ (cms.settings.parsing.email_settings); required in
    # production when EMAIL_URL names an email service.
    ANYMAIL_WEBHOOK_SECRET=(str, ""),
    # DKIM signing of mail sent through smtp:// or outbox:// (all three or none):
    # the path of the PEM private key, the selector and the signing domain.
    DKIM_PRIVATE_KEY=(str, ""),
    DKIM_SELECTOR=(str, ""),
    DKIM_DOMAIN=(str, ""),
    FIELD_ENCRYPTION_KEYS=(list, []),
    SUBSCRIBER_HASH_KEY=(str, ""),
    QUICK_EXIT_URL=(str, "https://www.google.com/search?q=weather"),
    ALERT_SEND_RATE=(float, 0.0),
    SUBSCRIPTION_CONFIRM_DAYS=(int, 7),
    DELIVERY_RETENTION_DAYS=(int, 30),
    # A policy statement not checked against current policy for this many days
    # is shown as "may be out of date" and listed as due for verification.
    POLICY_REVIEW_DAYS=(int, 180),
    # Printable PDFs (wallet cards and flyers) one client address may have
    # drawn per minute; past it they get 429 with Retry-After.
    PDF_RATE_LIMIT=(int, 20),
    # Guides' audio: the largest and the longest recording an editor may upload.
    GUIDE_AUDIO_MAX_BYTES=(int, 10 * 1024 * 1024),
    GUIDE_AUDIO_MAX_SECONDS=(int, 20 * 60),
    # Text messages: the gateway (kannel://USER:PASS@HOST:PORT,
    # twilio://ACCOUNT_SID:AUTH_TOKEN@, or file:///PATH, the development
    # default), the sender number or short code it sends from, the region
    # numbers written without a country code are read in, the price of one
    # segment for the editor's estimate (0: no estimate), the most segments an
    # alert's text may have, the messages per second every worker shares, and
    # the secret in the gateway's callback URLs (Kannel has no signature).
    SMS_URL=(str, f"file://{VAR_DIR / 'sms-outbox'}"),
    SMS_FROM=(str, ""),
    SMS_DEFAULT_REGION=(str, "US"),
    SMS_SEGMENT_COST=(float, 0.0),
    SMS_MAX_SEGMENTS=(int, 3),
    SMS_SEND_RATE=(float, 1.0),
    SMS_CALLBACK_SECRET=(str, ""),
    ALERT_CHUNK_SIZE=(int, 200),
    ALERT_CLAIM_SECONDS=(int, 300),
    ALERT_SENDERS=(int, 4),
    API_CORS_ORIGINS=(list, []),
    # How many proxies stand in front of gunicorn, each appending the address
    # it saw to X-Forwarded-For. 0 (no proxy): X-Forwarded-For is ignored and
    # the connection's own address counts. N: the Nth address from the right
    # is the client's (core.ratelimit.client_address).
    TRUSTED_PROXY_COUNT=(int, 0),
    # gunicorn (deploy/gunicorn.conf.py), production only: where it listens,
    # how many worker processes, and which peers' X-Forwarded-Proto it believes.
    GUNICORN_BIND=(str, "0.0.0.0:8000"),
    WEB_CONCURRENCY=(int, 3),
    FORWARDED_ALLOW_IPS=(str, "127.0.0.1"),
)

# What production refuses to start without (docker-compose sets each of them
# for web, worker and beat; tests/cms/test_compose.py checks that).
PRODUCTION_REQUIRED = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "FIELD_ENCRYPTION_KEYS",
    "SUBSCRIBER_HASH_KEY",
)


def require(name: str) -> None:
    """Stop start-up when `name` is not set (or empty) in the environment."""
    if not os.environ.get(name, "").strip():
        raise ConfigurationError(
            f"{name} must be set in the environment (production has no default)."
        )


def development_secret(name: str) -> str:
    """A secret generated once for this checkout and kept in var/NAME.

    Development and tests only: production reads every secret from the
    environment and refuses to start without it.
    """
    import base64
    import secrets

    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # 32 random bytes, url-safe base64: valid as a Django secret key, as a
        # Fernet key and as an HMAC key.
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()
