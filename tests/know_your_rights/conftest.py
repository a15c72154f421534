"""The memo content, loaded once per test session into the test database.

Seeding twelve languages through wagtail-localize takes a while, so it runs
once (outside any test transaction, so wagtail-localize's on-commit publishes
happen) and every test works on top of it inside its own rolled-back
transaction. The loader is idempotent, so a second session-level call is free.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.management import call_command

SEED_SECONDS: dict[str, float] = {}


@pytest.fixture(scope="session")
def memo_content(django_db_setup, django_db_blocker):
    """Load the memo guides in all languages (once); returns the seconds it took."""
    with django_db_blocker.unblock():
        started = time.monotonic()
        call_command("load_memo_content", verbosity=0)
        SEED_SECONDS.setdefault("load_memo_content", time.monotonic() - started)
    return SEED_SECONDS["load_memo_content"]


@pytest.fixture
def seeded(memo_content, db):
    """A test on the seeded content, with a cleared page cache."""
    cache.clear()
    yield
    cache.clear()


def pytest_terminal_summary(terminalreporter):
    if SEED_SECONDS:
        seconds = SEED_SECONDS["load_memo_content"]
        terminalreporter.write_line(f"know_your_rights: load_memo_content took {seconds:.1f}s")
