# One image for web, workers and beat. Configuration only through environment
# variables (see README). Build: docker build -t faro .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=cms.settings.production FARO_VAR_DIR=/app/var

WORKDIR /app
COPY deploy/debian-packages.txt deploy/debian-packages.txt
COPY bin/install-debian-packages bin/install-debian-packages
RUN bin/install-debian-packages --runtime && rm -rf /var/lib/apt/lists/*

COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# Static files and message catalogs are built into the image; collectstatic
# needs settings but no service, so give it throwaway values at build time only.
RUN SECRET_KEY=build ALLOWED_HOSTS=build SITE_URL=http://build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    CELERY_BROKER_URL=redis://build REDIS_URL=redis://build EMAIL_URL=smtp://build:25 \
    FIELD_ENCRYPTION_KEYS=x3mJ1oZ8bZcVn0t8R3YqHn8Jm2cK6k1wQpV9sL0dE4A= SUBSCRIBER_HASH_KEY=build \
    sh -c "python manage.py compilemessages -v 0 && python manage.py collectstatic --no-input -v 0" \
    && useradd --system --uid 10001 faro && mkdir -p var/media && chown -R faro var

USER faro
EXPOSE 8000
CMD ["gunicorn", "cms.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
