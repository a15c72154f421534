"""Reading and checking the environment's values: URLs made into Django's
settings (DATABASE_URL, EMAIL_URL with its email services and DKIM, SMS_URL,
REDIS_URL) and the checks of keys, secrets and counts.

The variables themselves are declared in ``cms.settings.environment`` (the
one place, with their types and defaults); these functions take their
values and raise ``ConfigurationError`` naming the variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import environ
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .environment import VAR_DIR, ConfigurationError

DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


# Email services (ESPs) reached through django-anymail's backends.
ESP_SCHEMES = ("ses", "postmark", "mailgun", "sendgrid")


EMAIL_SCHEMES = (
    "outbox",
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "console",
    "memory",
    *ESP_SCHEMES,
)


ANYMAIL_BACKENDS = {
    "ses": "anymail.backends.amazon_ses.EmailBackend",
    "postmark": "anymail.backends.postmark.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
}


MAILGUN_REGION_API_URLS = {
    "us": "https://api.mailgun.net/v3",
    "eu": "https://api.eu.mailgun.net/v3",
}


DKIM_VARIABLES = ("DKIM_PRIVATE_KEY", "DKIM_SELECTOR", "DKIM_DOMAIN")


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
    real mail; `ses://`, `postmark://`, `mailgun://` and `sendgrid://` send
    through an email service (see ``esp_config``).
    """
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ConfigurationError(
            f"EMAIL_URL is malformed: expected smtp://HOST:PORT, outbox:///PATH or one of {', '.join(s + '://' for s in ESP_SCHEMES)}, got scheme {parts.scheme or 'none'!r}."
        )
    if parts.scheme in ESP_SCHEMES:
        return esp_config(url)
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


SMS_SCHEMES = ("file", "kannel", "twilio")


def sms_url(url: str) -> str:
    """SMS_URL checked: a scheme Faro knows, with what that scheme needs."""
    parts = urlsplit(url)
    if parts.scheme not in SMS_SCHEMES:
        raise ConfigurationError(
            "SMS_URL is malformed: expected kannel://USER:PASS@HOST:PORT, "
            f"twilio://ACCOUNT_SID:AUTH_TOKEN@ or file:///PATH, got scheme {parts.scheme or 'none'!r}."
        )
    if parts.scheme == "file" and not parts.path:
        raise ConfigurationError("SMS_URL is malformed: file:///PATH names no folder.")
    if parts.scheme == "kannel" and not parts.hostname:
        raise ConfigurationError("SMS_URL is malformed: kannel:// names no host.")
    if parts.scheme == "twilio" and not (parts.username and parts.password):
        raise ConfigurationError(
            "SMS_URL is malformed: twilio://ACCOUNT_SID:AUTH_TOKEN@ needs both."
        )
    return url


def _esp_query(parts, allowed: tuple[str, ...]) -> dict[str, str]:
    """EMAIL_URL's query as a dict: one value per name, only ``allowed`` names."""
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise ConfigurationError(
            "EMAIL_URL is malformed: its query string cannot be read."
        ) from None
    for name, values in query.items():
        if name not in allowed:
            raise ConfigurationError(
                f"EMAIL_URL is malformed: {parts.scheme}:// takes no {name!r} option "
                f"(it takes {', '.join(allowed) or 'none'})."
            )
        if len(values) != 1 or not values[0]:
            raise ConfigurationError(f"EMAIL_URL is malformed: give {name!r} one value.")
    return {name: values[0] for name, values in query.items()}


