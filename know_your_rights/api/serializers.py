"""JSON for guides, policy statements, sources and hotlines.

The serializer context carries what was fetched in bulk for the whole
answer: ``locales`` (locale id → code), ``requested_language``,
``needs_review`` ({(model name, pk): bool}) and ``translations``
(translation_key → {code: id}). Policy sources are looked up in the requested
language once per answer (``localized_sources``). Nothing here queries per item.

Everything is rendered in the requested language (``?lang=``, else
Accept-Language): date labels, block labels, kind and status labels.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core.absolute_urls import page_url
from core.api.language import versions_in_language
from core.api.localized import LocalizedMixin, TranslationsMixin
from know_your_rights.dates import format_partial_date
from know_your_rights.models import GuidePage, Hotline, PolicySource, PolicyStatement
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

    class Meta:
        model = PolicySource
        fields = [
            "id",
            "title",
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


# --- Guide body blocks -------------------------------------------------------


class RightValueSerializer(serializers.Serializer):
    right = serializers.CharField(help_text="What you have a right to.")
    say = serializers.CharField(allow_blank=True)
    avoid = serializers.CharField(allow_blank=True)
    on_card = serializers.BooleanField()
    statement = PolicyStatementSerializer(allow_null=True, help_text="The cited statement.")


class StepsValueSerializer(serializers.Serializer):
    heading = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())


class CalloutValueSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True)
    text = serializers.CharField(help_text="HTML: paragraphs, bold, italic, links, lists.")
    statement = PolicyStatementSerializer(allow_null=True)


class HotlineValueSerializer(serializers.Serializer):
    hotline = HotlineSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class FaqItemSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(help_text="HTML.")


class FaqValueSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True)
    items = FaqItemSerializer(many=True)


class ParagraphValueSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="HTML: paragraphs, bold, italic, links, lists.")


BLOCK_VALUE_SERIALIZERS = {
    "right": RightValueSerializer,
    "steps": StepsValueSerializer,
    "callout": CalloutValueSerializer,
    "hotline": HotlineValueSerializer,
    "faq": FaqValueSerializer,
    "paragraph": ParagraphValueSerializer,
}


def _block_serializer(block_type: str, value_serializer):
    return type(
        f"{block_type.title()}BlockSerializer",
        (serializers.Serializer,),
        {
            "id": serializers.CharField(),
            "type": serializers.ChoiceField(choices=[block_type]),
            "label": serializers.CharField(help_text="The block's name in the requested language."),
            "value": value_serializer(),
            "Meta": type("Meta", (), {"ref_name": f"{block_type.title()}Block"}),
        },
    )


GuideBlockSchema = PolymorphicProxySerializer(
    component_name="GuideBlock",
    serializers={name: _block_serializer(name, s) for name, s in BLOCK_VALUE_SERIALIZERS.items()},
    resource_type_field_name="type",
    many=True,
)


def block_value(block_type: str, value) -> dict:
    """A StreamField block's value as plain data (snippets stay objects for serializers)."""
    if block_type == "right":
        return {
            "right": value.get("right") or "",
            "say": value.get("say") or "",
            "avoid": value.get("avoid") or "",
            "on_card": bool(value.get("on_card")),
            "statement": value.get("statement"),
        }
    if block_type == "steps":
        return {"heading": value.get("heading") or "", "steps": [str(s) for s in value["steps"]]}
    if block_type == "callout":
        return {
            "heading": value.get("heading") or "",
            "text": str(value.get("text") or ""),
            "statement": value.get("statement"),
        }
    if block_type == "hotline":
        return {"hotline": value.get("hotline"), "note": value.get("note") or ""}
    if block_type == "faq":
        return {
            "heading": value.get("heading") or "",
            "items": [
                {"question": item["question"], "answer": str(item["answer"])}
                for item in value["items"]
            ],
        }
    return {"html": str(value)}


# --- Guides ------------------------------------------------------------------


class GuideSerializer(LocalizedMixin, TranslationsMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The guide on the public site.")
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
            "source_changed_at",
            "translations",
        ]

    def get_needs_review(self, obj) -> bool:
        return self.context["needs_review"].get(("page", obj.pk), False)

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
