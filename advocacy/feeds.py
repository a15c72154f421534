"""Atom feeds of alerts, per language and per area: follow alerts without an email address."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from wagtail.models import Locale

from advocacy.models import AlertPage, Area
from core.absolute_urls import absolute_url, page_url

FEED_LENGTH = 30


def alerts_for_feed(language: str, area: Area | None = None) -> list[AlertPage]:
    """Approved, public, unexpired alerts in `language` (the source where not translated), newest first.

    Only approved alerts (``AlertPage.objects.approved()``): a translation that
    is not approved is left out, and its source language is listed instead.

    With an area: the alerts concerning it (``AlertPageQuerySet.concerning``:
    for that area, an area containing it or inside it, or every area).
    """
    default = Locale.get_default()
    alerts = (
        AlertPage.objects.approved()
        .public()
        .unexpired()
        .filter(locale__language_code__in={language, default.language_code})
        .select_related("locale")
        .order_by("-first_published_at")
    )
    if area is not None:
        alerts = alerts.concerning(area)
    chosen: dict = {}
    for alert in alerts[: FEED_LENGTH * 2]:
        current = chosen.get(alert.translation_key)
        if current is None or alert.locale.language_code == language:
            chosen[alert.translation_key] = alert
    return sorted(chosen.values(), key=lambda a: a.first_published_at, reverse=True)[:FEED_LENGTH]


class AlertFeed(Feed):
    """Every link in the feed is absolute on SITE_URL, never on the request's
    Host: the feed is cached and served to everyone."""

    feed_type = Atom1Feed

    def get_object(self, request, area_slug=None):
        self.language = translation.get_language()
        if area_slug is None:
            return None
        try:
            return Area.objects.get(slug=area_slug)
        except Area.DoesNotExist:
            raise Http404(_("No such area.")) from None

    def title(self, area):
        if area is None:
            return _("Faro alerts")
        return _("Faro alerts: %(area)s") % {"area": area.display_name}

    def link(self, area):
        return absolute_url(f"/{self.language}/alerts/")

    def feed_url(self, area):
        suffix = f"{area.slug}/" if area else ""
        return absolute_url(f"/{self.language}/alerts/feed/{suffix}")

    def subtitle(self, area):
        return _("Alerts from Faro. Following this feed needs no email address.")

    def items(self, area):
        return alerts_for_feed(self.language, area)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return page_url(item)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at
