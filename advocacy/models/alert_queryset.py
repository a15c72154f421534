"""The queryset readers list alert pages through (``AlertPage.objects``)."""

from __future__ import annotations

from django.db import models
from wagtail.models import PageManager
from wagtail.query import PageQuerySet

__all__ = ["AlertPageManager", "AlertPageQuerySet"]


class AlertPageQuerySet(PageQuerySet):
    """Alert pages, with the filters every reader of alerts shares."""

    def approved(self):
        """Live alerts whose live revision is the approved one (``advocacy.approval``).

        Every reader lists alerts through this: a page made live without the
        approvals its urgency needs (a queryset ``update`` in a shell) is not
        in it, in any language.
        """
        return self.live().filter(
            live_revision__isnull=False, approved_revision=models.F("live_revision")
        )


AlertPageManager = PageManager.from_queryset(AlertPageQuerySet)
