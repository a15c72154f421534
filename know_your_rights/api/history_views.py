"""Read-only API views of the policy tracker: a statement's history, recent changes.

History is recorded on the source-language (English) statement and shared by
its translations, so any language version's id answers with the same events.
Thin: the events' sources and statements are fetched in bulk for the page
(``history_serializers.event_context``).
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound

from core.api.localized import LANG_PARAMETER, LocalizedListMixin, validated
from know_your_rights.api.history_serializers import PolicyEventSerializer, event_context
from know_your_rights.models import PolicyEvent, PolicyStatement

# Larger ids cannot be in the database (and would overflow its integer type).
MAX_ID = 2**63 - 1

# ISO 8601 in the extended form only: a date, or a date and time (minutes at
# least) with an optional offset. Python also reads basic forms ("20260131");
# the schema documents exactly this, so nothing else is accepted.
ISO_DATE_OR_DATETIME = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)


@extend_schema_field(
    {
        "type": "string",
        "pattern": ISO_DATE_OR_DATETIME,
        "example": "2026-01-31",
        "description": (
            "ISO 8601 date (from its start, in the site's time zone) or date and time "
            "(without an offset: the site's time zone)."
        ),
    }
)
class DateOrDateTimeField(serializers.Field):
    """A moment given as `2026-01-31` (its start, site time) or `2026-01-31T09:00Z`."""

    default_error_messages = {
        "invalid": ("Use an ISO 8601 date (2026-01-31) or date and time (2026-01-31T09:00:00Z)."),
    }

    def to_internal_value(self, data) -> datetime.datetime:
        if not isinstance(data, str) or not re.fullmatch(ISO_DATE_OR_DATETIME, data):
            self.fail("invalid")
        try:
            if "T" in data:
                moment = datetime.datetime.fromisoformat(data)
            else:
                moment = datetime.datetime.combine(
                    datetime.date.fromisoformat(data), datetime.time.min
                )
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # The database compares in UTC: a moment that has none (year 1 with a
            # positive offset, year 9999 with a negative one) is refused here.
            return moment.astimezone(datetime.UTC)
        except (ValueError, OverflowError):
            self.fail("invalid")


class PolicyChangeQuery(serializers.Serializer):
    since = DateOrDateTimeField(
        required=False,
        help_text="Only changes recorded at or after this date or moment (ISO 8601).",
    )


class PolicyEventList(LocalizedListMixin, generics.ListAPIView):
    """Shared by both lists: events of one page, with their context fetched in bulk."""

    serializer_class = PolicyEventSerializer

    def paginate_queryset(self, queryset):
        self.page_events = super().paginate_queryset(queryset)
        return self.page_events

    def get_serializer_context(self):
        context = super().get_serializer_context()
        event_context(context, getattr(self, "page_events", []))
        return context

    @staticmethod
    def all_events():
        return PolicyEvent.objects.select_related("source", "statement", "superseded_by")


@extend_schema(
    parameters=[
        LANG_PARAMETER,
        OpenApiParameter(
            "id",
            OpenApiTypes.INT,
            OpenApiParameter.PATH,
            description="A policy statement's id, in any language: translations share "
            "their source's history.",
        ),
    ]
)
class PolicyStatementHistory(PolicyEventList):
    """A statement's public history, oldest first: its first version, each change,
    each correction of a wrongly recorded change, and each verification."""

    def get_queryset(self):
        context = self.language_context()
        pk = self.kwargs["pk"]
        statement = (
            PolicyStatement.objects.filter(pk=pk).only("translation_key").first()
            if pk <= MAX_ID
            else None
        )
        if statement is None:
            raise NotFound("No policy statement has this id.")
        source_statement = (
            PolicyStatement.objects.filter(
                translation_key=statement.translation_key, locale_id=context["default_id"]
            )
            .values_list("pk", flat=True)
            .first()
        )
        return self.all_events().filter(statement_id=source_statement or pk).order_by("sequence")


@extend_schema(parameters=[LANG_PARAMETER, PolicyChangeQuery])
class PolicyChangeList(PolicyEventList):
    """Changes and corrections to every statement, newest first (by when they
    were recorded); each with its page on the public site."""

    def get_queryset(self):
        query = validated(PolicyChangeQuery, self.request)
        events = self.all_events().changes()
        if query.get("since"):
            events = events.since(query["since"])
        return events.order_by("-recorded_at", "-pk")
