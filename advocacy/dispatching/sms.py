"""The text-message share of a sender's chunk (``sender.send_chunk`` hands it here).

Each claimed sms row goes through one gateway connection per chunk
(``sms_backend()``), paced by SMS_SEND_RATE shared by every worker. The
subscriber is read now: a number that sent STOP, or that no longer gets
text messages, is skipped; the text is the alert's in the subscriber's
language (``AlertContent.text_for``). A TEMPORARY outcome (or a gateway
error) is retried with the ledger's backoff; a PERMANENT one fails the row
with the gateway's reason and changes nothing about the subscriber's email.
No number or text is logged.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings

from advocacy.dispatching.ledger import record_outcomes
from advocacy.models import Delivery, StoppedNumber
from advocacy.sending import SendRateLimiter
from advocacy.sms.backends import PERMANENT, SENT, sms_backend
from advocacy.sms.segments import segment_limit_error

log = logging.getLogger(__name__)


def sms_limiter() -> SendRateLimiter:
    """The gateway's send rate (SMS_SEND_RATE messages a second), shared by all workers."""
    return SendRateLimiter(settings.SMS_SEND_RATE, key="sms-send-rate")


def send_texts(dispatch, token, deliveries: list[Delivery], content, limiter=None) -> dict:
    """Send the claimed sms ``deliveries`` of one chunk and record what happened.

    Returns the counts written (``ledger.record_outcomes`` on the sms channel).
    """
    limiter = limiter or sms_limiter()
    stopped = set(
        StoppedNumber.objects.filter(
            phone_hash__in=[d.subscriber.phone_hash for d in deliveries if d.subscriber]
        ).values_list("phone_hash", flat=True)
    )
    sent_by_language: dict[str, list[int]] = defaultdict(list)
    skipped: dict[str, list[int]] = defaultdict(list)
    retries: list[tuple[Delivery, str]] = []
    failures: list[tuple[Delivery, str]] = []
    provider_ids: dict[int, str] = {}
    backend = None
    try:
        for delivery in deliveries:
            subscriber = delivery.subscriber
            if subscriber is not None and subscriber.phone_hash in stopped:
                skipped["stopped"].append(delivery.pk)
                continue
            if subscriber is None or not subscriber.gets_sms:
                skipped["unsubscribed before sending"].append(delivery.pk)
                continue
            try:
                text, language = content.text_for(subscriber)
            except Exception as exc:  # noqa: BLE001 - a bad row must not stop the chunk
                failures.append((delivery, f"could not build: {type(exc).__name__}"))
                continue
            refusal = segment_limit_error(text)
            if refusal:  # checked again here: a translation may have grown since
                failures.append((delivery, refusal[:255]))
                continue
            if backend is None:
                backend = sms_backend()
            limiter.acquire()
            try:
                outcome = backend.send(subscriber.phone, text, reference=str(delivery.pk))
            except OSError as exc:
                # The gateway (or the outbox folder) is unreachable now: try again later.
                retries.append((delivery, f"gateway error: {type(exc).__name__}"))
                continue
            if outcome.kind == SENT:
                sent_by_language[language].append(delivery.pk)
                if outcome.message_id:
                    provider_ids[delivery.pk] = outcome.message_id
            elif outcome.kind == PERMANENT:
                failures.append((delivery, (outcome.reason or "refused by the gateway")[:255]))
            else:
                retries.append((delivery, (outcome.reason or "temporary failure")[:255]))
    finally:
        if backend is not None:
            backend.close()
    counts = record_outcomes(
        dispatch.pk,
        token,
        sent_by_language,
        skipped,
        retries,
        failures,
        channel=Delivery.Channel.SMS,
    )
    if provider_ids:  # one statement: delivery reports find the row by this id
        Delivery.objects.bulk_update(
            [Delivery(pk=pk, provider_message_id=mid[:100]) for pk, mid in provider_ids.items()],
            ["provider_message_id"],
        )
    if retries or failures:
        log.info(
            "dispatch %s: %s texts to retry, %s failed", dispatch.pk, len(retries), len(failures)
        )
    return counts
