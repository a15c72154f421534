"""The home page, one per language, and the locale fallback for every page."""

from django.db import models
from django.http import Http404
from django.utils import translation
from wagtail.admin.panels import FieldPanel
from wagtail.models import Locale, Page

from cms.home import home_listings


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
        if self.locale.language_code != translation.get_language():
            # No home page in the reader's language at all.
            request.faro_fallback = True
        try:
            return super().route(request, path_components)
        except Http404:
            source = self.source_home()
            if source is None:
                raise
            result = source.specific.route(request, path_components)
            request.faro_fallback = True
            return result
