"""What providers report after a message was handed over: the ledger's side.

An email service's webhook (or an SMS gateway's delivery report) says a
message that was ``sent`` (accepted) was then delivered, bounced for good,
or bounced for now. These functions move the Delivery and keep its
Dispatch's counts true, with the ledger's retry rules (``MAX_ATTEMPTS``,
``retry_delay``); ``processed_once`` and ``count_refused`` record the
callbacks themselves. Call them inside ``transaction.atomic()`` with the
delivery locked (``select_for_update``); each returns whether it changed
anything, and none changes a delivery twice for the same report.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from advocacy.dispatching.ledger import MAX_ATTEMPTS, retry_delay
from advocacy.dispatching.sender import send_dispatch_later
from advocacy.models import Delivery, Dispatch, ProcessedCallback, RefusedCallback

# A report about a message that was accepted: what it may still change.
REPORTABLE = (Delivery.Status.SENT, Delivery.Status.DELIVERED)


def processed_once(provider: str, key: str) -> bool:
    """Record that ``provider``'s callback ``key`` is being acted on; False
    when it already was (the same callback delivered again)."""
    try:
        with transaction.atomic():
            ProcessedCallback.objects.create(provider=provider[:20], key=key[:200])
    except IntegrityError:
        return False
    return True


def count_refused(provider: str, reason: str) -> None:
    """Count a callback that changed nothing (forged, replayed, unknown
    message, failed authentication…) for today."""
    day, provider, reason = timezone.localdate(), provider[:20], reason[:40]
    for _attempt in range(2):
        if RefusedCallback.objects.filter(day=day, provider=provider, reason=reason).update(
            count=F("count") + 1
        ):
            return
        try:
            with transaction.atomic():
                RefusedCallback.objects.create(day=day, provider=provider, reason=reason, count=1)
            return
        except IntegrityError:
            continue  # another request made today's row first: add to it


def _count_fields(delivery: Delivery) -> dict[str, str]:
    """The Dispatch count fields for ``delivery``'s channel."""
    if delivery.channel == Delivery.Channel.SMS:
        return {
            "sent": "sms_sent_count",
            "failed": "sms_failed_count",
            "delivered": "sms_delivered_count",
        }
    return {"delivered": "email_delivered_count"}


def _bump(delivery: Delivery, **changes: int) -> None:
    """Add ``changes`` (sent/failed/delivered: +1 or -1) to the dispatch's
    overall counts and to its channel's."""
    channel = _count_fields(delivery)
    updates = {}
    for name, step in changes.items():
        fields = [channel[name]] if name in channel else []
        if name in ("sent", "failed"):
            fields.append(f"{name}_count")
        for field in fields:
            updates[field] = F(field) + step
    if updates:
        Dispatch.objects.filter(pk=delivery.dispatch_id).update(**updates)


def mark_delivered(delivery: Delivery, when=None) -> bool:
    """A message reached the mailbox or phone: status delivered.

    A report can come before the sender has written its chunk (the row is
    still queued under its claim): the provider has the message, so the row
    counts as sent and delivered here, and the sender, which writes only
    rows still queued, leaves it alone; it is never sent twice.
    """
    when = when or timezone.now()
    if delivery.status == Delivery.Status.QUEUED:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED,
            sent_at=when,
            delivered_at=when,
            attempts=F("attempts") + 1,
            claimed_until=None,
            next_attempt_at=None,
            last_error="",
        )
        _bump(delivery, sent=+1, delivered=+1)
        return True
    if delivery.status != Delivery.Status.SENT:
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DELIVERED, delivered_at=when
    )
    _bump(delivery, delivered=+1)
    return True


def note(delivery: Delivery, reason: str) -> bool:
    """Keep a provider's word on a sent message that changes nothing yet
    (a deferral while the provider retries) as its last error."""
    if delivery.status != Delivery.Status.SENT or delivery.last_error == reason[:255]:
        return False
    Delivery.objects.filter(pk=delivery.pk).update(last_error=reason[:255])
    return True


def mark_failed(delivery: Delivery, reason: str) -> bool:
    """A sent (or delivered, or queued for a retry) message failed for good:
    status failed with ``reason``; the counts move from sent to failed."""
    if delivery.status not in (*REPORTABLE, Delivery.Status.QUEUED):
        return False
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED,
        claimed_until=None,
        next_attempt_at=None,
        last_error=reason[:255],
    )
    changes = {"failed": +1}
    if delivery.status in REPORTABLE:
        changes["sent"] = -1
    if delivery.status == Delivery.Status.DELIVERED:
        changes["delivered"] = -1
    _bump(delivery, **changes)
    return True


def retry_later(delivery: Delivery, reason: str) -> bool:
    """A sent message bounced for now: queue it again after the ledger's
    backoff (``retry_delay``), or fail it once ``MAX_ATTEMPTS`` are used.

    A finished dispatch is running again until the retry is done; a
    cancelled one does not retry (the delivery fails). A sender loop is
    queued for when the retry is due (once this transaction commits).
    """
    if delivery.status != Delivery.Status.SENT:
        return False
    dispatch = Dispatch.objects.select_for_update().get(pk=delivery.dispatch_id)
    attempts = delivery.attempts + 1
    if attempts >= MAX_ATTEMPTS or dispatch.status == Dispatch.Status.CANCELLED:
        why = "dispatch cancelled" if attempts < MAX_ATTEMPTS else f"gave up after {attempts}"
        return mark_failed(delivery, f"{why}: {reason}")
    delay = retry_delay(attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.QUEUED,
        attempts=attempts,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        claimed_until=None,
        claim_token=None,
        last_error=reason[:255],
    )
    _bump(delivery, sent=-1)
    if dispatch.status == Dispatch.Status.FINISHED:
        Dispatch.objects.filter(pk=dispatch.pk).update(
            status=Dispatch.Status.RUNNING, finished_at=None
        )
        dispatch.status = Dispatch.Status.RUNNING
    if dispatch.status == Dispatch.Status.RUNNING:
        # A paused dispatch gets its senders when it is resumed.
        transaction.on_commit(lambda: send_dispatch_later(dispatch, delay))
    return True
