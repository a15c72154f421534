"""JSON for policy sources, policy statements and hotlines, in the requested language.

What the serializer context carries is described in ``know_your_rights.api.serializers``;
policy sources are looked up in the requested language once per answer
(``localize_sources``), so nothing here queries per item.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.language import versions_in_language
from core.api.localized import LocalizedMixin
from know_your_rights.dates import format_partial_date
from know_your_rights.models import Hotline, PolicySource, PolicyStatement
from know_your_rights.review import needs_review_map


class PartialDateSerializer(serializers.Serializer):
    """A date known perhaps only to the month or the year."""

    year = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    day = serializers.IntegerField(allow_null=True)
    display = serializers.CharField(
        help_text="As readers see it, in the requested language, e.g. `2017 (day not given)`."
    )


def partial_date(year, month, day, language: str | None) -> dict:
    """A partial date with its label in `language`."""
    return {
        "year": year,
        "month": month,
        "day": day,
        "display": format_partial_date(year, month, day, language),
    }


def localize_sources(context: dict, sources) -> None:
    """Find each source in the requested language (one query) and its review flag.

    A translated statement points at the source-language document (the source
    is a synchronised field); readers get the document's title and
    description in their language where a translation exists, else the source
    with `fallback: true`.
    """
    found = context.setdefault("localized_sources", {})
    sources = {source.pk: source for source in sources if source.pk not in found}
    if not sources:
        return
    ids = {code: pk for pk, code in context["locales"].items()}
    default_id = ids.get(settings.LANGUAGE_CODE)
    versions = versions_in_language(
        PolicySource, sources.values(), ids.get(context.get("requested_language")), default_id
    )
    found.update(versions)
    review = context.setdefault("needs_review", {})
    for pk, flag in needs_review_map(set(versions.values()), default_id).items():
        review[("policysource", pk)] = flag


class PolicySourceSerializer(LocalizedMixin, serializers.ModelSerializer):
    """A document in the requested language where translated (title, issuer,
    where its text comes from); its full text stays in its own words."""

    date = serializers.SerializerMethodField(help_text="When the document was issued.")
    kind_label = serializers.CharField(
        source="get_kind_display", help_text="`kind` as readers see it, in the requested language."
    )

    class Meta:
        model = PolicySource
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "issuer",
            "date",
            "url",
            "text_attribution",
            "language",
            "fallback",
            "needs_review",
        ]

    def to_representation(self, instance):
        if instance.pk not in self.context.get("localized_sources", {}):
            localize_sources(self.context, [instance])
        return super().to_representation(self.context["localized_sources"][instance.pk])

    @extend_schema_field(PartialDateSerializer)
    def get_date(self, obj) -> dict:
        return partial_date(
            obj.date_year, obj.date_month, obj.date_day, self.context.get("requested_language")
        )


class PolicyStatementListSerializer(serializers.ListSerializer):
    """Looks up every statement's source in the requested language at once."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        localize_sources(self.context, [item.source for item in items])
        return super().to_representation(items)


class PolicyStatementSerializer(LocalizedMixin, serializers.ModelSerializer):
    source = PolicySourceSerializer()
    as_of = serializers.SerializerMethodField(help_text="When the statement was made or true.")
    out_of_date = serializers.BooleanField(
        help_text="Never verified, or its review date has passed: check before relying on it."
    )
    kind_label = serializers.CharField(
        source="get_kind_display", help_text="`kind` as readers see it, in the requested language."
    )
    status_label = serializers.CharField(
        source="get_status_display",
        help_text="`status` as readers see it, in the requested language.",
    )

    class Meta:
        model = PolicyStatement
        list_serializer_class = PolicyStatementListSerializer
        fields = [
            "id",
            "key",
            "kind",
            "kind_label",
            "attribution",
            "quote",
            "summary",
            "status",
            "status_label",
            "status_note",
            "as_of",
            "last_verified",
            "review_due",
            "out_of_date",
            "named_contact",
            "named_contact_phone",
            "source",
            "language",
            "fallback",
            "needs_review",
        ]

    @extend_schema_field(PartialDateSerializer)
    def get_as_of(self, obj) -> dict:
        return partial_date(
            obj.as_of_year, obj.as_of_month, obj.as_of_day, self.context.get("requested_language")
        )


class HotlineSerializer(LocalizedMixin, serializers.ModelSerializer):
    class Meta:
        model = Hotline
        fields = [
            "id",
            "name",
            "phone",
            "hours",
            "languages_served",
            "audience",
            "language",
            "fallback",
            "needs_review",
        ]
