"""gunicorn settings for the web container.

The access log carries no client address and no path (paths can hold
unsubscribe and preference tokens): method, status, size and duration only.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 30
accesslog = "-"
access_log_format = "%(m)s %(s)s %(B)s %(M)sms"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
