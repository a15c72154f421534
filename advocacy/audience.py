"""Who an alert concerns, and what each language's readers will receive.

The audience of an alert is decided by its source page (areas and topics are
synchronised across translations): active subscribers whose areas meet the
alert's areas (an alert for Brooklyn reaches Sunset Park subscribers, and an
alert for Sunset Park reaches people who follow all of Brooklyn) and whose
topics meet its topics; a subscriber with no areas or no topics chose "all".
An alert reaches every area only when its author ticked "Every area": an
alert with no area and no such choice reaches nobody (the admin form refuses
it, so only an alert made outside the admin can be in that state).
A follow-up (correction, all clear) goes instead to exactly the people the
earlier alert reached, as long as its delivery rows are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from advocacy import approval
from advocacy.models import AlertPage, Delivery, Dispatch, Subscriber


def matching_subscribers(alert: AlertPage) -> QuerySet[Subscriber]:
    """Active subscribers whose areas and topics the (source) alert concerns."""
    source = alert.source_alert()
    area_ids = list(source.areas.values_list("pk", flat=True))
    if not area_ids and not source.every_area:
        return Subscriber.objects.none()
    topic_ids = list(source.topics.values_list("pk", flat=True))
    return Subscriber.objects.active().matching(areas=area_ids, topics=topic_ids)


def earlier_alert_reached(
    alert: AlertPage, channel: str | None = None
) -> QuerySet[Subscriber] | None:
    """For a follow-up: the active subscribers the earlier alert reached
    (on ``channel``, "email" or "sms", when given; on any otherwise).

    "Reached" means a delivery of any send of the earlier alert that was sent
    (or delivered) or is still queued (someone still about to get the first
    alert must get its correction too). Returns None when the earlier alert's
    delivery rows were purged after DELIVERY_RETENTION_DAYS: who got it is no
    longer known.
    """
    earlier = alert.source_alert().follow_up_of
    if earlier is None:
        return None
    earlier = earlier.source_alert()
    dispatches = Dispatch.objects.filter(alert=earlier)
    if dispatches.filter(deliveries_purged_at__isnull=False).exists():
        return None
    reached = Delivery.objects.filter(
        dispatch__in=dispatches,
        status__in=(Delivery.Status.SENT, Delivery.Status.DELIVERED, Delivery.Status.QUEUED),
    )
    if channel is not None:
        reached = reached.filter(channel=channel)
    reached = reached.values("subscriber_id")
    return Subscriber.objects.active().filter(pk__in=reached)


@dataclass
class Audience:
    """The people a send would reach, and how it is decided."""

    subscribers: QuerySet[Subscriber]
    rule: str  # "areas and topics", "earlier alert", "areas and topics (earlier rows purged)"

    def by_language(self) -> list[tuple[str, int]]:
        """(language code, number of subscribers), most readers first."""
        rows = self.subscribers.order_by().values("language").annotate(n=Count("pk"))
        return sorted(((row["language"], row["n"]) for row in rows), key=lambda r: (-r[1], r[0]))

    def count(self) -> int:
        return self.subscribers.count()


def alert_audience(alert: AlertPage) -> Audience:
    """The audience of a send of ``alert`` (see the module docstring)."""
    source = alert.source_alert()
    if source.follow_up_of_id:
        reached = earlier_alert_reached(source)
        if reached is not None:
            return Audience(reached, "earlier alert")
        return Audience(matching_subscribers(source), "areas and topics (earlier rows purged)")
    return Audience(matching_subscribers(source), "areas and topics")


def live_translations(alert: AlertPage) -> dict[str, AlertPage]:
    """The approved live versions of the (source) alert, keyed by language code.

    A translation is a page of its own with approvals of its own
    (``advocacy.approval``): one that is live without them is left out, and
    its readers get the source language. Each is checked against the rule
    again here, so a translation approved before its source became urgent
    is not sent as an urgent alert with a single approval.
    """
    source = alert.source_alert()
    pages = (
        AlertPage.objects.approved()
        .filter(translation_key=source.translation_key)
        .select_related("locale", "live_revision")
        .order_by()
    )
    return {
        page.locale.language_code: page
        for page in pages
        if approval.is_approved(page, page.live_revision)
    }


def unapproved_translations(alert: AlertPage) -> dict[str, str]:
    """Translations of the (source) alert that exist but may not be read or
    sent, keyed by language code, with the reason (drafts included)."""
    source = alert.source_alert()
    approved = live_translations(source)
    found = {}
    for page in (
        AlertPage.objects.filter(translation_key=source.translation_key)
        .exclude(pk=source.pk)
        .select_related("locale", "live_revision")
        .order_by()
    ):
        code = page.locale.language_code
        if code not in approved:
            found[code] = sending_refusal(page) or approval.shortfall(page, page.live_revision)
    return found


def sending_refusal(alert: AlertPage) -> str | None:
    """Why ``alert`` (this language's page) may not be read or sent, or None."""
    if not alert.live:
        return _("This alert is not published: it goes live once approved.")
    if alert.is_approved_live:
        return approval.shortfall(alert, alert.live_revision)
    return approval.shortfall(alert, alert.live_revision) or _(
        "This alert's live version is not the one that was approved."
    )


def languages_without_translation(alert: AlertPage, languages: list[str]) -> list[str]:
    """Those of ``languages`` with no live translation of the alert: their
    readers will get the source language."""
    live = live_translations(alert)
    return [code for code in languages if code not in live]


def language_names() -> dict[str, str]:
    return dict(settings.LANGUAGES)
