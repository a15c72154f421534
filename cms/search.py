"""Site search over guides and alerts in the reader's language.

Wagtail's database search backend uses PostgreSQL full text search when the
database is PostgreSQL and a portable implementation otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from advocacy.models import AlertPage
from know_your_rights.models import GuidePage

# Longer strings are cut before they reach the backend: nobody types more
# to find a guide, and it bounds the cost of a hostile query.
MAX_QUERY_LENGTH = 100
MAX_RESULTS = 30


def clean_query(raw: str | None) -> str:
    """The query as passed to the backend: trimmed, one line, at most MAX_QUERY_LENGTH characters."""
    query = " ".join((raw or "").split())
    return query[:MAX_QUERY_LENGTH].strip()


def search_pages(raw_query: str | None, language: str) -> list[Page]:
    """Live public guides and unexpired alerts in `language` matching the query, best first."""
    query = clean_query(raw_query)
    if not query:
        return []
    try:
        locale = Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    now = timezone.now()
    unexpired_alerts = AlertPage.objects.approved().filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    pages = (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .filter(
            Q(pk__in=GuidePage.objects.filter(locale=locale).values("pk"))
            | Q(pk__in=unexpired_alerts.filter(locale=locale).values("pk"))
        )
    )
    backend = get_search_backend()
    try:
        results = backend.search(query, pages)[:MAX_RESULTS]
        return [page.specific for page in results]
    except DatabaseError:
        # SQLite's full-text engine rejects some punctuation ('">' and the
        # like) as query syntax: such a query finds nothing instead of a 500.
        return []
