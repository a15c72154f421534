"""API views for alerts, areas, topics and subscriptions.

Thin: subscription rules live in advocacy.subscriptions; alert version choice
reuses core.api.language. Only approved, public alert pages appear
(``AlertPage.objects.approved()``, see advocacy.approval).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.models import Page

from advocacy.api import serializers as api
from advocacy.api.authentication import (
    HasSubscriberToken,
    SubscriberTokenAuthentication,
    TokenRefused,
)
from advocacy.models import AlertPage, Area, Topic
from advocacy.subscriptions import (
    SubscriptionError,
    confirm,
    make_choices,
    queue_sign_up,
    unsubscribe,
    update_preferences,
)
from advocacy.tokens import MANAGE, TokenError, make_token
from core.api.language import choose_versions, requested_language
from core.api.localized import LANG_PARAMETER, LocalizedListMixin, validated
from know_your_rights.models import GuidePage
from know_your_rights.review import needs_review_map


class AlertQuery(serializers.Serializer):
    area = serializers.SlugField(
        required=False, max_length=100, help_text="Alerts concerning this area (slug)."
    )
    topic = serializers.SlugField(
        required=False, max_length=100, help_text="Alerts on this topic (slug)."
    )
    urgency = serializers.ChoiceField(choices=AlertPage.Urgency.values, required=False)
    since = serializers.DateTimeField(
        required=False,
        help_text="Only alerts published or updated at or after this time (ISO 8601).",
    )
    include_expired = serializers.BooleanField(
        required=False, default=False, help_text="Also list expired alerts."
    )

    def validate_area(self, value):
        area = Area.objects.filter(slug=value).first()
        if area is None:
            raise ValidationError(f"Unknown area: {value}.")
        return area

    def validate_topic(self, value):
        topic = Topic.objects.filter(slug=value).first()
        if topic is None:
            raise ValidationError(f"Unknown topic: {value}.")
        return topic


@extend_schema(parameters=[LANG_PARAMETER, AlertQuery])
class AlertList(LocalizedListMixin, generics.ListAPIView):
    """Published alerts, newest first; unexpired only unless `include_expired=true`."""

    serializer_class = api.AlertSerializer

    def get_queryset(self):
        query = validated(AlertQuery, self.request)
        context = self.language_context()
        alerts = AlertPage.objects.approved().public()
        if not query["include_expired"]:
            alerts = alerts.unexpired()
        if query.get("urgency"):
            alerts = alerts.filter(urgency=query["urgency"])
        if query.get("since"):
            alerts = alerts.filter(last_published_at__gte=query["since"])
        if query.get("area"):
            alerts = alerts.concerning(query["area"])
        if query.get("topic"):
            concerned = AlertPage.objects.filter(Q(topics__isnull=True) | Q(topics=query["topic"]))
            alerts = alerts.filter(translation_key__in=concerned.values("translation_key"))
        rows = list(alerts.values_list("pk", "translation_key", "locale_id", "first_published_at"))
        self.translations = {}
        first_published = {}
        for pk, key, locale_id, published in rows:
            self.translations.setdefault(key, {})[context["locales"][locale_id]] = pk
            if published and (key not in first_published or published < first_published[key]):
                first_published[key] = published
        chosen = choose_versions(rows, context["language_id"], context["default_id"])
        oldest = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        chosen.sort(key=lambda row: (first_published.get(row[1]) or oldest, row[0]), reverse=True)
        return [row[0] for row in chosen]

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset)
        pages = AlertPage.objects.filter(pk__in=ids).in_bulk()
        self.alerts = [pages[pk] for pk in ids if pk in pages]
        return self.alerts

    def get_serializer_context(self):
        context = super().get_serializer_context()
        alerts = getattr(self, "alerts", [])
        context["translations"] = getattr(self, "translations", {})
        context["needs_review"] = {
            ("page", pk): flag
            for pk, flag in needs_review_map(alerts, context["default_id"]).items()
        }
        ids = [alert.pk for alert in alerts]
        context["areas"] = _slugs(AlertPage.areas.through, "area", ids)
        context["topics"] = _slugs(AlertPage.topics.through, "topic", ids)
        context["guides"] = _linked_guides(alerts, context)
        return context

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # A cached answer must not outlive the next alert to expire.
        next_expiry = (
            AlertPage.objects.approved().unexpired().aggregate(next=Min("expires_at"))["next"]
        )
        if next_expiry is not None:
            seconds = int((next_expiry - timezone.now()).total_seconds()) + 1
            response.api_cache_seconds = max(1, min(seconds, settings.API_CACHE_SECONDS))
        return response


def _slugs(through, field: str, alert_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = through.objects.filter(alertpage_id__in=alert_ids).values_list(
        "alertpage_id", f"{field}__slug"
    )
    for alert_id, slug in rows.order_by(f"{field}__slug"):
        found.setdefault(alert_id, []).append(slug)
    return found


def _linked_guides(alerts, context) -> dict[int, dict]:
    """Alert id → its guide in the alert's language (else the guide's source), if live."""
    guide_ids = {alert.guide_id for alert in alerts if alert.guide_id}
    if not guide_ids:
        return {}
    keys = dict(Page.objects.filter(pk__in=guide_ids).values_list("pk", "translation_key"))
    versions: dict = {}
    for pk, key, locale_id, title in (
        GuidePage.objects.live()
        .public()
        .filter(translation_key__in=set(keys.values()))
        .values_list("pk", "translation_key", "locale_id", "title")
    ):
        versions.setdefault(key, []).append((pk, key, locale_id, title))
    linked = {}
    for alert in alerts:
        rows = versions.get(keys.get(alert.guide_id), [])
        if rows:
            pk, _key, locale_id, title = choose_versions(
                rows, alert.locale_id, context["default_id"]
            )[0]
            linked[alert.pk] = {"id": pk, "title": title, "language": context["locales"][locale_id]}
    return linked


class NamedList(generics.ListAPIView):
    """Areas and topics: names in the requested language (gettext catalogs)."""

    def list(self, request, *args, **kwargs):
        with translation.override(requested_language(request)):
            return super().list(request, *args, **kwargs)


@extend_schema(parameters=[LANG_PARAMETER])
class AreaList(NamedList):
    """Boroughs and neighbourhoods (`parent` is the borough), for alert filters and sign-ups."""

    serializer_class = api.AreaSerializer
    queryset = Area.objects.select_related("parent").order_by("parent_id", "name", "pk")


@extend_schema(parameters=[LANG_PARAMETER])
class TopicList(NamedList):
    """What alerts are about, for alert filters and sign-ups."""

    serializer_class = api.TopicSerializer
    queryset = Topic.objects.order_by("name", "pk")


# --- Subscriptions ------------------------------------------------------------

ACCEPTED_MESSAGE = (
    "If this address can receive alerts, an email is on its way to it. "
    "A new sign-up starts only when the link in that email is used."
)
ACCEPTED_PHONE_MESSAGE = (
    "If this number can receive alerts, a code is on its way to it by text message. "
    "Text messages start only when the number replies YES or the code is entered on the site."
)


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


def _choices(data: dict, current=None):
    """``Choices`` from validated data, falling back to the subscriber's current ones."""
    try:
        return make_choices(
            data.get("language", current.language if current else settings.LANGUAGE_CODE),
            data.get(
                "areas", list(current.areas.values_list("slug", flat=True)) if current else []
            ),
            data.get(
                "topics", list(current.topics.values_list("slug", flat=True)) if current else []
            ),
            data.get("digest", current.wants_digest if current else False),
        )
    except SubscriptionError as exc:
        raise ValidationError({"non_field_errors": [str(exc)]}) from None


