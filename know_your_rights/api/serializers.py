"""JSON for guides; policy statements, sources and hotlines are in
``policy_serializers``, the guide body's blocks in ``body_serializers``.

The serializer context carries what was fetched in bulk for the whole
answer: ``locales`` (locale id → code), ``requested_language``,
``needs_review`` ({(model name, pk): bool}), ``needs_update`` (ids of the
guide pages with an open update mark) and ``translations``
(translation_key → {code: id}). Policy sources are looked up in the requested
language once per answer (``localized_sources``). Nothing here queries per item.

Everything is rendered in the requested language (``?lang=``, else
Accept-Language): date labels, block labels, kind and status labels.
"""

from __future__ import annotations

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.absolute_urls import page_url
from core.api.localized import LocalizedMixin, TranslationsMixin
from know_your_rights.api.body_serializers import (
    BLOCK_VALUE_SERIALIZERS,
    GuideBlockSchema,
    block_value,
)
from know_your_rights.api.outreach_fields import OutreachLinksMixin
from know_your_rights.api.policy_serializers import (
    HotlineSerializer,
    PolicySourceSerializer,
    PolicyStatementSerializer,
    localize_sources,
)
from know_your_rights.models import GuidePage

__all__ = [
    "GuideDetailSerializer",
    "GuideSerializer",
    "HotlineSerializer",
    "PolicySourceSerializer",
    "PolicyStatementSerializer",
    "SourceWithStatementsSerializer",
]


class GuideSerializer(
    OutreachLinksMixin, LocalizedMixin, TranslationsMixin, serializers.ModelSerializer
):
    url = serializers.SerializerMethodField(help_text="The guide on the public site.")
    needs_update = serializers.SerializerMethodField(
        help_text=(
            "A policy change touched a statement this guide cites and the guide has not "
            "been updated for it yet (re-reviewed, or for a translation re-approved): "
            "check `policy-changes/`. For a fallback, the source guide's state."
        )
    )
    source_changed_at = serializers.SerializerMethodField(
        help_text=(
            "When the source-language (English) guide changed after this translation was "
            "last written from it: the translation may be behind. Null when it is up to "
            "date or is itself the source."
        )
    )

    class Meta:
        model = GuidePage
        fields = [
            "id",
            "title",
            "slug",
            "situation",
            "summary",
            "last_reviewed",
            "first_published_at",
            "last_published_at",
            "url",
            "language",
            "fallback",
            "needs_review",
            "needs_update",
            "source_changed_at",
            "translations",
            "short_link",
            "flyer_pdf",
            "audio",
        ]

    def get_needs_review(self, obj) -> bool:
        return self.context["needs_review"].get(("page", obj.pk), False)

    def get_needs_update(self, obj) -> bool:
        return obj.pk in self.context.get("needs_update", ())

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_source_changed_at(self, obj) -> datetime.datetime | None:
        return self.context.get("source_changed", {}).get(obj.pk)

    def get_url(self, obj) -> str | None:
        # On SITE_URL, whatever Host the request named (answers are cached).
        return page_url(obj, self.context.get("request"))


class SourceWithStatementsSerializer(serializers.Serializer):
    source = PolicySourceSerializer()
    statements = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the cited statements it backs."
    )


class GuideDetailSerializer(GuideSerializer):
    body = serializers.SerializerMethodField(
        help_text="The guide's blocks in order; `right` blocks carry their cited statement."
    )
    sources = serializers.SerializerMethodField(help_text="Every document the guide cites.")

    class Meta(GuideSerializer.Meta):
        fields = GuideSerializer.Meta.fields + ["body", "sources"]

    def to_representation(self, instance):
        localize_sources(self.context, [entry["source"] for entry in self.context["sources"]])
        return super().to_representation(instance)

    @extend_schema_field(GuideBlockSchema)
    def get_body(self, obj) -> list:
        blocks = []
        for block in obj.body:
            value_serializer = BLOCK_VALUE_SERIALIZERS.get(block.block_type)
            if value_serializer is None:
                continue
            value = value_serializer(
                block_value(block.block_type, block.value), context=self.context
            )
            blocks.append(
                {
                    "id": block.id,
                    "type": block.block_type,
                    "label": str(block.block.label),
                    "value": value.data,
                }
            )
        return blocks

    @extend_schema_field(SourceWithStatementsSerializer(many=True))
    def get_sources(self, obj) -> list:
        return [
            {
                "source": PolicySourceSerializer(entry["source"], context=self.context).data,
                "statements": [statement.pk for statement in entry["statements"]],
            }
            for entry in self.context["sources"]
        ]
