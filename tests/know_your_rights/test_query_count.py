"""A guide page costs a fixed number of queries, however many blocks it has."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from know_your_rights.guide_body import cited_hotlines, cited_statements
from know_your_rights.models import GuideIndexPage, GuidePage, Hotline, PolicyStatement
from know_your_rights.review import approve

# Site and home page 2 (cms.page_frame), routing 2, view restrictions 1,
# cited statements 1, sources 1, review state 1, language links 1, the
# policy tracker's "needs update" notices 1. The page frame's one query is
# PostgreSQL's: on SQLite (`make run`) Wagtail routes by itself, 7 more.
MAX_QUERIES = 10 if connection.vendor == "postgresql" else 17


def _body(count: int, statements, hotlines) -> list[tuple]:
    blocks = []
    for n in range(count):
        statement = statements[n % len(statements)]
        kind = n % 5
        if kind == 0:
            blocks.append(("right", {"right": f"Right {n}", "say": "Say", "statement": statement}))
        elif kind == 1:
            blocks.append(
                ("callout", {"heading": f"Note {n}", "text": "<p>x</p>", "statement": statement})
            )
        elif kind == 2:
            blocks.append(("hotline", {"hotline": hotlines[n % len(hotlines)], "note": ""}))
        elif kind == 3:
            blocks.append(("steps", {"heading": f"Steps {n}", "steps": ["One", "Two"]}))
        else:
            blocks.append(
                ("faq", {"heading": "", "items": [{"question": "Q?", "answer": "<p>A</p>"}]})
            )
    return blocks


@pytest.fixture
def guides(seeded):
    english = Locale.get_default()
    index = GuideIndexPage.objects.get(locale=english)
    statements = list(PolicyStatement.objects.filter(locale=english))
    hotlines = [
        Hotline.objects.create(locale=english, name=f"Test line {n}", phone="000") for n in range(3)
    ]
    pages = {}
    for count in (5, 50):
        page = GuidePage(
            title=f"{count} blocks",
            slug=f"blocks-{count}",
            situation="s",
            summary="s",
            body=_body(count, statements, hotlines),
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        pages[count] = page
    return pages


def _queries(client, url) -> int:
    cache.clear()  # measure a real render, not the page cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_blocks(guides, client, django_assert_max_num_queries):
    # Warm per-process caches (site, locales) with a real render: an entry
    # an earlier test left in the shared page cache would skip the render.
    cache.clear()
    client.get(guides[5].url)
    short, long = _queries(client, guides[5].url), _queries(client, guides[50].url)
    assert long == short, (short, long)
    for page in guides.values():
        cache.clear()
        with django_assert_max_num_queries(MAX_QUERIES):
            assert client.get(page.url).status_code == 200
    html = client.get(guides[50].url).content.decode()
    assert html.count('class="statement ') == 20  # 10 rights + 10 callouts, each cited


def test_translated_guide_stays_within_the_same_ceiling(
    seeded, client, django_assert_max_num_queries
):
    # A translation also reads its review state (approvals, translation log)
    # and falls back through the locales: the ceiling is this page's count.
    guide = GuidePage.objects.live().filter(locale__language_code="es").order_by("path").first()
    cache.clear()
    client.get(guide.url)  # warm per-process caches, as above
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(guide.url)
    assert response.status_code == 200
    assert guide.title in response.content.decode()


def test_an_approved_translation_stays_within_the_same_ceiling(
    seeded, client, admin_user, django_assert_max_num_queries
):
    # Approval covers the guide and every statement and hotline it shows:
    # all are checked in the one query an unapproved guide needs.
    guide = GuidePage.objects.live().filter(locale__language_code="es").order_by("path").first()
    for shown in (guide, *cited_statements(guide.body), *cited_hotlines(guide.body)):
        approve(shown, admin_user)
    cache.clear()
    client.get(guide.url)  # warm per-process caches, as above
    cache.clear()
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(guide.url)
    assert "notice-review" not in response.content.decode()
