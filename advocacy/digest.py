"""The weekly digest: alerts and updated guides since each subscriber's last one.

Beat calls ``queue_weekly_digest``; it makes a Dispatch of kind digest whose
rows go through the same claim/send/retry machinery as alerts (on the
default queue, so urgent alerts never wait behind it). What each subscriber
gets is decided when their message is sent: the approved alerts published since
their last digest (or the last week) that concern their areas and topics,
and the guides updated in that time, each in their language where a live
translation exists. Someone with nothing new gets no email. Rendering is
cached per (language, alerts, guides), so subscribers who share a selection
share one rendering.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from wagtail.models import Locale

from advocacy.dispatching.ledger import enqueue_prepare
from advocacy.models import AlertPage, Dispatch, Subscriber
from advocacy.rendering import render_digest
from know_your_rights.models import GuidePage

DIGEST_PERIOD = timedelta(days=7)
# How far back a digest ever looks, for someone who never had one.
LOOKBACK_LIMIT = timedelta(days=35)


def queue_weekly_digest(now=None) -> Dispatch | None:
    """Create this week's digest dispatch (and queue its preparation).

    Returns None when a digest was already made in the last six days (beat
    running twice, or a restart) or nobody wants one.
    """
    now = now or timezone.now()
    if Dispatch.objects.filter(
        kind=Dispatch.Kind.DIGEST, created_at__gt=now - timedelta(days=6)
    ).exists():
        return None
    if not Subscriber.objects.active().filter(wants_digest=True).exists():
        return None
    dispatch = Dispatch.objects.create(
        kind=Dispatch.Kind.DIGEST,
        alert_title="Weekly digest",
        period_start=now - DIGEST_PERIOD,
        period_end=now,
        urgent=False,
    )
    enqueue_prepare(dispatch)
    return dispatch


def _updated_guides(since, until) -> list:
    """Live source-language guides published in (since, until]."""
    return list(
        GuidePage.objects.live()
        .public()
        .filter(
            locale=Locale.get_default(), last_published_at__gt=since, last_published_at__lte=until
        )
        .order_by("-last_published_at")[:20]
    )


class DigestContent:
    """The per-subscriber message source of a digest dispatch."""

    def __init__(self, dispatch: Dispatch):
        self.dispatch = dispatch
        self.until = dispatch.period_end or dispatch.created_at
        self.default_since = dispatch.period_start or (self.until - DIGEST_PERIOD)
        earliest = self.until - LOOKBACK_LIMIT
        default_locale = Locale.get_default()
        self._candidates = (
            AlertPage.objects.approved()
            .public()
            .filter(locale=default_locale, first_published_at__gt=earliest)
            .filter(first_published_at__lte=self.until)
            .unexpired(self.until)
        )
        alerts = self._candidates.prefetch_related("topics").order_by("-first_published_at")
        self.alerts = [(alert, {t.pk for t in alert.topics.all()} or None) for alert in alerts]
        # Area id (None: every area) -> ids of the alerts above concerning it.
        self._concerning: dict[int | None, set[int]] = {}
        self.guides = _updated_guides(earliest, self.until)
        self._areas: dict[int, set[int]] = {}
        self._topics: dict[int, set[int]] = {}
        self._rendered: dict = {}
        self._localized: dict = {}

    def prepare(self, subscribers) -> None:
        """Load the chunk's subscribers' areas and topics in two queries."""
        ids = [s.pk for s in subscribers]
        self._areas = {pk: set() for pk in ids}
        self._topics = {pk: set() for pk in ids}
        for sub_id, area_id in Subscriber.areas.through.objects.filter(
            subscriber_id__in=ids
        ).values_list("subscriber_id", "area_id"):
            self._areas[sub_id].add(area_id)
        for sub_id, topic_id in Subscriber.topics.through.objects.filter(
            subscriber_id__in=ids
        ).values_list("subscriber_id", "topic_id"):
            self._topics[sub_id].add(topic_id)

    def _alerts_concerning(self, area_id: int | None) -> set[int]:
        """Ids of this digest's alerts that concern an area (None: any area,
        for a subscriber who follows every area); one query per area, kept."""
        if area_id not in self._concerning:
            if area_id is None:
                concerned = self._candidates.concerning_any_area()
            else:
                concerned = self._candidates.concerning(area_id)
            self._concerning[area_id] = set(concerned.values_list("pk", flat=True))
        return self._concerning[area_id]

    def selection(self, subscriber) -> tuple[list, list]:
        """(alerts, guides) for one subscriber, in the source language."""
        since = subscriber.last_digest_at or self.default_since
        areas = self._areas.get(subscriber.pk, set())
        topics = self._topics.get(subscriber.pk, set())
        concerned = set().union(*map(self._alerts_concerning, areas or [None]))
        chosen = []
        for alert, alert_topics in self.alerts:
            if alert.first_published_at <= since:
                continue
            if alert.pk not in concerned:
                continue
            if alert_topics is not None and topics and not (topics & alert_topics):
                continue
            chosen.append(alert)
        guides = [g for g in self.guides if g.last_published_at > since]
        return chosen, guides

    def _localize(self, page, language: str):
        key = (page.pk, language)
        if key not in self._localized:
            try:
                locale = Locale.objects.get(language_code=language)
            except Locale.DoesNotExist:
                locale = None
            translated = page.get_translation_or_none(locale) if locale else None
            if isinstance(translated, AlertPage):
                # A translation of an alert is used only once approved itself.
                readable = translated.is_approved_live
            else:
                readable = translated is not None and translated.live
            self._localized[key] = translated if readable else page
        return self._localized[key]

    def message_for(self, subscriber):
        """The rendered digest for this subscriber, or None if nothing is new."""
        alerts, guides = self.selection(subscriber)
        if not alerts and not guides:
            return None
        language = subscriber.language
        key = (language, tuple(a.pk for a in alerts), tuple(g.pk for g in guides))
        if key not in self._rendered:
            self._rendered[key] = render_digest(
                language,
                [self._localize(a, language) for a in alerts],
                [self._localize(g, language) for g in guides],
            )
        return self._rendered[key]


def mark_digested(dispatch: Dispatch, subscriber_ids) -> None:
    """Remember when these subscribers last got a digest."""
    Subscriber.objects.filter(pk__in=list(subscriber_ids)).update(
        last_digest_at=dispatch.period_end or dispatch.created_at
    )
