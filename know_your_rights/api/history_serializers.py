"""JSON for the policy tracker's history: one PolicyEvent per item.

The serializer context carries, besides what every localized answer has
(``know_your_rights.api.serializers``), ``statement_versions``: statement id
→ the same statement in the requested language (else the source), for each
event's statement and the statement it was superseded by
(``event_context`` fills it, with the sources, in a few queries whatever the
number of events).

Who recorded an event is never shown: editors' names and addresses stay in
the admin.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.language import in_language, versions_in_language
from core.api.localized import LocalizedMixin
from know_your_rights.api.policy_serializers import (
    PartialDateSerializer,
    PolicySourceSerializer,
    localize_sources,
    partial_date,
)
from know_your_rights.models import PolicyEvent, PolicyStatement
from know_your_rights.policy_links import change_url
from know_your_rights.review import needs_review_map


def event_context(context: dict, events) -> None:
    """Fetch in bulk what the events' JSON shows: their sources and statements
    in the requested language (and whether those translations need review)."""
    events = list(events)
    localize_sources(context, [event.source for event in events])
    statements = {event.statement_id: event.statement for event in events}
    statements.update(
        {event.superseded_by_id: event.superseded_by for event in events if event.superseded_by_id}
    )
    versions = versions_in_language(
        PolicyStatement, statements.values(), context["language_id"], context["default_id"]
    )
    context["statement_versions"] = versions
    review = context.setdefault("needs_review", {})
    for pk, flag in needs_review_map(set(versions.values()), context["default_id"]).items():
        review[("policystatement", pk)] = flag


class PolicyStatementReferenceSerializer(LocalizedMixin, serializers.ModelSerializer):
    """The statement an event belongs to, in the requested language where translated."""

    class Meta:
        model = PolicyStatement
        fields = ["id", "key", "summary", "language", "fallback", "needs_review"]


class PolicyEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(
        source="get_kind_display", help_text="`kind` as readers see it, in the requested language."
    )
    statement = serializers.SerializerMethodField(
        help_text="The statement, in the requested language where translated."
    )
    status = serializers.ChoiceField(
        choices=PolicyStatement.Status.choices,
        help_text="The statement's status as this event left it (or as it was checked).",
    )
    status_label = serializers.CharField(
        source="get_status_display",
        help_text="`status` as readers see it, in the requested language.",
    )
    previous_status = serializers.SerializerMethodField(
        help_text="The status before this event; null for a first version."
    )
    quote = serializers.CharField(
        help_text="The statement's words as this event left them, in the source's language."
    )
    previous_quote = serializers.CharField(
        help_text="The words before this event; empty for a first version."
    )
    note = serializers.CharField(
        help_text="What changed (or what was checked), in plain language, as recorded."
    )
    source = PolicySourceSerializer(
        help_text="The document that says so, in the requested language where translated."
    )
    effective = serializers.SerializerMethodField(
        help_text="When the change takes effect, as much as the source says."
    )
    checked_on = serializers.DateField(
        allow_null=True, help_text="A verification: the day the statement was checked."
    )
    corrects = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text="A correction: the id of the event it corrects.",
    )
    superseded_by = serializers.SerializerMethodField(
        help_text=(
            "Superseded: the id of the statement that replaced it, in the requested "
            "language where translated."
        )
    )
    recorded_at = serializers.DateTimeField(help_text="When the event was recorded.")
    url = serializers.SerializerMethodField(
        help_text=(
            "A change or correction: its page on the public site, in the requested "
            "language. Null for a first version or a verification."
        )
    )

    class Meta:
        model = PolicyEvent
        fields = [
            "id",
            "sequence",
            "kind",
            "kind_label",
            "statement",
            "status",
            "status_label",
            "previous_status",
            "quote",
            "previous_quote",
            "note",
            "source",
            "effective",
            "checked_on",
            "corrects",
            "superseded_by",
            "recorded_at",
            "url",
        ]

    def to_representation(self, instance):
        with in_language(self.context.get("requested_language")):
            return super().to_representation(instance)

    @extend_schema_field(PolicyStatementReferenceSerializer)
    def get_statement(self, obj) -> dict:
        version = self.context["statement_versions"].get(obj.statement_id, obj.statement)
        return PolicyStatementReferenceSerializer(version, context=self.context).data

    @extend_schema_field(
        serializers.ChoiceField(choices=PolicyStatement.Status.choices, allow_null=True)
    )
    def get_previous_status(self, obj) -> str | None:
        return obj.previous_status or None

    @extend_schema_field(PartialDateSerializer)
    def get_effective(self, obj) -> dict:
        return partial_date(
            obj.effective_year,
            obj.effective_month,
            obj.effective_day,
            self.context.get("requested_language"),
        )

    def get_superseded_by(self, obj) -> int | None:
        if obj.superseded_by_id is None:
            return None
        version = self.context["statement_versions"].get(obj.superseded_by_id)
        return version.pk if version is not None else obj.superseded_by_id

    def get_url(self, obj) -> str | None:
        if not obj.changes_statement:
            return None
        return change_url(obj.pk, self.context.get("requested_language") or settings.LANGUAGE_CODE)
