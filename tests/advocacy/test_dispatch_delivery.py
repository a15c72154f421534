"""Sending alerts through a real Celery worker and a real SMTP server.

One worker, one `celery beat` (its sweeper due every second) and one
aiosmtpd server serve the whole module (starting them is the slow part); the
tests never run the sweeper themselves. The worker sends at most 25 messages
a second (ALERT_SEND_RATE) in chunks of 5, so pausing mid-send is observable.
"""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from advocacy.dispatching import ledger, preparing, sender
from advocacy.models import Delivery, Dispatch, Subscriber, SuppressedAddress
from advocacy.subscriptions import unsubscribe
from tests.factories.advocacy import ensure_areas, make_subscribers, publish_alert
from tests.support.beat import BeatProcess
from tests.support.dispatches import wait_finished
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def alert_worker(django_db_setup, django_db_blocker, smtp_server):
    with django_db_blocker.unblock():
        purge_queues()
        env = {
            "EMAIL_URL": smtp_server.url,
            "ALERT_SEND_RATE": "25",
            "ALERT_CHUNK_SIZE": "5",
            "ALERT_CLAIM_SECONDS": "10",
            "ALERT_SENDERS": "2",
        }
        worker = WorkerProcess(**env).start()
        beat = BeatProcess(**env).start()
    yield worker
    beat.stop()
    worker.stop()


@pytest.fixture
def smtp(smtp_server, alert_worker):
    smtp_server.handler.reset()
    return smtp_server.handler


def test_each_matching_subscriber_gets_one_message_in_their_language(smtp):
    areas = ensure_areas()
    in_sunset_park = make_subscribers(12, "sp")
    for subscriber in in_sunset_park:
        subscriber.areas.set([areas["sunset-park"]])
    everywhere = make_subscribers(6, "all")
    in_queens = make_subscribers(6, "queens")
    for subscriber in in_queens:
        subscriber.areas.set([areas["queens"]])
    make_subscribers(3, "pending", status=Subscriber.Status.PENDING)
    alert = publish_alert(
        "Checkpoint reported in Brooklyn", areas=[areas["brooklyn"]], translations=["es"]
    )

    call_command("send_alert", str(alert.pk))
    dispatch = Dispatch.objects.get(alert=alert)
    wait_finished(dispatch)

    expected = {s.email for s in in_sunset_park + everywhere}
    received = smtp.by_recipient()
    assert set(received) == expected, "Brooklyn reaches Sunset Park and all-area subscribers only"
    assert all(len(copies) == 1 for copies in received.values())
    assert dispatch.total == dispatch.sent_count == len(expected)

    languages = {s.email: s.language for s in in_sunset_park + everywhere}
    for address, (item,) in received.items():
        message = item.message
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        if languages[address] == "es":
            assert message["Subject"].endswith("[es] Checkpoint reported in Brooklyn")
            assert '<html lang="es" dir="ltr">' in html
        elif languages[address] == "ar":
            # No Arabic translation: the English text, in a right-to-left email.
            assert message["Subject"].endswith(": Checkpoint reported in Brooklyn")
            assert '<html lang="ar" dir="rtl">' in html
            assert '<div lang="en" dir="ltr">' in html
        else:
            assert '<html lang="en" dir="ltr">' in html
        assert message.get_content_type() == "multipart/alternative"
        if languages[address] == "es":
            assert "[es] Summary." in text
        else:
            assert "Summary of Checkpoint reported in Brooklyn." in text
        # Headers: one-click unsubscribe (RFC 8058) and a stable Message-ID.
        list_unsubscribe = message["List-Unsubscribe"].strip()
        assert list_unsubscribe.startswith("<http") and list_unsubscribe.endswith(">")
        assert "/unsubscribe/" in list_unsubscribe
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        subscriber = Subscriber.objects.get(email_hash=Subscriber(email=address).email_hash)
        assert item.message_id == sender.message_id(dispatch.pk, subscriber.pk)


def test_a_second_send_changes_nothing_and_an_update_sends_again(smtp, capsys):
    make_subscribers(4, "twice")
    alert = publish_alert("Office closed")
    call_command("send_alert", str(alert.pk))
    first = wait_finished(Dispatch.objects.get(alert=alert))
    call_command("send_alert", str(alert.pk))
    assert "already sent" in capsys.readouterr().out
    assert Dispatch.objects.filter(alert=alert).count() == 1
    assert len(smtp.received) == 4

    call_command("send_alert", str(alert.pk), "--update")
    second = Dispatch.objects.get(alert=alert, send_number=2)
    wait_finished(second)
    assert len(smtp.received) == 8
    assert first.pk != second.pk


