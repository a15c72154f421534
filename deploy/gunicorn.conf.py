"""gunicorn settings for the web container.

The access log carries no client address and no path (paths can hold
unsubscribe and preference tokens): method, status, size and duration only.
Its environment variables are declared with the others, in
cms/settings/environment.py (gunicorn runs from the project root, so `cms`
imports).
"""

from cms.settings.environment import env

# All interfaces inside the container; docker-compose publishes the port on
# the host's loopback only, for the TLS proxy there.
bind = env("GUNICORN_BIND")
workers = env("WEB_CONCURRENCY")
worker_class = "sync"
timeout = 30
accesslog = "-"
access_log_format = "%(m)s %(s)s %(B)s %(M)sms"
errorlog = "-"
# Peers whose X-Forwarded-Proto gunicorn believes (for wsgi.url_scheme only).
# Django reads https from SECURE_PROXY_SSL_HEADER, and the client's address
# from X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says
# (core.ratelimit.client_address); gunicorn never rewrites REMOTE_ADDR.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS")