class SubscriptionCreate(APIView):
    """Ask for alerts. The answer is the same whether or not the address is known."""

    throttle_scope = "subscriptions"
    authentication_classes: list = []

    @extend_schema(
        request=api.SubscribeSerializer,
        responses={202: api.AcceptedSerializer},
        description=(
            "Starts a double opt-in: a confirmation email goes to the address (or, if it "
            "is already subscribed, a note with its preferences link), and a code is "
            "texted to the number (confirmed by a YES reply or on the site's "
            "/<lang>/subscribe/phone/ page). Always 202 for a valid request. Throttled per "
            "client address, per email address and per number."
        ),
    )
    def post(self, request):
        data = api.SubscribeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            # Queued for the worker: the same path for a known and a new address or number.
            queue_sign_up(
                data.validated_data.get("email", ""),
                _choices(data.validated_data),
                phone=data.validated_data.get("phone", ""),
            )
        except SubscriptionError as exc:
            raise ValidationError({"email": [str(exc)]}) from None
        given = data.validated_data
        message = " ".join(
            text
            for text, wanted in (
                (ACCEPTED_MESSAGE, given.get("email")),
                (ACCEPTED_PHONE_MESSAGE, given.get("phone")),
            )
            if wanted
        )
        body = {"status": "accepted", "message": message}
        return _no_store(Response(body, status=status.HTTP_202_ACCEPTED))


class SubscriptionConfirm(APIView):
    """Confirm a sign-up with the token from the confirmation email."""

    throttle_scope = "subscriptions-confirm"
    authentication_classes: list = []

    @extend_schema(
        request=api.ConfirmSerializer,
        responses={200: api.ConfirmedSerializer},
        description=(
            "A confirmation token works once: a second use answers 400 `token_used` "
            "and changes nothing."
        ),
    )
    def post(self, request):
        data = api.ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            subscriber = confirm(data.validated_data["token"])
        except TokenError as exc:
            error = ValidationError({"token": [str(exc.message)]})
            error.error_code = TokenRefused(exc).error_code
            raise error from None
        body = {"status": "active", "manage_token": make_token(subscriber, MANAGE)}
        return _no_store(Response(body))


class SubscriptionMe(APIView):
    """Read, change or end a subscription, with `Authorization: Bearer <token>`."""

    throttle_scope = "subscriptions-manage"
    authentication_classes = [SubscriberTokenAuthentication]
    permission_classes = [HasSubscriberToken]

    def initial(self, request, *args, **kwargs):
        if "token" in request.query_params:
            error = ValidationError(
                {"token": ["Send the token as `Authorization: Bearer <token>`, never in the URL."]}
            )
            error.error_code = "token_in_query"
            raise error
        super().initial(request, *args, **kwargs)

    @extend_schema(responses={200: api.SubscriptionSerializer})
    def get(self, request):
        return _no_store(Response(api.SubscriptionSerializer(request.auth).data))

    @extend_schema(
        request=api.SubscriptionSerializer,
        responses={200: api.ChangedSubscriptionSerializer},
        description=(
            "A change replaces the management token: the one sent stops working and "
            "`manage_token` in the answer is the new one."
        ),
    )
    def patch(self, request):
        data = api.SubscriptionSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        subscriber = update_preferences(request.auth, _choices(data.validated_data, request.auth))
        body = {
            **api.SubscriptionSerializer(subscriber).data,
            "manage_token": make_token(subscriber, MANAGE),
        }
        return _no_store(Response(body))

    @extend_schema(
        responses={204: OpenApiResponse(description="Unsubscribed: nothing more is sent.")},
        description="Leave: the address is deleted and only a keyed hash is kept so it is never mailed again.",
    )
    def delete(self, request):
        unsubscribe(request.auth)
        return _no_store(Response(status=status.HTTP_204_NO_CONTENT))
