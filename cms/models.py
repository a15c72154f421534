"""The home page, one per language, and the locale fallback for every page."""

from django.db import models
from django.http import Http404
from django.utils import translation
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, Page

from cms.home import home_listings
from core.locales import request_locales


class HomePage(Page):
    """The root of one language's tree: `/en/`, `/es/`, `/ar/` …

    Routing starts here, so this is where a page missing in the reader's
    language falls back to the source language (see `route`).
    """

    intro = models.TextField(
        blank=True, help_text="One or two plain sentences under the site name."
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = ["know_your_rights.GuideIndexPage", "advocacy.AlertIndexPage"]

    class Meta:
        verbose_name = "home page"

    # How many of the latest unexpired alerts the home page shows.
    HOME_ALERT_COUNT = 3

    def get_context(self, request, *args, **kwargs):
        """The group's guides and latest unexpired alerts, in a fixed number of queries.

        When this language has no guides yet, the source language's are
        listed (marked as such) under this language's prefix, where the
        locale fallback serves them with a notice.
        """
        context = super().get_context(request, *args, **kwargs)
        context.update(home_listings(self, translation.get_language(), self.HOME_ALERT_COUNT))
        return context

    def source_home(self):
        """The home page of the default language, or None if this is it."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return None
        return self.get_translation_or_none(default)

    def route(self, request, path_components):
        """Route in this language's tree; when the page is missing here, serve
        the source language's page and mark the request as a fallback.

        Wagtail's `page.localized` silently returns the source page (#595);
        marking the request lets the template say so, link the source as
        canonical and ask search engines not to index the copy.
        """
        if request_locales(request)[self.locale_id].language_code != translation.get_language():
            # No home page in the reader's language at all.
            request.faro_fallback = True
        try:
            return self._route_below(request, path_components)
        except Http404:
            source = self.source_home()
            if source is None:
                raise
            result = source.specific.route(request, path_components)
            request.faro_fallback = True
            return result

    def _route_below(self, request, path_components):
        """Wagtail's routing below this page, with the walk done in one query.

        Wagtail's `Page.route` fetches one child (and then its specific
        object) per path component. Every page's `url_path` is its ancestors'
        slugs, so the pages along the path are the ones whose `url_path` is a
        prefix of it: one query finds them all. The deepest is routed with
        what is left of the path, exactly as the walk would have reached it,
        provided no page on the way routes differently from `Page.route`
        (a routable page answers its own sub-paths before its children's);
        otherwise the walk is Wagtail's own.
        """
        if not path_components:
            return super().route(request, path_components)
        prefixes = [
            self.url_path + "".join(f"{slug}/" for slug in path_components[: n + 1])
            for n in range(len(path_components))
        ]
        on_the_way = list(
            Page.objects.filter(url_path__in=prefixes).descendant_of(self).order_by("depth")
        )
        if not on_the_way:
            raise Http404
        # A page whose class is gone (specific_class None) also takes the walk.
        if any(
            getattr(page.specific_class, "route", None) is not Page.route
            for page in on_the_way[:-1]
        ):
            return super().route(request, path_components)
        deepest = on_the_way[-1]
        remaining = path_components[deepest.depth - self.depth :]
        return deepest.specific.route(request, remaining)
