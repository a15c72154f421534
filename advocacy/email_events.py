"""What email services report back about Faro's mail (anymail tracking events).

Each message sent through an email service carries the Delivery's id in
anymail's ``metadata`` (``advocacy.sending.tracking_metadata``) and its id at the service is
kept in ``Delivery.provider_message_id``; a report finds its delivery by
either. Then:

- a hard bounce, or the service refusing a known-bad address: the address
  is suppressed (reason bounced) and the delivery fails with the reason;
- a complaint (marked as spam): suppressed (reason complained), failed;
- a soft bounce (the service gave up on a temporary failure: a full
  mailbox, a receiving server refusing for now): the delivery is sent again
  after the ledger's backoff (``advocacy.dispatching.reports.retry_later``);
- deferred (the service is still retrying by itself): noted only, since
  sending again would deliver the message twice; its final report decides;
- delivered: the delivery is marked delivered.

A report is acted on once (``ProcessedCallback``); one naming no delivery
of ours, or a recipient other than the delivery's, changes nothing and is
counted (``RefusedCallback``). Logs name the delivery id, never the address.
"""

from __future__ import annotations

import logging

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason
from django.db import transaction

from advocacy.crypto import email_hash
from advocacy.dispatching import reports
from advocacy.models import Delivery, Subscriber, SuppressedAddress
from advocacy.sending import TRACKING_METADATA_KEY
from advocacy.subscriptions import suppress

log = logging.getLogger(__name__)

# anymail's esp_name -> the provider name stored with callbacks.
PROVIDERS = {
    "Amazon SES": "amazon_ses",
    "Postmark": "postmark",
    "Mailgun": "mailgun",
    "SendGrid": "sendgrid",
}

HARD_BOUNCE = "hard bounce"
SOFT_BOUNCE = "soft bounce"
DEFERRED = "deferred"
COMPLAINT = "complaint"
DELIVERED = "delivered"
FAILED = "failed"
IGNORED = "ignored"


def provider_name(esp_name: str) -> str:
    """The short provider name for anymail's ``esp_name`` (such as "postmark")."""
    return PROVIDERS.get(esp_name, esp_name.lower().replace(" ", "_"))[:20]


def _bounce_kind(event: AnymailTrackingEvent, provider: str) -> str:
    """HARD_BOUNCE, SOFT_BOUNCE or FAILED for a ``bounced`` event, told apart
    from the service's own payload (anymail reports all three as bounced)."""
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if provider == "postmark":
        return SOFT_BOUNCE if raw.get("Type") == "SoftBounce" else HARD_BOUNCE
    if provider == "amazon_ses":
        # "Transient" (mailbox full, message too large…) and "Undetermined".
        permanent = (raw.get("bounce") or {}).get("bounceType") == "Permanent"
        return HARD_BOUNCE if permanent else SOFT_BOUNCE
    if provider == "sendgrid":
        # "blocked": the receiving server refused for now (not a bad address).
        return SOFT_BOUNCE if raw.get("type") == "blocked" else HARD_BOUNCE
    if provider == "mailgun":
        # A permanent failure: a bounce, retries run out ("old"), or another
        # cause (a provider's block…) that says nothing about the mailbox.
        reason = (raw.get("event-data") or {}).get("reason")
        if reason in ("bounce", "suppress-bounce"):
            return HARD_BOUNCE
        return SOFT_BOUNCE if reason == "old" else FAILED
    return HARD_BOUNCE


def classify(event: AnymailTrackingEvent, esp_name: str) -> str:
    """What a tracking event means for Faro: HARD_BOUNCE, SOFT_BOUNCE,
    DEFERRED, COMPLAINT, DELIVERED, FAILED or IGNORED (opens, clicks, queued…)."""
    kind = event.event_type
    if kind == EventType.BOUNCED:
        return _bounce_kind(event, provider_name(esp_name))
    if kind == EventType.DEFERRED:
        return DEFERRED
    if kind == EventType.COMPLAINED:
        return COMPLAINT
    if kind == EventType.DELIVERED:
        return DELIVERED
    if kind == EventType.REJECTED:
        # The service refused to send: a known-bad address counts as a bounce,
        # a known complainer as a complaint.
        if event.reject_reason in (RejectReason.BOUNCED, RejectReason.INVALID):
            return HARD_BOUNCE
        if event.reject_reason == RejectReason.SPAM:
            return COMPLAINT
        return FAILED
    if kind == EventType.FAILED:
        return FAILED
    return IGNORED


