"""Alert short links: `/a/<code>/` on Faro's own domain, for text messages.

The same random codes as the guides' short links (``know_your_rights.short_links``:
one per translation key and language, never derived from anything, naming
nobody), under their own path: `/a/` leads to an alert, so a gone or expired
alert answers with the alerts list of the code's language rather than the
guides list. A text carries the code of the translation it was made from,
so the link opens the alert in the language the subscriber reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page

from advocacy.models import AlertIndexPage, AlertPage
from core.absolute_urls import absolute_url
from know_your_rights.models.short_links import ShortLink
from know_your_rights.short_links import CODE_LENGTH, short_code

__all__ = ["AlertLinkTarget", "alert_link_url", "placeholder_link_url", "resolve_alert_link"]


def alert_link_url(page: AlertPage) -> str:
    """The short link of ``page`` (one translation) on SITE_URL, its code made if missing."""
    code = short_code(page.translation_key, page.locale_id)
    return absolute_url(reverse("alert_short_link", args=[code]))


def placeholder_link_url() -> str:
    """A link exactly as long as a real one, for measuring a text without making a code."""
    return absolute_url(reverse("alert_short_link", args=["x" * CODE_LENGTH]))


@dataclass(frozen=True)
class AlertLinkTarget:
    """Where a code leads: ``redirect_to`` (a path) for a current alert; None
    for a deleted or expired one, with ``alerts_list`` to go to instead."""

    language_code: str
    redirect_to: str | None
    alerts_list: str


def resolve_alert_link(code: str) -> AlertLinkTarget | None:
    """Where ``code`` leads, or None for a code never made or not an alert's.

    The approved, unexpired alert in the code's language; else its source
    language version (what subscribers without a translation were sent);
    else the alert is gone or expired.
    """
    link = ShortLink.objects.select_related("locale").filter(code=code.lower()).first()
    if link is None:
        return None
    language = link.locale.language_code
    index = (
        AlertIndexPage.objects.live().filter(locale_id=link.locale_id).first()
        or AlertIndexPage.objects.live().filter(locale=Locale.get_default()).first()
    )
    alerts_list = index.get_url() if index is not None else f"/{language}/"
    if _belongs_to_another_page(link):
        return None
    current = {
        page.locale_id: page
        for page in AlertPage.objects.approved()
        .unexpired(timezone.now())
        .filter(translation_key=link.translation_key)
    }
    page = current.get(link.locale_id) or current.get(Locale.get_default().pk)
    if page is not None:
        return AlertLinkTarget(language, page.get_url(), alerts_list)
    return AlertLinkTarget(language, None, alerts_list)


def _belongs_to_another_page(link: ShortLink) -> bool:
    # Guides share the codes table: a guide's code is not an alert link. A
    # deleted alert leaves no page row, so a key no page holds is a gone alert.
    pages = Page.objects.filter(translation_key=link.translation_key)
    return (
        pages.exists()
        and not AlertPage.objects.filter(translation_key=link.translation_key).exists()
    )
