"""Plain helpers for the tests (no fixtures: those live in conftest files;
builders live in tests/factories).

Each module holds one kind of thing: `processes` (ROOT, the environment,
worker and gunicorn command lines, WorkerProcess, purge_queues), `smtp` (the
recording aiosmtpd server, a slowable one, a worker sending to it), `waiting`
(wait_for), `network` (free_port), `auth` (sign_in_verified), `browser`
(Chromium, recorded Playwright contexts), `databases` (private databases for
the servers browser tests start), `dispatches` (wait_finished), `alerts`
(where a reader finds an alert), `images` (PNGs for upload tests),
`production` (a complete production environment), `beat` and
`private_redis` (a real celery beat, a redis-server of a test's own).
"""
