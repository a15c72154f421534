"""Settings shared by every environment. Values come from `environment.env`."""

from pathlib import Path

from celery.schedules import crontab  # noqa: F401 - apps' beat entries use it

from core import languages as faro_languages

from .environment import VAR_DIR, env
from .parsing import (
    database_config,
    email_settings,
    fernet_keys,
    redis_cache_config,
    sms_url,
    trusted_proxy_count,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "cms",
    "know_your_rights",
    "advocacy",
    "core",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.users_app.FaroUsersConfig",  # wagtail.users, with groups in the users list
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    # Email services' backends and delivery webhooks (EMAIL_URL ses://, postmark://…).
    "anymail",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "corsheaders",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cms.middleware.ScopedCSPMiddleware",
    "cms.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that answers early, so cached API answers get CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # Above the session and locale middleware: a cached page costs one cache
    # read, and still gets the security headers added on the way out.
    "cms.middleware.PageCacheMiddleware",
    # Cached API reads with ETag/Last-Modified/304 (cms.api.caching).
    "cms.api.caching.APICacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.URLLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.middleware.AdminAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Wagtail pages: routing and what every page shows, in fewer queries.
    "cms.middleware.PageFrameMiddleware",
    # Last, as django-axes asks: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.faro",
            ],
        },
    },
]

