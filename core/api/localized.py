"""What every localized API answer shares: the `?lang=` parameter, the bulk
language context of a list view, and the `language`/`fallback`/`needs_review`
and `translations` fields of its items.

A view mixes in ``LocalizedListMixin``; its serializers mix in
``LocalizedMixin`` (and ``TranslationsMixin`` for translatable pages). The
view fills the context once per answer (``locales``, ``requested_language``,
``language_id``, ``default_id``, ``needs_review``, ``translations``), so
nothing queries per item.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.api.language import in_language, locale_codes, locale_ids, requested_language
from core.languages import codes

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    description=(
        "Language code (see /api/v1/languages/). Without it, Accept-Language decides. "
        "An unsupported code is a 400 listing the supported ones. Where a thing has no "
        "version in this language, its source is served with `fallback: true`."
    ),
    enum=codes(),
)


def validated(query_serializer, request) -> dict:
    """The known query parameters, checked (400 on a bad value); unknown ones are ignored."""
    query = query_serializer(data=request.query_params)
    # DRF reads an empty form value as "not given"; a partner who sends
    # `?area=` most likely has a bug, so say so.
    empty = {
        name: ["This parameter may not be empty."]
        for name in query.fields
        if request.query_params.get(name, None) == ""
    }
    if empty:
        raise ValidationError(empty)
    query.is_valid(raise_exception=True)
    return query.validated_data


class LocalizedListMixin:
    """Shared parts of the lists: the language asked for and the bulk context."""

    def language_context(self) -> dict:
        """Locales, the requested language and its locale id, computed once per request."""
        if not hasattr(self, "_language_context"):
            locales = locale_codes()
            ids = locale_ids(locales)
            language = requested_language(self.request)
            self._language_context = {
                "locales": locales,
                "requested_language": language,
                "language_id": ids.get(language),
                "default_id": ids.get(settings.LANGUAGE_CODE),
            }
        return self._language_context

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.update(self.language_context())
        context.setdefault("needs_review", {})
        context.setdefault("translations", {})
        return context

    def list(self, request, *args, **kwargs):
        self.language_context()  # a bad ?lang= is a 400 before anything else
        return super().list(request, *args, **kwargs)


class LocalizedMixin(serializers.Serializer):
    """`language` served, `fallback` when it is not the one asked for, `needs_review`."""

    language = serializers.SerializerMethodField(help_text="The language actually served.")
    fallback = serializers.SerializerMethodField(
        help_text="True when the requested language has no version and the source is served."
    )
    needs_review = serializers.SerializerMethodField(
        help_text="A translation no person has approved yet (machine or unreviewed)."
    )

    def get_language(self, obj) -> str:
        return self.context["locales"][obj.locale_id]

    def get_fallback(self, obj) -> bool:
        requested = self.context.get("requested_language")
        return requested is not None and self.get_language(obj) != requested

    def get_needs_review(self, obj) -> bool:
        return self.context["needs_review"].get((type(obj)._meta.model_name, obj.pk), False)

    def to_representation(self, instance):
        with in_language(self.context.get("requested_language")):
            return super().to_representation(instance)


class TranslationsMixin(serializers.Serializer):
    """`translations`: language code → id of each published version of the same thing."""

    translations = serializers.SerializerMethodField(
        help_text="Language code → id of each published version of the same thing."
    )

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "example": {"en": 4, "es": 9},
        }
    )
    def get_translations(self, obj) -> dict:
        return self.context["translations"].get(obj.translation_key, {})