def test_unsubscribing_after_queueing_means_nothing_is_sent(smtp):
    people = make_subscribers(10, "leaving")
    alert = publish_alert("Rally moved")
    # Queue the rows without letting senders start, as a busy worker would.
    dispatch = Dispatch.objects.create(alert=alert, alert_title=alert.title, status="paused")
    preparing.prepare(dispatch.pk, sliced=False)
    assert Delivery.objects.filter(dispatch=dispatch, status="queued").count() == 10

    leaving = people[:3]
    for subscriber in leaving:
        unsubscribe(subscriber)
    ledger.resume_dispatch(dispatch)
    wait_finished(dispatch)

    received = set(smtp.recipients())
    assert received == {p.email for p in people[3:]}
    dispatch.refresh_from_db()
    assert (dispatch.sent_count, dispatch.skipped_count) == (7, 3)


def test_451_one_message_in_ten_still_delivers_everything(smtp):
    smtp.temp_fail_every = 10
    people = make_subscribers(40, "flaky")
    alert = publish_alert("Clinic hours")
    dispatch = ledger.create_dispatch(alert)
    # Retries are due after a backoff; the loops' waiters and beat's sweeper send them.
    wait_finished(dispatch, timeout=120)

    assert smtp.temp_failures >= 3
    received = smtp.by_recipient()
    assert set(received) == {p.email for p in people}
    assert all(len(copies) == 1 for copies in received.values())
    assert Delivery.objects.filter(dispatch=dispatch, attempts__gt=1, status="sent").exists()
    assert dispatch.sent_count == 40 and dispatch.failed_count == 0


def test_550_fails_the_delivery_and_suppresses_the_address(smtp):
    people = make_subscribers(8, "bounce")
    refused = people[:2]
    smtp.refuse = {p.email for p in refused}
    alert = publish_alert("Know your rights night")
    dispatch = wait_finished(ledger.create_dispatch(alert))

    assert set(smtp.recipients()) == {p.email for p in people[2:]}
    assert dispatch.failed_count == 2 and dispatch.sent_count == 6
    failures = Delivery.objects.filter(dispatch=dispatch, status="failed")
    assert {f.last_error[:3] for f in failures} == {"550"}
    for subscriber in refused:
        assert SuppressedAddress.objects.filter(
            email_hash=subscriber.email_hash, reason="bounced"
        ).exists()
        assert not Subscriber.objects.filter(pk=subscriber.pk, status="active").exists()

    # A later alert does not go to them.
    smtp.reset()
    wait_finished(ledger.create_dispatch(publish_alert("Second alert")))
    assert not set(smtp.recipients()) & {p.email for p in refused}


def test_pause_and_cancel_stop_sending(smtp):
    make_subscribers(300, "slow")
    alert = publish_alert("Long list")
    dispatch = ledger.create_dispatch(alert)
    wait_for(lambda: len(smtp.received) >= 10, message="sending started")
    assert ledger.pause_dispatch(dispatch)
    time.sleep(1.5)  # chunks in flight finish
    paused_at = len(smtp.received)
    time.sleep(2)
    assert len(smtp.received) == paused_at < 300

    assert ledger.resume_dispatch(dispatch)
    wait_for(lambda: len(smtp.received) >= paused_at + 10, message="resumed")
    assert ledger.cancel_dispatch(dispatch)
    time.sleep(1.5)
    cancelled_at = len(smtp.received)
    time.sleep(2)
    assert len(smtp.received) == cancelled_at < 300
    dispatch.refresh_from_db()
    assert dispatch.status == "cancelled"
    assert dispatch.sent_count == cancelled_at
    assert dispatch.sent_count + dispatch.skipped_count == 300
    assert not Delivery.objects.filter(dispatch=dispatch, status="queued").exists()


def test_a_server_without_pipelining_gets_every_message_too(smtp):
    smtp.offer_pipelining = False
    smtp.temp_fail_every = 4
    people = make_subscribers(8, "plain")
    dispatch = wait_finished(ledger.create_dispatch(publish_alert("Plain SMTP")), timeout=120)
    received = smtp.by_recipient()
    assert set(received) == {p.email for p in people}
    assert all(len(copies) == 1 for copies in received.values())
    assert dispatch.sent_count == 8
