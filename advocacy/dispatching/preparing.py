"""Preparing a dispatch: one queued Delivery row per recipient and channel,
written in slices so the first messages go out before the whole list is
written.

Someone who gets email (a confirmed address) has an email row; someone who
gets text messages (a confirmed number that has not sent STOP) has an sms
row; someone with both has both. A follow-up goes on each channel to the
people the earlier alert reached on it. Digests are email only.
"""

from __future__ import annotations

import time

from django.db.models import F
from django.utils import timezone

from advocacy.audience import alert_audience, earlier_alert_reached
from advocacy.dispatching.heartbeat import PREPARING, beat
from advocacy.dispatching.ledger import (
    chunk_size,
    enqueue_prepare,
    finish_if_done,
    skip_remaining,
    start_senders,
)
from advocacy.models import Delivery, Dispatch, Subscriber

PREPARE_BATCH = 2000
PREPARE_SLICE_SECONDS = 2


def audience_for(dispatch: Dispatch):
    """The subscribers a dispatch goes to (decided when its rows are written)."""
    if dispatch.kind == Dispatch.Kind.DIGEST:
        return Subscriber.objects.active().filter(wants_digest=True)
    return alert_audience(dispatch.alert).subscribers


def channel_audiences(dispatch: Dispatch, audience) -> dict[str, object]:
    """{channel: the subscribers of ``audience`` who get the dispatch on it}."""
    email = Delivery.Channel.EMAIL
    if dispatch.kind == Dispatch.Kind.DIGEST:
        return {email: audience.email_recipients()}
    sms = Delivery.Channel.SMS
    channels = {email: audience.email_recipients(), sms: audience.sms_recipients()}
    if dispatch.alert.source_alert().follow_up_of_id:
        for channel in channels:
            reached = earlier_alert_reached(dispatch.alert, channel)
            if reached is not None:  # None: rows purged, the audience rule decided
                channels[channel] = channels[channel].filter(pk__in=reached.values("pk"))
    return channels


def _rows_for(dispatch_id: int, slice_rows: list[tuple[int, str]], channels: dict) -> list:
    """The Delivery rows of one slice of (subscriber pk, language), per channel."""
    languages = dict(slice_rows)
    return [
        Delivery(dispatch_id=dispatch_id, subscriber_id=pk, language=languages[pk], channel=channel)
        for channel, recipients in channels.items()
        for pk in recipients.filter(pk__in=list(languages)).values_list("pk", flat=True)
    ]


def prepare(dispatch_id: int, after_pk: int = 0, sliced: bool = True) -> None:
    """Write one queued Delivery per recipient, then let the senders run.

    Works in slices so a send never waits for its whole list to be written:
    the first slice is one chunk, after which the senders are started and
    the rest is written by a continuation task queued behind them (on a
    worker with one process, the first messages go out before the list is
    complete). Each slice runs for at most PREPARE_SLICE_SECONDS.

    Idempotent: rows that exist are left alone (unique per dispatch,
    subscriber and channel), so a redelivered task adds nothing; the total is counted
    exactly once the last slice is written. ``sliced=False`` writes the
    whole list in this call (commands and tests running without a worker).
    """
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None:  # deleted since it was queued: nothing to do
        return
    if dispatch.prepared:
        if dispatch.status == Dispatch.Status.RUNNING:
            start_senders(dispatch)
        return
    if dispatch.alert_id is None and dispatch.kind == Dispatch.Kind.ALERT:
        Dispatch.objects.filter(pk=dispatch_id).update(
            prepared=True, status=Dispatch.Status.CANCELLED, finished_at=timezone.now()
        )
        return
    audience = audience_for(dispatch)
    channels = channel_audiences(dispatch, audience)
    subscribers = audience.order_by("pk")
    deadline = time.monotonic() + PREPARE_SLICE_SECONDS
    last_pk = after_pk
    first_slice = after_pk == 0
    while True:
        beat(PREPARING, dispatch_id)
        size = chunk_size() if first_slice else PREPARE_BATCH
        rows = list(subscribers.filter(pk__gt=last_pk).values_list("pk", "language")[:size])
        if not rows:
            break
        last_pk = rows[-1][0]
        deliveries = _rows_for(dispatch_id, rows, channels)
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        texts = sum(1 for d in deliveries if d.channel == Delivery.Channel.SMS)
        Dispatch.objects.filter(pk=dispatch_id).update(
            total=F("total") + len(deliveries), sms_total=F("sms_total") + texts
        )
        status = Dispatch.objects.values_list("status", flat=True).get(pk=dispatch_id)
        if status == Dispatch.Status.CANCELLED:
            break
        if first_slice:
            if Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PREPARING).update(
                status=Dispatch.Status.RUNNING
            ):
                start_senders(dispatch)
        if sliced and (first_slice or time.monotonic() > deadline):
            enqueue_prepare(dispatch, after_pk=last_pk)
            return
        first_slice = False
    written = Delivery.objects.filter(dispatch_id=dispatch_id)
    total = written.count()
    texts = written.filter(channel=Delivery.Channel.SMS).count()
    Dispatch.objects.filter(pk=dispatch_id).update(total=total, sms_total=texts, prepared=True)
    started = not Dispatch.objects.filter(pk=dispatch_id, status=Dispatch.Status.PREPARING).update(
        status=Dispatch.Status.RUNNING
    )
    dispatch.refresh_from_db()
    if dispatch.status == Dispatch.Status.CANCELLED:
        skip_remaining(dispatch_id, "cancelled")
    elif not started and dispatch.status == Dispatch.Status.RUNNING:
        start_senders(dispatch)
    finish_if_done(dispatch_id)
