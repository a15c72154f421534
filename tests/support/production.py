"""A complete production environment for settings checks (values for checks only)."""

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "k" * 20 + "-production-secret-key-for-checks-only-0123456789",
    "ALLOWED_HOSTS": "faro.example.org",
    "SITE_URL": "https://faro.example.org",
    "DATABASE_URL": "postgres://faro@127.0.0.1:5432/faro",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
    "REDIS_URL": "redis://127.0.0.1:6379/2",
    "EMAIL_URL": "smtp://127.0.0.1:2525",
    "FIELD_ENCRYPTION_KEYS": "x3mJ1oZ8bZcVn0t8R3YqHn8Jm2cK6k1wQpV9sL0dE4A=",
    "SUBSCRIBER_HASH_KEY": "production-hash-key-for-checks-only",
}