def _delivery_for(event: AnymailTrackingEvent) -> Delivery | None:
    """The email delivery a report is about, by our metadata or by the
    service's message id; None when it names none of ours."""
    email = Delivery.objects.filter(channel=Delivery.Channel.EMAIL).select_related("subscriber")
    raw_id = (event.metadata or {}).get(TRACKING_METADATA_KEY)
    if raw_id is not None:
        try:
            return email.filter(pk=int(str(raw_id))).first()
        except ValueError:
            return None
    if event.message_id:
        return email.filter(provider_message_id=str(event.message_id)[:100]).first()
    return None


def _event_key(event: AnymailTrackingEvent, delivery: Delivery) -> str:
    """The report's identity: the service's event id, else what it is about."""
    if event.event_id:
        return f"{event.event_type}:{event.event_id}"
    when = event.timestamp.isoformat() if event.timestamp else ""
    return f"{event.event_type}:{delivery.pk}:{event.message_id or ''}:{when}"


def _reason(kind: str, esp_name: str, event: AnymailTrackingEvent) -> str:
    """A short reason for the delivery's record; the service's own words
    only when they do not quote an address."""
    detail = " ".join(str(event.description or event.mta_response or "").split())
    if "@" in detail:
        detail = ""
    reason = f"{kind} reported by {esp_name}"
    return f"{reason}: {detail}"[:255] if detail else reason


def _suppress_recipient(delivery: Delivery, address_hash: str | None, reason: str) -> None:
    """Never mail this delivery's address again, with ``reason``.

    Someone who also gets text messages on a confirmed number keeps them:
    only the address is taken off (and suppressed); anyone else is deleted
    as when they leave (``advocacy.subscriptions.suppress``).
    """
    subscriber = delivery.subscriber
    if subscriber is not None and subscriber.email_hash and subscriber.phone_confirmed_at:
        SuppressedAddress.objects.update_or_create(
            email_hash=subscriber.email_hash, defaults={"reason": reason}
        )
        subscriber.email = None
        subscriber.save()
    elif subscriber is not None and subscriber.email_hash:
        suppress(subscriber, reason)
    elif address_hash:
        # The subscriber already left: keep the first reason recorded.
        if not Subscriber.objects.filter(email_hash=address_hash).exists():
            SuppressedAddress.objects.get_or_create(
                email_hash=address_hash, defaults={"reason": reason}
            )


def handle_tracking_event(event: AnymailTrackingEvent, esp_name: str) -> str:
    """Act on one tracking event from an email service (see the module
    docstring). Returns what happened: the kind acted on ("hard bounce",
    "soft bounce", "deferred", "complaint", "delivered", "failed"), or "ignored",
    "unknown", "duplicate" or "unchanged"."""
    provider = provider_name(esp_name)
    kind = classify(event, esp_name)
    if kind == IGNORED:
        return IGNORED
    delivery = _delivery_for(event)
    address_hash = email_hash(event.recipient) if event.recipient else None
    subscriber = delivery.subscriber if delivery is not None else None
    if delivery is None or (
        subscriber is not None and address_hash and subscriber.email_hash != address_hash
    ):
        reports.count_refused(provider, "unknown message")
        log.info("%s report (%s) names no delivery of ours; ignored", provider, kind)
        return "unknown"
    with transaction.atomic():
        if not reports.processed_once(provider, _event_key(event, delivery)):
            log.info("%s report (%s) for delivery %s seen before", provider, kind, delivery.pk)
            return "duplicate"
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("subscriber")
            .get(pk=delivery.pk)
        )
        reason = _reason(kind, esp_name, event)
        if kind == DELIVERED:
            changed = reports.mark_delivered(delivery, event.timestamp)
        elif kind == SOFT_BOUNCE:
            changed = reports.retry_later(delivery, reason)
        elif kind == DEFERRED:
            changed = reports.note(delivery, f"{reason} (the service is retrying)")
        else:
            changed = reports.mark_failed(delivery, reason)
            if kind in (HARD_BOUNCE, COMPLAINT):
                suppression = (
                    SuppressedAddress.Reason.COMPLAINED
                    if kind == COMPLAINT
                    else SuppressedAddress.Reason.BOUNCED
                )
                _suppress_recipient(delivery, address_hash, suppression)
                changed = True
    log.info(
        "%s report (%s) for delivery %s: %s",
        provider,
        kind,
        delivery.pk,
        "recorded" if changed else "no change",
    )
    return kind if changed else "unchanged"
