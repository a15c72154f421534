"""Read-only API views: thin, the version choice and bulk fetching live in helpers.

Only live pages that no view restriction hides (`.live().public()`) are ever
read; a live page's row holds its published content, so drafts never show.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

from core.api.language import choose_versions
from core.api.localized import LANG_PARAMETER, LocalizedListMixin, validated
from core.languages import codes
from know_your_rights.api import serializers as api
from know_your_rights.guide_body import cited_hotlines, cited_statements
from know_your_rights.guides import sources_for
from know_your_rights.models import GuidePage, GuideUpdateMark, Hotline, PolicyStatement
from know_your_rights.review import needs_review_map, source_changed_map
from know_your_rights.search_terms import search_words

# Larger ids cannot be in the database (and would overflow its integer type).
MAX_ID = 2**63 - 1


class GuideQuery(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words to search for.")
    situation = serializers.SlugField(
        required=False, max_length=255, help_text="A situation slug (a guide's `slug`)."
    )


def _review(objects, default_id, kind: str) -> dict:
    return {(kind, pk): flag for pk, flag in needs_review_map(objects, default_id).items()}


def _needing_update(pages) -> set[int]:
    """Ids of `pages` a policy change marked and that are not updated yet (one query)."""
    return set(
        GuideUpdateMark.objects.open()
        .filter(page_id__in=[page.pk for page in pages])
        .values_list("page_id", flat=True)
    )


@extend_schema(parameters=[LANG_PARAMETER, GuideQuery])
class GuideList(LocalizedListMixin, generics.ListAPIView):
    """Published guides, one per situation, in the requested language where translated."""

    serializer_class = api.GuideSerializer

    def get_queryset(self):
        query = validated(GuideQuery, self.request)
        context = self.language_context()
        rows = GuidePage.objects.live().public().order_by("path")
        if query.get("situation"):
            rows = rows.filter(slug=query["situation"])
        rows = list(rows.values_list("pk", "translation_key", "locale_id"))
        self.translations = {}
        for pk, key, locale_id in rows:
            self.translations.setdefault(key, {})[context["locales"][locale_id]] = pk
        chosen = [
            row[0] for row in choose_versions(rows, context["language_id"], context["default_id"])
        ]
        if query.get("q"):
            # Words only: quotes, parentheses and other full-text syntax would
            # make the database refuse the query (a 500).
            words = search_words(query["q"], GuideQuery().fields["q"].max_length)
            matched = (
                {page.pk for page in GuidePage.objects.filter(pk__in=chosen).search(words)}
                if words
                else set()
            )
            chosen = [pk for pk in chosen if pk in matched]
        return chosen

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset)
        pages = GuidePage.objects.filter(pk__in=ids).defer("body").in_bulk()
        self.page_objects = [pages[pk] for pk in ids if pk in pages]
        return self.page_objects

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["translations"] = getattr(self, "translations", {})
        context["needs_review"] = _review(
            getattr(self, "page_objects", []), context["default_id"], "page"
        )
        context["source_changed"] = source_changed_map(
            getattr(self, "page_objects", []), context["default_id"]
        )
        context["needs_update"] = _needing_update(getattr(self, "page_objects", []))
        return context


class GuideDetail(LocalizedListMixin, generics.RetrieveAPIView):
    """One guide with its body as typed blocks, cited statements and their sources.

    `id` names one language version; `?lang=` answers with the same guide in
    that language (or its source, with `fallback: true`).
    """

    serializer_class = api.GuideDetailSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "lang",
                OpenApiTypes.STR,
                description=(
                    "Answer with this guide's version in this language (the source, with "
                    "`fallback: true`, if it has none). Without it, the version `id` names."
                ),
                enum=codes(),
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        context = self.language_context()
        pk = self.kwargs["pk"]
        if pk > MAX_ID:
            raise NotFound("No published guide has this id.")
        published = GuidePage.objects.live().public()
        page = published.filter(pk=pk).first()
        if page is None:
            raise NotFound("No published guide has this id.")
        rows = list(
            published.filter(translation_key=page.translation_key).values_list(
                "pk", "translation_key", "locale_id"
            )
        )
        self.translations = {page.translation_key: {context["locales"][r[2]]: r[0] for r in rows}}
        if "lang" in self.request.query_params:
            chosen = choose_versions(
                [(page.pk, page.translation_key, page.locale_id)]
                + [r for r in rows if r[0] != page.pk],
                context["language_id"],
                context["default_id"],
            )[0]
            if chosen[0] != page.pk:
                page = published.get(pk=chosen[0])
        else:
            context["requested_language"] = context["locales"][page.locale_id]
        self.page = page
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "page", None)
        if page is None:
            return context
        context["translations"] = self.translations
        statements = cited_statements(page.body)
        prefetch_related_objects(statements, "source")
        hotlines = cited_hotlines(page.body)
        context["sources"] = sources_for(statements)
        context["source_changed"] = source_changed_map([page], context["default_id"])
        context["needs_update"] = _needing_update([page])
        review = _review([page], context["default_id"], "page")
        review.update(_review(statements, context["default_id"], "policystatement"))
        review.update(_review(hotlines, context["default_id"], "hotline"))
        context["needs_review"] = review
        return context


def _localized_snippets(model, context) -> list:
    """One row per translation_key of ``model``: requested language, else source."""
    rows = list(model.objects.values_list("pk", "translation_key", "locale_id"))
    return [row[0] for row in choose_versions(rows, context["language_id"], context["default_id"])]


class SnippetList(LocalizedListMixin, generics.ListAPIView):
    model = None
    related: tuple = ()

    def get_queryset(self):
        return _localized_snippets(self.model, self.language_context())

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset)
        objects = self.model.objects.filter(pk__in=ids).select_related(*self.related).in_bulk()
        self.objects = [objects[pk] for pk in ids if pk in objects]
        return self.objects

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["needs_review"] = _review(
            getattr(self, "objects", []), context["default_id"], self.model._meta.model_name
        )
        return context


@extend_schema(parameters=[LANG_PARAMETER])
class PolicyStatementList(SnippetList):
    """Every policy statement, with the document it comes from, status and dates."""

    serializer_class = api.PolicyStatementSerializer
    model = PolicyStatement
    related = ("source",)


@extend_schema(parameters=[LANG_PARAMETER])
class HotlineList(SnippetList):
    """Phone lines readers may call, with hours, languages served and who they are for."""

    serializer_class = api.HotlineSerializer
    model = Hotline
