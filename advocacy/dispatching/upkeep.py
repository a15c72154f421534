"""Upkeep of the ledger (beat): keep unfinished dispatches moving, and
delete per-recipient rows once they are no longer needed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from advocacy.dispatching.heartbeat import PREPARING, SENDING, is_beating
from advocacy.dispatching.ledger import (
    claimable,
    enqueue_prepare,
    finish_if_done,
    skip_remaining,
    start_senders,
)
from advocacy.models import Delivery, Dispatch, ProcessedCallback


def requeue_expired(now=None) -> int:
    """The sweeper (beat): keep every unfinished dispatch moving.

    Re-queues prepare for dispatches whose preparation stopped (a lost
    task), sender loops for dispatches with due work (expired claims, due
    retries) and nobody sending, skips leftovers of cancelled dispatches and
    finishes dispatches with nothing left. Returns the number of dispatches
    it re-queued work for.
    """
    now = now or timezone.now()
    requeued = 0
    stale = now - timedelta(seconds=60)
    for dispatch in Dispatch.objects.filter(
        status__in=(Dispatch.Status.PREPARING, Dispatch.Status.RUNNING)
    ):
        if not dispatch.prepared and dispatch.created_at < stale:
            if not is_beating(PREPARING, dispatch.pk):
                enqueue_prepare(dispatch)
                requeued += 1
            continue
        if dispatch.status != Dispatch.Status.RUNNING:
            continue
        if claimable(dispatch.pk, now).exists():
            if not is_beating(SENDING, dispatch.pk):
                start_senders(dispatch)
                requeued += 1
        elif dispatch.prepared:
            finish_if_done(dispatch.pk)
    for dispatch_id in (
        Delivery.objects.filter(
            dispatch__status=Dispatch.Status.CANCELLED, status=Delivery.Status.QUEUED
        )
        .values_list("dispatch_id", flat=True)
        .distinct()
    ):
        skip_remaining(dispatch_id, "cancelled", now)
    return requeued


def purge_deliveries(now=None, batch: int = 5000) -> int:
    """Delete the per-recipient rows of dispatches that ended more than
    DELIVERY_RETENTION_DAYS ago; the counts stay on the Dispatch.

    A list of who got which alert is itself sensitive. Deletes in batches so
    locks and memory stay small. The record of callbacks already acted on
    (``ProcessedCallback``) goes after the same time: a gateway or email
    service does not repeat a report that old. Returns the number of
    delivery rows deleted.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_RETENTION_DAYS)
    deleted = 0
    for dispatch in Dispatch.objects.filter(
        status__in=(Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED),
        finished_at__lt=cutoff,
        deliveries_purged_at__isnull=True,
    ):
        while True:
            ids = list(
                Delivery.objects.filter(dispatch=dispatch).values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            deleted += Delivery.objects.filter(id__in=ids).delete()[0]
        Dispatch.objects.filter(pk=dispatch.pk).update(deliveries_purged_at=now)
    ProcessedCallback.objects.filter(received_at__lt=cutoff).delete()
    return deleted
