"""JSON for alerts, areas and topics, and the checked input of subscription writes."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from advocacy.models import AlertPage, Area, Topic
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number
from core.absolute_urls import page_url
from core.api.localized import LocalizedMixin, TranslationsMixin
from core.languages import codes

SLUG_LIST_LIMIT = 200


class AreaSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", help_text="In the requested language.")
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="The borough a neighbourhood lies in (null for a borough).",
    )

    class Meta:
        model = Area
        fields = ["id", "slug", "name", "parent"]


class TopicSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", help_text="In the requested language.")

    class Meta:
        model = Topic
        fields = ["id", "slug", "name"]


class LinkedGuideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()


class AlertSerializer(LocalizedMixin, TranslationsMixin, serializers.ModelSerializer):
    body = serializers.SerializerMethodField(
        help_text="HTML: paragraphs, bold, italic, links, lists."
    )
    areas = serializers.SerializerMethodField(help_text="Area slugs; empty means every area.")
    topics = serializers.SerializerMethodField(help_text="Topic slugs; empty means every topic.")
    guide = serializers.SerializerMethodField(help_text="The guide that says what to do.")
    expired = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The alert on the public site.")

    class Meta:
        model = AlertPage
        fields = [
            "id",
            "title",
            "summary",
            "body",
            "urgency",
            "areas",
            "topics",
            "guide",
            "expires_at",
            "expired",
            "follow_up_kind",
            "follow_up_of",
            "first_published_at",
            "last_published_at",
            "url",
            "language",
            "fallback",
            "needs_review",
            "translations",
        ]

    def get_needs_review(self, obj) -> bool:
        return self.context["needs_review"].get(("page", obj.pk), False)

    def get_body(self, obj) -> str:
        return expand_db_html(obj.body) if obj.body else ""

    def get_areas(self, obj) -> list[str]:
        return self.context["areas"].get(obj.pk, [])

    def get_topics(self, obj) -> list[str]:
        return self.context["topics"].get(obj.pk, [])

    @extend_schema_field(LinkedGuideSerializer(allow_null=True))
    def get_guide(self, obj):
        return self.context["guides"].get(obj.pk)

    def get_expired(self, obj) -> bool:
        return obj.is_expired

    def get_url(self, obj) -> str | None:
        # On SITE_URL, whatever Host the request named (answers are cached).
        return page_url(obj, self.context.get("request"))


class StrictInputSerializer(serializers.Serializer):
    """Rejects unknown and read-only fields by name instead of ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = ["Unknown field."]
                elif field.read_only:
                    errors[name] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def _check_slugs(model, slugs: list[str], what: str) -> list[str]:
    found = set(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = sorted(set(slugs) - found)
    if missing:
        raise serializers.ValidationError(f"Unknown {what}: {', '.join(missing)}.")
    return list(dict.fromkeys(slugs))


class ChoicesSerializer(StrictInputSerializer):
    language = serializers.ChoiceField(
        choices=codes(),
        help_text="The language of the alerts (a code from /api/v1/languages/).",
    )
    areas = serializers.ListField(
        child=serializers.SlugField(max_length=100),
        max_length=SLUG_LIST_LIMIT,
        required=False,
        help_text="Area slugs from /api/v1/areas/; empty or absent means every area.",
    )
    topics = serializers.ListField(
        child=serializers.SlugField(max_length=100),
        max_length=SLUG_LIST_LIMIT,
        required=False,
        help_text="Topic slugs from /api/v1/topics/; empty or absent means every topic.",
    )
    digest = serializers.BooleanField(required=False, help_text="Also send a weekly summary.")

    def validate_areas(self, value):
        return _check_slugs(Area, value, "area")

    def validate_topics(self, value):
        return _check_slugs(Topic, value, "topic")


class SubscribeSerializer(ChoicesSerializer):
    email = serializers.EmailField(
        max_length=254,
        required=False,
        allow_blank=True,
        help_text="The address for alerts by email; it gets a confirmation link.",
    )
    phone = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text=(
            "A mobile number for alerts by text message, with its country code "
            "(+1 718 555 0123) or in the site's default region. It is texted a code "
            "to confirm: reply YES or enter it on the site. Give `email`, `phone` or both."
        ),
    )

    class Meta:
        fields = ["email", "phone", "language", "areas", "topics", "digest"]

    def validate_phone(self, value):
        if not value.strip():
            return ""
        try:
            return parse_mobile_number(value)
        except InvalidPhoneNumber as exc:
            raise serializers.ValidationError(str(exc.message)) from None

    def validate(self, attrs):
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError(
                {"email": [_("Give an email address, a mobile number, or both.")]}
            )
        return attrs


class AcceptedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["accepted"])
    message = serializers.CharField()


class ConfirmSerializer(StrictInputSerializer):
    token = serializers.CharField(
        max_length=1000, help_text="The token from the confirmation link."
    )


class ConfirmedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active"])
    manage_token = serializers.CharField(
        help_text="Send as `Authorization: Bearer` to subscriptions/me/ to read, change or leave."
    )


class SubscriptionSerializer(ChoicesSerializer):
    """A subscriber as its owner sees it; writes change only language, areas, topics, digest."""

    language = serializers.ChoiceField(choices=codes(), required=False)
    status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    email_confirmed = serializers.BooleanField(
        read_only=True, help_text="Whether alerts go to the address (its link was followed)."
    )
    phone_ending = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The last 4 digits of the number for text messages; null when there is none.",
    )
    phone_confirmed = serializers.BooleanField(
        read_only=True, help_text="Whether alerts are texted to the number (it was confirmed)."
    )

    def to_representation(self, subscriber):
        phone = subscriber.phone
        return {
            "language": subscriber.language,
            "areas": sorted(area.slug for area in subscriber.areas.all()),
            "topics": sorted(topic.slug for topic in subscriber.topics.all()),
            "digest": subscriber.wants_digest,
            "status": subscriber.status,
            "created_at": serializers.DateTimeField().to_representation(subscriber.created_at),
            "confirmed_at": (
                serializers.DateTimeField().to_representation(subscriber.confirmed_at)
                if subscriber.confirmed_at
                else None
            ),
            "email_confirmed": bool(subscriber.email_hash)
            and not subscriber.email_awaiting_confirmation,
            "phone_ending": phone[-4:] if phone else None,
            "phone_confirmed": subscriber.phone_confirmed_at is not None,
        }


class ChangedSubscriptionSerializer(SubscriptionSerializer):
    """The answer to a change: the subscription and the management token that replaces the old."""

    manage_token = serializers.CharField(
        read_only=True,
        help_text="The new token for `Authorization: Bearer`; the one used for the change no longer works.",
    )
