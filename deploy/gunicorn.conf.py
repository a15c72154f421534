"""gunicorn settings for the web container.

The access log carries no client address and no path (paths can hold
unsubscribe and preference tokens): method, status, size and duration only.
"""

import os

# All interfaces inside the container; docker-compose publishes the port on
# the host's loopback only, for the TLS proxy there.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 30
accesslog = "-"
access_log_format = "%(m)s %(s)s %(B)s %(M)sms"
errorlog = "-"
# Peers whose X-Forwarded-Proto gunicorn believes (for wsgi.url_scheme only).
# Django reads https from SECURE_PROXY_SSL_HEADER, and the client's address
# from X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says
# (core.ratelimit.client_address); gunicorn never rewrites REMOTE_ADDR.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
