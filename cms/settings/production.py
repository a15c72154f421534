"""Production: every security value comes from the environment, no defaults."""

import os
from urllib.parse import urlsplit

from .environment import PRODUCTION_REQUIRED, require
from .parsing import uses_email_service

for _name in PRODUCTION_REQUIRED:
    require(_name)
# An email service's delivery webhooks suppress addresses: never unauthenticated.
if uses_email_service(os.environ["EMAIL_URL"]):
    require("ANYMAIL_WEBHOOK_SECRET")

from .base import *  # noqa: E402,F403

DEBUG = False

# Kannel's callbacks carry no signature: the secret in their URLs is the
# only thing that tells them from forged ones.
if urlsplit(SMS_URL).scheme == "kannel":  # noqa: F405
    require("SMS_CALLBACK_SECRET")

# Behind a TLS-terminating proxy (see docker-compose.yml).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Admin form POSTs carry the page's Origin (the admin's referrer policy lets
# browsers send it). Django accepts an Origin matching the request's Host and
# scheme (https when the proxy sends X-Forwarded-Proto, above); SITE_URL's
# origin is trusted too, so sign-in works even if the proxy rewrites Host.
_site = urlsplit(SITE_URL)  # noqa: F405
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
