"""The guide pages, and the help line setting every page shows.

A GuidePage's body cites PolicyStatement and Hotline snippets (``policy.py``)
through its blocks; what a page shows beside its body is gathered by
``know_your_rights.guides`` (sources, review state) and
``know_your_rights.cards`` (the wallet card).
"""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from core.locales import request_default_locale
from core.view_restrictions import OneQueryViewRestrictionsMixin
from know_your_rights.blocks import GuideBodyBlock
from know_your_rights.cards import card_context, render_card_pdf
from know_your_rights.flyers import (
    FlyerRequestError,
    flyer_context,
    flyer_filename,
    flyer_options,
    render_flyer_pdf,
)
from know_your_rights.guides import guide_context
from know_your_rights.pdf_rate_limit import allow_pdf, too_many_pdfs
from know_your_rights.review import review_state

__all__ = ["GuideIndexPage", "GuidePage", "HelpLineSettings"]


@register_setting(icon="help")
class HelpLineSettings(BaseSiteSetting):
    """The group's own help line, shown in the page header once set."""

    name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    panels = [
        HelpPanel(content=str(_("Shown at the top of every page once a phone number is set."))),
        FieldPanel("name"),
        FieldPanel("phone"),
    ]

    class Meta:
        verbose_name = _("help line")

    @property
    def is_set(self) -> bool:
        return bool(self.phone.strip())


class GuideIndexPage(Page):
    """`/<lang>/guides/`: the list of guides."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["know_your_rights.GuidePage"]
    max_count_per_parent = 1

    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("intro"),
    ]

    class Meta:
        verbose_name = _("guide index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = (
            GuidePage.objects.child_of(self).live().public().specific().order_by("path")
        )
        context["review"] = review_state(self, request_default_locale(request).pk)
        return context


class GuidePageQuerySet(PageQuerySet):
    def only(self, *fields):
        # Django refuses only() beside select_related("audio") (the manager's);
        # whoever asks for some fields only does not want the audio.
        return super(GuidePageQuerySet, self.select_related(None)).only(*fields)


class GuidePageManager(PageManager):
    """Guide pages with their audio (``GuideAudio``, if any) in the same query.

    Wagtail fetches a routed page's specific object through the default
    manager, so a guide page learns whether it has audio without a query of
    its own (the page's query ceiling, tests/know_your_rights/test_query_count.py);
    API lists get it the same way.
    """

    _queryset_class = GuidePageQuerySet

    def get_queryset(self):
        return super().get_queryset().select_related("audio")


class GuidePage(OneQueryViewRestrictionsMixin, RoutablePageMixin, Page):
    """One situation ("Talking to the NYPD"), its rights and where they come from."""

    objects = GuidePageManager()

    situation = models.CharField(
        max_length=255, help_text=_("The situation, in the reader's words.")
    )
    summary = models.TextField(help_text=_("Two or three plain sentences."))
    last_reviewed = models.DateField(null=True, blank=True)
    body = StreamField(GuideBodyBlock(), use_json_field=True)

    content_panels = Page.content_panels + [
        FieldPanel("situation"),
        FieldPanel("summary"),
        FieldPanel("last_reviewed"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("situation"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]
    parent_page_types = ["know_your_rights.GuideIndexPage"]
    subpage_types: list[str] = []

    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("situation"),
        TranslatableField("summary"),
        SynchronizedField("last_reviewed"),
        TranslatableField("body"),
    ]

    class Meta:
        verbose_name = _("guide")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(guide_context(self, request_default_locale(request).pk))
        return context

    @path("")
    def guide(self, request):
        return self.render(request)

    @path("card/")
    def card(self, request):
        context = self.get_context(request)
        context.update(card_context(self))
        return render(request, "know_your_rights/card.html", context)

    @path("card/pdf/")
    def card_pdf(self, request):
        if not self.live:
            raise Http404
        if not allow_pdf(request):
            return too_many_pdfs()
        context = self.get_context(request)
        context.update(card_context(self))
        pdf = render_card_pdf(request, context)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"faro-{self.slug}-{self.locale.language_code}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    @path("flyer/pdf/")
    def flyer_pdf(self, request):
        """The printable flyer (``know_your_rights.flyers``): ?with=<language>&size=<paper>."""
        if not self.live:
            raise Http404
        if not allow_pdf(request):
            return too_many_pdfs()
        language = translation.get_language()
        try:
            options = flyer_options(request.GET, language)
        except FlyerRequestError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        fallback = getattr(request, "faro_fallback", False)
        context = flyer_context(self, language, fallback, options)
        response = HttpResponse(
            render_flyer_pdf(request, context, options), content_type="application/pdf"
        )
        filename = flyer_filename(self, context)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
