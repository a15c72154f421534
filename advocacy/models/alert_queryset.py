"""The queryset readers list alert pages through (``AlertPage.objects``).

The questions every reader of alerts asks are answered once here: which
alerts are approved, which are still current, and which concern an area.
The feed, the API, the weekly digest, the alert index, the home page and site
search all list alerts through it, so they cannot disagree about what
"expired" or "concerning Sunset Park" means.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from wagtail.models import Locale, PageManager
from wagtail.query import PageQuerySet

from .subscribers import Area

__all__ = ["AlertPageManager", "AlertPageQuerySet"]


class AlertPageQuerySet(PageQuerySet):
    """Alert pages, with the filters every reader of alerts shares."""

    def approved(self) -> AlertPageQuerySet:
        """Live alerts whose live revision is the approved one (``advocacy.approval``).

        Every reader lists alerts through this: a page made live without the
        approvals its urgency needs (a queryset ``update`` in a shell) is not
        in it, in any language.
        """
        return self.live().filter(
            live_revision__isnull=False, approved_revision=models.F("live_revision")
        )

    def unexpired(self, now=None) -> AlertPageQuerySet:
        """Alerts still current at ``now`` (default: this moment).

        An alert with no expiry never expires; one that expires at exactly
        ``now`` is already expired (``expired`` takes it).
        """
        now = now or timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))

    def expired(self, now=None) -> AlertPageQuerySet:
        """Alerts whose expiry is at or before ``now`` (default: this moment):
        exactly the ones ``unexpired`` leaves out."""
        now = now or timezone.now()
        return self.filter(expires_at__lte=now)

    def concerning(self, area) -> AlertPageQuerySet:
        """Alerts, in every language, that concern ``area`` (an ``Area`` or its id).

        The area rule ("area reach", ``Area.reach``), the same one that picks
        the subscribers a send goes to (``SubscriberQuerySet.matching``): an
        alert concerns area X when it is tagged with

        - X itself;
        - an area X lies in (a Brooklyn-wide alert concerns Sunset Park);
        - an area inside X (a Sunset Park alert is part of Brooklyn's news);

        or when its author ticked "Every area" and no area. It does not
        concern a sibling (a Sunset Park alert is not Bushwick's). An alert
        with neither areas nor "Every area" concerns no one, as it reaches
        no subscriber (the admin form refuses that state).

        Areas are those of the alert's source page (its version in the
        default language, else the page itself, as ``AlertPage.source_alert``),
        so every translation of an alert is in or out together.
        """
        concerned = models.Q(every_area=True, areas__isnull=True) | models.Q(
            areas__in=Area.reach([area])
        )
        return self._by_source(concerned)

    def concerning_any_area(self) -> AlertPageQuerySet:
        """Alerts that concern at least one area: tagged with an area, or for
        "Every area". A subscriber who chose no area follows every area and
        is sent exactly these (an alert with neither reaches no one)."""
        return self._by_source(models.Q(every_area=True) | models.Q(areas__isnull=False))

    def _by_source(self, condition: models.Q) -> AlertPageQuerySet:
        """Alerts whose source page (see ``concerning``) meets ``condition``."""
        pages = self.model._default_manager
        default = Locale.get_default()
        with_default = pages.filter(locale=default).values("translation_key")
        sources = pages.filter(
            models.Q(locale=default) | ~models.Q(translation_key__in=with_default)
        ).filter(condition)
        return self.filter(translation_key__in=sources.values("translation_key"))


AlertPageManager = PageManager.from_queryset(AlertPageQuerySet)