DATABASES = {"default": database_config(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": redis_cache_config(env("REDIS_URL"))}

vars().update(
    email_settings(
        env("EMAIL_URL"),
        env("ANYMAIL_WEBHOOK_SECRET"),
        env("DKIM_PRIVATE_KEY"),
        env("DKIM_SELECTOR"),
        env("DKIM_DOMAIN"),
    )
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
LIST_ID = env("LIST_ID")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------
# The list and its facts live once, in core.languages (English plus New York
# City's designated citywide languages). Django has no LANG_INFO for "ht".
faro_languages.add_missing_language_info()
LANGUAGE_CODE = faro_languages.DEFAULT_LANGUAGE
LANGUAGES = faro_languages.LANGUAGES
LANGUAGES_BIDI = faro_languages.RIGHT_TO_LEFT
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# "Translate this page" makes draft translations: a new translation is not
# published with the source's text in it (readers get the source page with a
# notice until it is translated), and an alert's translation goes live only
# once approved like any alert (advocacy.approval) instead of failing to.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/New_York"

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Files browsers ask for at the root (/favicon.ico), served by WhiteNoise
# before any language redirect, so no console shows a 404 for them.
WHITENOISE_ROOT = BASE_DIR / "cms" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Wagtail ---------------------------------------------------------------
WAGTAIL_SITE_NAME = "Faro"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Readers are on mobile data: every rendition is WebP whatever was uploaded
# (a template need not remember `format-webp`); `{% image %}` writes width
# and height, so nothing shifts while the page loads.
WAGTAILIMAGES_FORMAT_CONVERSIONS = {
    "bmp": "webp",
    "gif": "webp",
    "jpeg": "webp",
    "png": "webp",
    "webp": "webp",
}
WAGTAILIMAGES_WEBP_QUALITY = 75
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Every document downloads as an attachment, PDFs included: an uploaded
# HTML-in-PDF or script never renders in the site's origin.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILADMIN_PERMITTED_LANGUAGES = [
    (code, name)
    for code, name in LANGUAGES
    if code in ("en", "es", "fr", "pl", "ru", "ko", "ar", "zh-hans", "zh-hant")
]

# --- Security headers (cms/settings/security_headers.py) ------------------
from .security_headers import *  # noqa: E402,F403 - one settings namespace, kept in sections

# --- Page cache -------------------------------------------------------------
PAGE_CACHE_SECONDS = 10 * 60
PUBLIC_MAX_AGE = 60

# --- Sign-in ----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Where a request comes from, for the sign-in lockout and every rate limit
# alike (core.ratelimit.client_address): the number of proxies in front.
# With none, X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = trusted_proxy_count(env("TRUSTED_PROXY_COUNT"))
# Failed sign-ins, counted in the shared cache (Redis in production) so every
# web process sees the same count. Five failures lock that account from that
# client address for 15 minutes, never other accounts behind the same address
# (an office behind one router) nor the account elsewhere. Guessing one
# account from many addresses meets growing delays instead (cms.sign_in_brake,
# through its axes handler), so nobody can lock anyone out for good.
AXES_HANDLER = "cms.sign_in_brake.SignInHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Attempts refused during a lockout do not restart it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "cms.sign_in_brake.lockout_response"
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Development and tests without REDIS_URL run one process, where the
    # local-memory cache is shared; production requires REDIS_URL.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "cms.two_factor.axes_client_str"
# The per-account brake: after this many failures for one account from any
# addresses, each further attempt waits 2, 4, 8 … seconds, at most
# SIGN_IN_BRAKE_MAX_DELAY; the count is forgotten a day after the last
# failure, or at a successful sign-in.
SIGN_IN_BRAKE_FREE_FAILURES = 10
SIGN_IN_BRAKE_MAX_DELAY = 5 * 60
SIGN_IN_BRAKE_MEMORY = 24 * 60 * 60
OTP_TOTP_ISSUER = "Faro"

# --- Sessions and cookies --------------------------------------------------
# Sessions end after 30 minutes idle (each request pushes expiry forward) or
# 12 hours after sign-in, whichever comes first.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Faro ------------------------------------------------------------------
QUICK_EXIT_URL = env("QUICK_EXIT_URL")
FIELD_ENCRYPTION_KEYS = fernet_keys(env("FIELD_ENCRYPTION_KEYS"))
SUBSCRIBER_HASH_KEY = env("SUBSCRIBER_HASH_KEY")
ALERT_SEND_RATE = env("ALERT_SEND_RATE")
SUBSCRIPTION_CONFIRM_DAYS = env("SUBSCRIPTION_CONFIRM_DAYS")
DELIVERY_RETENTION_DAYS = env("DELIVERY_RETENTION_DAYS")
POLICY_REVIEW_DAYS = env("POLICY_REVIEW_DAYS")
PDF_RATE_LIMIT = env("PDF_RATE_LIMIT")
GUIDE_AUDIO_MAX_BYTES = env("GUIDE_AUDIO_MAX_BYTES")
GUIDE_AUDIO_MAX_SECONDS = env("GUIDE_AUDIO_MAX_SECONDS")
SMS_URL = sms_url(env("SMS_URL"))
SMS_FROM = env("SMS_FROM")
SMS_DEFAULT_REGION = env("SMS_DEFAULT_REGION").upper()
SMS_SEGMENT_COST = env("SMS_SEGMENT_COST")
SMS_MAX_SEGMENTS = env("SMS_MAX_SEGMENTS")
SMS_SEND_RATE = env("SMS_SEND_RATE")
SMS_CALLBACK_SECRET = env("SMS_CALLBACK_SECRET")
# Alert sending: deliveries per claimed chunk (one SMTP connection each),
# how long a claim lasts before the sweeper hands the chunk to another
# worker, and how many sender loops run per dispatch.
ALERT_CHUNK_SIZE = env("ALERT_CHUNK_SIZE")
ALERT_CLAIM_SECONDS = env("ALERT_CLAIM_SECONDS")
ALERT_SENDERS = env("ALERT_SENDERS")
API_CORS_ORIGINS = env("API_CORS_ORIGINS")

# --- Celery ----------------------------------------------------------------
# The embedded default is kombu's filesystem transport: a real worker with no
# broker service. It deletes a message when fetched, so production and the
# fault tests use Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery" / "queue"
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR),
        "data_folder_out": str(CELERY_QUEUE_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    for _folder in (
        CELERY_QUEUE_DIR,
        VAR_DIR / "celery" / "control",
        VAR_DIR / "celery" / "results",
    ):
        _folder.mkdir(parents=True, exist_ok=True)
else:
    # Redelivery after a lost worker happens after this long; tasks are short
    # and retries are scheduled in the database, never by long countdowns.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or (
    CELERY_BROKER_URL
    if CELERY_BROKER_URL.startswith("redis")
    else f"file://{VAR_DIR / 'celery' / 'results'}"
)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_NAMES = ("urgent", "default")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["advocacy.purge_unconfirmed_subscribers"] = {
    "task": "advocacy.purge_unconfirmed_subscribers",
    "schedule": 60 * 60,
}
# Alerts: the sweeper keeps dispatches moving after a lost worker or broker;
# the digest goes out on Monday mornings; old delivery rows are purged daily.
CELERY_BEAT_SCHEDULE["advocacy.sweep_dispatches"] = {
    "task": "advocacy.sweep_dispatches",
    "schedule": 30,
}
CELERY_BEAT_SCHEDULE["advocacy.queue_weekly_digest"] = {
    "task": "advocacy.queue_weekly_digest",
    "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
}
# The policy tracker's weekly note (what is due, what is stuck) to Editors and Moderators.
CELERY_BEAT_SCHEDULE["advocacy.send_policy_reminders"] = {
    "task": "advocacy.send_policy_reminders",
    "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
}
CELERY_BEAT_SCHEDULE["advocacy.purge_deliveries"] = {
    "task": "advocacy.purge_deliveries",
    "schedule": crontab(minute=30, hour=3),
}
CELERY_TIMEZONE = TIME_ZONE

# --- Logging ---------------------------------------------------------------
# No IP address, email address or token ever reaches a log line: request
# logging is off (django.request would log paths that carry tokens) and the
# access log of gunicorn is configured without the client address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # Wagtail 8 runs search-index and reference-index updates as tasks and
        # logs two lines per task per page saved: noise, not information.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- API (/api/v1/): DRF, schema, paging, caching (cms/settings/api.py) -------
from .api import *  # noqa: E402,F403 - one settings namespace, kept in sections

# Cross-origin reads only, only from the origins listed in API_CORS_ORIGINS.
CORS_ALLOWED_ORIGINS = API_CORS_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
