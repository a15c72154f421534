"""Fixtures shared by the whole suite: real worker, real SMTP, outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from advocacy.models import Area, Topic
from advocacy.seed import load_areas_and_topics
from cms import page_cache
from tests.factories.site import SiteTree, build_site_tree
from tests.support.auth import sign_in_verified
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import start_mail_server, start_mail_worker


@pytest.fixture
def celery_worker_process(transactional_db):
    """A running worker that sees the test database; stopped after the test."""
    purge_queues()
    worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture
def site_tree(db) -> SiteTree:
    """Locales, a root, the English home page and its alert index, made when
    missing (a flushed database has none); guide indexes on demand through
    `site_tree.guide_index(code)`. Page factories build on the same tree."""
    return build_site_tree()


@pytest.fixture(scope="module")
def signup_mail_server():
    """aiosmtpd that can be slowed (tests.support.smtp.SlowableHandler), for a module."""
    server = start_mail_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def signup_mail_worker(django_db_setup, django_db_blocker, signup_mail_server):
    """A real worker sending to `signup_mail_server`, for a module."""
    with django_db_blocker.unblock():
        worker = start_mail_worker(signup_mail_server)
    yield worker
    worker.stop()


@pytest.fixture
def signup_smtp(signup_mail_server, signup_mail_worker, transactional_db):
    """Sign-up mail as in production: sent by a real worker to a real SMTP server
    (this process's own mail stays in memory). The areas and topics are loaded,
    since a transactional test starts with empty tables. Yields the server's handler."""
    signup_mail_server.handler.reset()
    load_areas_and_topics(Area, Topic)
    yield signup_mail_server.handler
    signup_mail_server.handler.release.set()


@pytest.fixture
def outbox_dir():
    """The folder where the development mail backend writes .eml files, emptied."""
    path = Path(settings.EMAIL_FILE_PATH)
    path.mkdir(parents=True, exist_ok=True)
    for item in path.glob("*.eml"):
        item.unlink()
    return path


@pytest.fixture
def admin_client(db, admin_user, client):
    """pytest-django's admin_client, signed in with a second factor."""
    return sign_in_verified(client, admin_user)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A guard: no test leaves its language active for the next one's messages and dates."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """Each test starts with an empty cache: pages, API answers, rate limits.

    The cache outlives a test's database rollback (and, on Redis, the run),
    so a page cached by one test would otherwise be served to the next.
    """
    cache.clear()
    page_cache._memo["until"] = 0.0
    yield
