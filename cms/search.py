"""Site search over guides and alerts in the reader's language.

Wagtail's database search backend uses PostgreSQL full text search when the
database is PostgreSQL and a portable implementation otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from advocacy.models import AlertPage
from know_your_rights.models import GuidePage
from know_your_rights.search_terms import MAX_SEARCH_LENGTH, search_words

MAX_QUERY_LENGTH = MAX_SEARCH_LENGTH
MAX_RESULTS = 30


def clean_query(raw: str | None) -> str:
    """The query as shown back to the reader: one line, at most MAX_QUERY_LENGTH characters."""
    query = " ".join((raw or "").split())
    return query[:MAX_QUERY_LENGTH].strip()


def search_pages(raw_query: str | None, language: str) -> list[Page]:
    """Live public guides and unexpired alerts in `language` matching the query, best first.

    Only the query's words reach the backend (``search_words``): quotes,
    parentheses and the like are full-text syntax the database would refuse.
    """
    query = search_words(clean_query(raw_query), MAX_QUERY_LENGTH)
    if not query:
        return []
    try:
        locale = Locale.objects.get(language_code=language)
    except Locale.DoesNotExist:
        locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    unexpired_alerts = AlertPage.objects.approved().unexpired()
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
        # A savepoint, so that a refused query leaves PostgreSQL's
        # transaction usable for the rest of the page.
        with transaction.atomic():
            results = list(backend.search(query, pages)[:MAX_RESULTS])
    except DatabaseError:
        # Last line of defence: search_words leaves no query syntax, but a
        # backend that still refuses the query finds nothing instead of a 500.
        return []
    return [page.specific for page in results]