def esp_config(url: str) -> dict:
    """EMAIL_URL for an email service: the anymail backend and its ANYMAIL settings.

    - ``ses://?region=us-east-1[&configuration_set=NAME]``: Amazon SES; the
      credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
      AWS_SECRET_ACCESS_KEY, or the instance's role), never from the URL.
    - ``postmark://SERVER_TOKEN@[?message_stream=NAME]``
    - ``mailgun://API_KEY@DOMAIN?webhook_signing_key=KEY[&region=eu]``
    - ``sendgrid://API_KEY@``
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    anymail: dict = {}
    try:
        user = unquote(parts.username or "")
        password = parts.password
        host = parts.hostname or ""
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"EMAIL_URL is malformed: {exc}.") from None
    if password is not None or port is not None or parts.path not in ("", "/"):
        raise ConfigurationError(
            f"EMAIL_URL is malformed: {scheme}:// takes no password, port or path."
        )
    if scheme == "ses":
        if user or host:
            raise ConfigurationError(
                "EMAIL_URL is malformed: ses:// takes no credentials or host "
                "(boto3 reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the instance role)."
            )
        query = _esp_query(parts, ("region", "configuration_set"))
        if "region" not in query:
            raise ConfigurationError(
                "EMAIL_URL is malformed: ses:// needs ?region=, such as ses://?region=us-east-1."
            )
        anymail["AMAZON_SES_CLIENT_PARAMS"] = {"region_name": query["region"]}
        if "configuration_set" in query:
            anymail["AMAZON_SES_CONFIGURATION_SET_NAME"] = query["configuration_set"]
    elif scheme == "postmark":
        query = _esp_query(parts, ("message_stream",))
        if not user or host:
            raise ConfigurationError(
                "EMAIL_URL is malformed: expected postmark://SERVER_TOKEN@ (the token before the @, no host)."
            )
        anymail["POSTMARK_SERVER_TOKEN"] = user
        if "message_stream" in query:
            anymail["POSTMARK_SEND_DEFAULTS"] = {
                "esp_extra": {"MessageStream": query["message_stream"]}
            }
    elif scheme == "mailgun":
        query = _esp_query(parts, ("region", "webhook_signing_key"))
        if not user or not host:
            raise ConfigurationError(
                "EMAIL_URL is malformed: expected mailgun://API_KEY@SENDING_DOMAIN?webhook_signing_key=KEY."
            )
        region = query.get("region", "us")
        if region not in MAILGUN_REGION_API_URLS:
            raise ConfigurationError(
                f"EMAIL_URL is malformed: mailgun:// region must be us or eu, got {region!r}."
            )
        if "webhook_signing_key" not in query:
            raise ConfigurationError(
                "EMAIL_URL is malformed: mailgun:// needs ?webhook_signing_key= "
                "(Mailgun's HTTP webhook signing key) to check its delivery reports."
            )
        anymail["MAILGUN_API_KEY"] = user
        anymail["MAILGUN_SENDER_DOMAIN"] = host
        anymail["MAILGUN_API_URL"] = MAILGUN_REGION_API_URLS[region]
        anymail["MAILGUN_WEBHOOK_SIGNING_KEY"] = query["webhook_signing_key"]
    elif scheme == "sendgrid":
        _esp_query(parts, ())
        if not user or host:
            raise ConfigurationError(
                "EMAIL_URL is malformed: expected sendgrid://API_KEY@ (the key before the @, no host)."
            )
        anymail["SENDGRID_API_KEY"] = user
    return {"EMAIL_BACKEND": ANYMAIL_BACKENDS[scheme], "ANYMAIL": anymail, "EMAIL_TIMEOUT": 30}


def uses_email_service(url: str) -> bool:
    """Whether EMAIL_URL names an email service (its webhooks then need a secret)."""
    return urlsplit(url).scheme in ESP_SCHEMES


def webhook_secret(value: str) -> str:
    """ANYMAIL_WEBHOOK_SECRET checked: ``user:password`` (HTTP basic auth), or empty."""
    value = value.strip()
    if value and (value.count(":") < 1 or not all(value.split(":", 1))):
        raise ConfigurationError(
            "ANYMAIL_WEBHOOK_SECRET is malformed: expected USER:PASSWORD (both non-empty)."
        )
    return value


def dkim_config(key_path: str, selector: str, domain: str, backend: str) -> dict:
    """DKIM_PRIVATE_KEY, DKIM_SELECTOR and DKIM_DOMAIN checked: all three or none.

    With all three, mail sent through SMTP or the outbox is signed (the
    backend becomes its DKIM-signing subclass in ``cms.dkim``) and the key's
    PEM text is kept in the DKIM_PRIVATE_KEY_PEM setting. Errors name the
    variable and never quote the key.
    """
    values = dict(
        zip(DKIM_VARIABLES, (key_path.strip(), selector.strip(), domain.strip()), strict=True)
    )
    given = [name for name, value in values.items() if value]
    if not given:
        return {}
    missing = [name for name in DKIM_VARIABLES if name not in given]
    if missing:
        raise ConfigurationError(
            f"{missing[0]} must be set too: DKIM signing needs {', '.join(DKIM_VARIABLES)} together."
        )
    signing_backends = {
        "django.core.mail.backends.smtp.EmailBackend": "cms.dkim.DkimSMTPEmailBackend",
        "cms.mail.OutboxEmailBackend": "cms.dkim.DkimOutboxEmailBackend",
    }
    if backend not in signing_backends:
        raise ConfigurationError(
            "DKIM_PRIVATE_KEY is only for smtp:// and outbox:// EMAIL_URLs "
            "(email services sign with the key set up in their own dashboard)."
        )
    try:
        pem = Path(values["DKIM_PRIVATE_KEY"]).read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"DKIM_PRIVATE_KEY cannot be read: {exc.strerror or type(exc).__name__} "
            "(give the path of a PEM private key file)."
        ) from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 1024:
        raise ConfigurationError(
            "DKIM_PRIVATE_KEY is not an unencrypted PEM RSA private key of 1024 bits or more "
            "(make one with `openssl genrsa -out dkim.pem 2048`)."
        )
    # dkimpy reads PKCS#1 ("BEGIN RSA PRIVATE KEY"); openssl 3 writes PKCS#8.
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    for name in ("DKIM_SELECTOR", "DKIM_DOMAIN"):
        if not all(
            label and label.isascii() and label.replace("-", "").replace("_", "").isalnum()
            for label in values[name].split(".")
        ):
            raise ConfigurationError(
                f"{name} is malformed: expected DNS labels such as faro or example.org."
            )
    return {
        "EMAIL_BACKEND": signing_backends[backend],
        "DKIM_PRIVATE_KEY_PEM": pem,
        "DKIM_SELECTOR": values["DKIM_SELECTOR"],
        "DKIM_DOMAIN": values["DKIM_DOMAIN"].lower(),
    }


def email_settings(url: str, secret: str, key_path: str, selector: str, domain: str) -> dict:
    """Every mail setting from EMAIL_URL, ANYMAIL_WEBHOOK_SECRET and the DKIM variables.

    With an email service, ANYMAIL's WEBHOOK_SECRET protects the delivery
    webhooks; without a secret they answer 403 (advocacy.email_webhooks).
    """
    config = email_config(url)
    config.setdefault("ANYMAIL", {})["WEBHOOK_SECRET"] = webhook_secret(secret)
    config.update(dkim_config(key_path, selector, domain, config["EMAIL_BACKEND"]))
    return config


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
