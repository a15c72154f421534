"""Guide marks and the anonymous page cache (real Redis).

Marks are made and cleared with bulk writes that send no model signals; once
the transaction commits, the tracker tells the cache layer, so a cached guide
page stops showing "This guide needs an update" as soon as its mark clears.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from know_your_rights.models import GuideUpdateMark
from know_your_rights.tracker import impact, recording
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
)
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

GUIDE_PATH = "/en/guides/test-cached-guide/"
NOTICE = 'class="notice notice-update"'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def marked_guide(site_tree, django_capture_on_commit_callbacks):
    statement = make_statement("test-cached-statement", summary="Test summary.")
    guide = make_guide(
        "test-cached-guide", title="Test cached guide", body=body_citing([statement])
    )
    with django_capture_on_commit_callbacks(execute=True):
        recording.record_change(
            statement,
            status="rescinded",
            source=PolicySourceFactory(ruling=True, title="Test ruling 2026"),
            effective_date=datetime.date(2026, 3, 1),
            note="Test change.",
        )
    assert GuideUpdateMark.objects.open().filter(page=guide).exists()
    return guide


def test_a_cached_guide_drops_the_notice_when_legal_review_clears_its_mark(
    client, marked_guide, django_capture_on_commit_callbacks
):
    first = client.get(GUIDE_PATH)
    assert first["X-Cache"] == "miss" and NOTICE in first.content.decode()
    cached = client.get(GUIDE_PATH)
    assert cached["X-Cache"] == "hit" and NOTICE in cached.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        cleared = impact.clear_after_legal_review(
            marked_guide, UserFactory(editor=True), timezone.now()
        )
    assert cleared == 1

    after = client.get(GUIDE_PATH)
    assert NOTICE not in after.content.decode()
    assert after["X-Cache"] == "miss"


def test_a_cached_guide_shows_the_notice_once_a_change_marks_it(
    client, site_tree, django_capture_on_commit_callbacks
):
    statement = make_statement("test-cached-statement", summary="Test summary.")
    make_guide("test-cached-guide", title="Test cached guide", body=body_citing([statement]))
    assert NOTICE not in client.get(GUIDE_PATH).content.decode()
    assert client.get(GUIDE_PATH)["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        recording.record_change(
            statement,
            status="rescinded",
            source=PolicySourceFactory(ruling=True, title="Test ruling 2026"),
            effective_date=datetime.date(2026, 3, 1),
            note="Test change.",
        )
    assert NOTICE in client.get(GUIDE_PATH).content.decode()
