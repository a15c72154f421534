"""The public policy tracker: `/<lang>/policy/…` pages and the Atom feed of changes.

Thin: what each page shows comes from ``know_your_rights.tracker_pages``.
Anonymous answers go through the page cache like every public page; saving
a statement, an event or a guide mark purges it (``cms.signals``).
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.absolute_urls import absolute_url
from know_your_rights import tracker_pages


def tracker_view(request):
    """`/<lang>/policy/`: every statement, its status, its history and the guides citing it."""
    entries = tracker_pages.tracker_entries(request.LANGUAGE_CODE)
    return render(request, "know_your_rights/policy/tracker.html", {"entries": entries})


def statement_view(request, key: str):
    """`/<lang>/policy/<key>/`: one statement's timeline."""
    entry = tracker_pages.statement_entry(key, request.LANGUAGE_CODE)
    if entry is None:
        raise Http404(_("No such policy statement."))
    return render(request, "know_your_rights/policy/statement.html", {"entry": entry})


def change_view(request, event_id: int):
    """`/<lang>/policy/changes/<id>/`: one change, what it touched; guide notices link here."""
    change = tracker_pages.change_entry(event_id, request.LANGUAGE_CODE)
    if change is None:
        raise Http404(_("No such policy change."))
    return render(request, "know_your_rights/policy/change.html", {"change": change})


class PolicyChangeFeed(Feed):
    """Changes and corrections, newest first, in the path's language (each
    statement in English where it is not translated). Links are absolute on
    SITE_URL: the feed is cached and served to everyone."""

    feed_type = Atom1Feed

    def get_object(self, request):
        self.language = translation.get_language()
        return None

    def title(self):
        return _("Faro policy tracker: changes")

    def link(self):
        return absolute_url(reverse("policy_tracker"))

    def feed_url(self):
        return absolute_url(reverse("policy_feed"))

    def subtitle(self):
        return _("Changes to the policy Faro's guides rely on.")

    def items(self):
        return tracker_pages.feed_changes(self.language)

    def item_title(self, item):
        return _("%(summary)s — now: %(status)s") % {
            "summary": item.statement.shown.item.summary,
            "status": item.event.event.get_status_display(),
        }

    def item_description(self, item):
        event = item.event.event
        parts = [
            _("Takes effect: %(date)s.") % {"date": event.effective_display},
            _("Source: %(title)s, %(date)s.")
            % {"title": item.event.source.item.title, "date": item.event.source.item.date_display},
        ]
        if event.note:
            parts.append(event.note)
        return " ".join(parts)

    def item_link(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.event.event.recorded_at

    def item_updateddate(self, item):
        return item.event.event.recorded_at
