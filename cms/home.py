"""What the home page lists: the group's guides and the latest unexpired alerts.

A language's tree may lag behind the source language's: a guide or an alert
not yet translated is still listed, from the source tree, marked with its
language, and linked under the reader's prefix, where the locale fallback
(HomePage.route) serves it with a notice. The number of queries does not grow
with the number of guides or alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from wagtail.models import Page

from advocacy.models import AlertIndexPage, AlertPage
from know_your_rights.models import GuideIndexPage, GuidePage


@dataclass(frozen=True)
class Listed:
    """One page as the home page lists it."""

    page: Page
    url: str
    # The page's language when it is not the reader's (a source page shown
    # because no translation exists yet), else "".
    lang: str = ""


def reader_url(page: Page, home: Page, language: str) -> str:
    """`page`'s path under the reader's language prefix, computed without a query.

    Slugs are synchronised across translations, so the path below the home
    page is the same in every language.
    """
    below_home = page.url_path[len(home.url_path) :]
    return f"/{language}/{below_home}"


def _merge(
    mine: list[Page], source: list[Page], home, source_home, language: str, source_lang: str
) -> list[Listed]:
    keys = {page.translation_key for page in mine}
    listed = [Listed(page, reader_url(page, home, language)) for page in mine]
    listed += [
        Listed(page, reader_url(page, source_home, language), source_lang)
        for page in source
        if page.translation_key not in keys
    ]
    return listed


def home_listings(home, language: str, alert_count: int) -> dict:
    """Template context for `home`: guides, alerts and the two index links.

    Returns `guides` and `alerts` (lists of Listed, alerts newest first, at
    most `alert_count`), `guide_index_url` and `alert_index_url` (or "").
    """
    source_home = home.source_home()
    homes = [home] if source_home is None else [home, source_home]
    source_lang = source_home.locale.language_code if source_home else ""
    now = timezone.now()

    def guides_of(tree):
        return list(GuidePage.objects.descendant_of(tree).live().public().order_by("path"))

    def alerts_of(tree):
        return list(
            AlertPage.objects.descendant_of(tree)
            .approved()
            .public()
            .unexpired(now)
            .order_by("-first_published_at")[:alert_count]
        )

    guides = guides_of(home)
    alerts = alerts_of(home)
    if source_home is not None:
        guides = _merge(guides, guides_of(source_home), home, source_home, language, source_lang)
        merged = _merge(alerts, alerts_of(source_home), home, source_home, language, source_lang)
        merged.sort(key=lambda item: item.page.first_published_at, reverse=True)
        alerts = merged[:alert_count]
    else:
        guides = [Listed(page, reader_url(page, home, language)) for page in guides]
        alerts = [Listed(page, reader_url(page, home, language)) for page in alerts]

    def index_url(model) -> str:
        for tree in homes:
            index = model.objects.child_of(tree).live().public().first()
            if index is not None:
                return reader_url(index, tree, language)
        return ""

    return {
        "guides": guides,
        "alerts": alerts,
        "guide_index_url": index_url(GuideIndexPage),
        "alert_index_url": index_url(AlertIndexPage),
    }
