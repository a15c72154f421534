"""Fixtures shared by the whole suite: real worker, real SMTP, outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from cms import page_cache
from tests.factories.site import SiteTree, build_site_tree
from tests.support.auth import sign_in_verified
from tests.support.processes import WorkerProcess, purge_queues


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
def _empty_shared_cache():
    """Each test starts with an empty cache: pages, API answers, rate limits.

    The cache outlives a test's database rollback (and, on Redis, the run),
    so a page cached by one test would otherwise be served to the next.
    """
    cache.clear()
    page_cache._memo["until"] = 0.0
    yield
