"""The dispatch ledger without a worker: one dispatch per send even under
concurrent clicks, follow-ups to the same people, digests, retention."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from advocacy.digest import queue_weekly_digest
from advocacy.dispatching import ledger, preparing, sender, upkeep
from advocacy.models import Delivery, Dispatch, Subscriber
from tests.factories.advocacy import ensure_areas, make_subscribers, publish_alert


@pytest.fixture
def memory_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALERT_SEND_RATE = 0
    mail.outbox = []
    return mail.outbox


def send_now(dispatch):
    """Run preparation and one sender loop in this process."""
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=10)
    dispatch.refresh_from_db()
    return dispatch


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_exactly_one_dispatch():
    alert = publish_alert("Double click")
    results = []
    barrier = threading.Barrier(2)

    def click():
        barrier.wait()
        try:
            results.append(ledger.create_dispatch(alert))
        except ledger.AlreadySent as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Dispatch.objects.filter(alert=alert).count() == 1
    assert sorted(type(r).__name__ for r in results) == ["AlreadySent", "Dispatch"]


@pytest.mark.django_db
def test_publishing_sends_nothing_and_drafts_cannot_be_sent():
    alert = publish_alert("Just published")
    assert not Dispatch.objects.filter(alert=alert).exists()
    alert.live = False
    alert.save()
    with pytest.raises(ledger.NotSendable):
        ledger.create_dispatch(alert)


@pytest.mark.django_db
def test_a_correction_goes_to_exactly_the_people_the_alert_reached(memory_mail):
    areas = ensure_areas()
    reached = make_subscribers(5, "first", languages=("en",))
    for subscriber in reached:
        subscriber.areas.set([areas["brooklyn"]])
    earlier = publish_alert("Raid reported", areas=[areas["brooklyn"]])
    send_now(ledger.create_dispatch(earlier))
    assert len(memory_mail) == 5

    newcomer = make_subscribers(1, "later", languages=("en",))[0]
    newcomer.areas.set([areas["brooklyn"]])
    correction = publish_alert(
        "Correction: no raid", follow_up_kind="correction", follow_up_of=earlier
    )
    memory_mail.clear()
    dispatch = send_now(ledger.create_dispatch(correction))
    assert sorted(m.to[0] for m in memory_mail) == sorted(s.email for s in reached)
    assert dispatch.sent_count == 5
    assert memory_mail[0].subject.startswith("Correction")


@pytest.mark.django_db
def test_weekly_digest_lists_new_alerts_in_the_subscribers_areas_and_language(memory_mail):
    areas = ensure_areas()
    park = make_subscribers(2, "digest-sp", languages=("es",), wants_digest=True)
    for subscriber in park:
        subscriber.areas.set([areas["sunset-park"]])
    queens = make_subscribers(1, "digest-q", languages=("en",), wants_digest=True)[0]
    queens.areas.set([areas["queens"]])
    make_subscribers(2, "no-digest", languages=("en",))
    publish_alert("Brooklyn checkpoint", areas=[areas["brooklyn"]], translations=["es"])
    memory_mail.clear()  # the approvers' workflow notifications

    dispatch = queue_weekly_digest()
    assert dispatch.kind == "digest" and dispatch.queue == "default"
    assert queue_weekly_digest() is None, "one digest a week"
    send_now(dispatch)

    assert sorted(m.to[0] for m in memory_mail) == sorted(s.email for s in park)
    body = memory_mail[0].body
    assert "[es] Brooklyn checkpoint" in body
    assert dispatch.sent_count == 2 and dispatch.skipped_count == 1  # nothing new for Queens
    assert all(Subscriber.objects.get(pk=s.pk).last_digest_at for s in park)


@pytest.mark.django_db
def test_delivery_rows_are_purged_after_retention_keeping_counts(settings):
    settings.DELIVERY_RETENTION_DAYS = 30
    people = make_subscribers(3, "kept")
    old = Dispatch.objects.create(
        alert_title="Old",
        status="finished",
        finished_at=timezone.now() - timedelta(days=31),
        total=3,
        sent_count=3,
        prepared=True,
    )
    recent = Dispatch.objects.create(
        alert_title="Recent",
        status="finished",
        finished_at=timezone.now() - timedelta(days=2),
        total=3,
        sent_count=3,
        prepared=True,
    )
    for dispatch in (old, recent):
        Delivery.objects.bulk_create(
            Delivery(dispatch=dispatch, subscriber=s, status="sent") for s in people
        )

    assert upkeep.purge_deliveries() == 3
    old.refresh_from_db()
    assert not Delivery.objects.filter(dispatch=old).exists()
    assert (old.total, old.sent_count) == (3, 3) and old.deliveries_purged_at
    assert Delivery.objects.filter(dispatch=recent).count() == 3
