"""The one typed declaration of every environment variable Faro reads.

Every setting that comes from the environment is declared here, with its type
and its development default; `production.py` lists which of them must be set.
Errors name the variable and fit on one line (see `ConfigurationError`).
Processes that are not Django read their variables from here too: gunicorn's
config (deploy/gunicorn.conf.py) imports ``env``. Besides these, Django and
Celery read DJANGO_SETTINGS_MODULE (cms.startup sets its default per process).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

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

DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")
EMAIL_SCHEMES = ("outbox", "smtp", "smtps", "smtp+tls", "smtp+ssl", "console", "memory")


def require(name: str) -> None:
    """Stop start-up when `name` is not set (or empty) in the environment."""
    if not os.environ.get(name, "").strip():
        raise ConfigurationError(
            f"{name} must be set in the environment (production has no default)."
        )


def database_config(url: str) -> dict:
    """Parse DATABASE_URL into Django's DATABASES entry, or fail naming it."""
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL is malformed: expected sqlite:///PATH or postgres://USER@HOST:PORT/NAME, got scheme {scheme or 'none'!r}."
        )
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # noqa: BLE001 - django-environ raises several types
        raise ConfigurationError(f"DATABASE_URL is malformed: {exc}.") from None
    if not config.get("NAME"):
        raise ConfigurationError("DATABASE_URL is malformed: it names no database.")
    if scheme != "sqlite":
        try:
            urlsplit(url).port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise ConfigurationError(f"DATABASE_URL is malformed: {exc}.") from None
        config.setdefault("CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def email_config(url: str) -> dict:
    """Parse EMAIL_URL into Django's EMAIL_* settings, or fail naming it.

    `outbox:///path` writes one .eml file per message (the development
    default); `smtp://user:pass@host:port` (or smtps://, smtp+tls://) sends
    real mail.
    """
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ConfigurationError(
            f"EMAIL_URL is malformed: expected smtp://HOST:PORT or outbox:///PATH, got scheme {parts.scheme or 'none'!r}."
        )
    if parts.scheme == "outbox":
        path = (parts.netloc + parts.path) or str(VAR_DIR / "outbox")
        return {"EMAIL_BACKEND": "cms.mail.OutboxEmailBackend", "EMAIL_FILE_PATH": path}
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"EMAIL_URL is malformed: {exc}.") from None
    if not parts.hostname:
        raise ConfigurationError("EMAIL_URL is malformed: it names no host.")
    ssl = parts.scheme in ("smtps", "smtp+ssl")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if ssl else 25),
        "EMAIL_HOST_USER": parts.username or "",
        "EMAIL_HOST_PASSWORD": parts.password or "",
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_TIMEOUT": 30,
    }


def redis_cache_config(url: str) -> dict:
    """The shared cache: Redis when REDIS_URL is set, else local memory."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "faro"}
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigurationError("REDIS_URL is malformed: expected redis://HOST:PORT/DB.")
    return {
        # Django's Redis cache, reusing its redis-py clients (see cms.redis_cache).
        "BACKEND": "cms.redis_cache.ReusedClientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "faro",
    }


def trusted_proxy_count(value: int) -> int:
    """TRUSTED_PROXY_COUNT checked: a whole number of proxies, 0 or more."""
    if value < 0:
        raise ConfigurationError(
            f"TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front, got {value}."
        )
    return value


def fernet_keys(keys: list[str]) -> list[str]:
    """FIELD_ENCRYPTION_KEYS checked: each must be a Fernet key, or start-up stops naming it."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in keys if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ConfigurationError(
                f"FIELD_ENCRYPTION_KEYS: key {position} of {len(keys)} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes; make one with "
                '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
            ) from None
    return keys


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
