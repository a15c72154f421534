"""Which view restrictions apply to a page, in one query.

Wagtail's `Page.get_view_restrictions` reads the page's ancestors (to see
which are aliases) and then their restrictions: two queries on every page
served. The same answer comes from one query, since a page's ancestors are
the pages whose tree paths begin its own.
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Page, PageViewRestriction


class OneQueryViewRestrictionsMixin:
    """For a Page class: `get_view_restrictions` as Wagtail's, in one query."""

    def get_view_restrictions(self):
        """The view restrictions on this page and its ancestors, aliases resolved.

        As in Wagtail, an alias on the way (the page or an ancestor) counts
        with its source page's restrictions, never its own.
        """
        paths = [self.path[: depth * self.steplen] for depth in range(1, self.depth + 1)]
        on_the_way = Page.objects.filter(path__in=paths)
        return PageViewRestriction.objects.filter(
            Q(page__in=on_the_way.filter(alias_of__isnull=True))
            | Q(page__in=on_the_way.filter(alias_of__isnull=False).values("alias_of_id"))
        )
