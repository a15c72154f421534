"""Bad input on the SMS paths (issue 14, point 7) not covered elsewhere:

- a delivery report for a text already final (delivered, then "failed")
  changes nothing;
- keywords with trailing punctuation and odd Unicode, in Spanish and Chinese;
- a gateway that hangs while an alert is being sent: the text is retried
  later, sent once, never lost.

Covered elsewhere: a number that sent STOP is refused at import
(tests/advocacy/test_sms_signup_import.py) and gets no code at sign-up
(tests/advocacy/test_sms_signup.py); a report for an unknown message and a
failed text reported delivered (tests/sms/test_callbacks.py).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.dispatching import ledger, preparing, sender
from advocacy.models import Delivery, Dispatch
from advocacy.sms import backends
from advocacy.sms.keywords import START, STOP, YES, classify
from tests.factories.advocacy import SubscriberFactory, publish_alert

pytestmark = pytest.mark.django_db

# Fictional numbers (555-01xx is reserved for fiction in North America).
REPORTED = "+13125550181"
HUNG = "+13125550182"


def texter(number: str):
    subscriber = SubscriberFactory.build(email=None, language="es")
    subscriber.phone = number
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    return subscriber


def test_a_failure_report_after_delivered_changes_nothing(client, settings):
    dispatch = Dispatch.objects.create(
        alert_title="test-sms-edge",
        status=Dispatch.Status.RUNNING,
        prepared=True,
        total=1,
        sms_total=1,
        sent_count=1,
        sms_sent_count=1,
    )
    delivery = Delivery.objects.create(
        dispatch=dispatch,
        subscriber=texter(REPORTED),
        channel=Delivery.Channel.SMS,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
    )
    Delivery.objects.filter(pk=delivery.pk).update(provider_message_id=str(delivery.pk))
    path = reverse("sms_kannel_dlr", args=[settings.SMS_CALLBACK_SECRET])

    assert client.get(path, {"ref": delivery.pk, "status": 1}).status_code == 200
    delivered = Delivery.objects.get(pk=delivery.pk)
    assert delivered.status == Delivery.Status.DELIVERED
    # A late failure report for the same text (an operator's mistake, or a forgery
    # that knows the secret): the text stays delivered and no count moves.
    answer = client.get(path, {"ref": delivery.pk, "status": 2, "reason": "NACK"})
    assert answer.status_code == 200
    after = Delivery.objects.get(pk=delivery.pk)
    assert (after.status, after.delivered_at, after.last_error) == (
        Delivery.Status.DELIVERED,
        delivered.delivered_at,
        delivered.last_error,
    )
    dispatch.refresh_from_db()
    assert (
        dispatch.sent_count,
        dispatch.failed_count,
        dispatch.sms_sent_count,
        dispatch.sms_failed_count,
        dispatch.sms_delivered_count,
    ) == (1, 0, 1, 0, 1)


@pytest.mark.parametrize(
    ("text", "kind", "language"),
    [
        ("Parar!!", STOP, "es"),
        ("ＰＡＲＡＲ", STOP, "es"),
        ("  parar. ", STOP, "es"),
        ("sí", YES, "es"),
        ("Si.", YES, "es"),
        ("SÍ!", YES, "es"),
        ("退订", STOP, "zh-hans"),
        ("退订。", STOP, "zh-hans"),
        ("退訂！", STOP, "zh-hant"),
        ("是", YES, "zh-hans"),
        ("Start!", START, "en"),
    ],
)
def test_keywords_with_punctuation_and_odd_unicode(text, kind, language):
    keyword = classify(text)
    assert keyword.kind == kind
    if language != "en":
        assert keyword.language == language


@pytest.mark.parametrize("text", ["Parar ya", "sin", "¿parar?no", "no parar"])
def test_words_around_a_keyword_make_it_something_else(text):
    assert classify(text).kind not in (STOP, YES)


class HangingSmsbox(ThreadingHTTPServer):
    """Plays smsbox's sendsms: hangs on the first request (no answer until the
    client gives up), accepts every later one with 202."""

    daemon_threads = True

    def __init__(self):
        self.requests: list[dict] = []
        self.accepted: list[dict] = []
        self.release = threading.Event()
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            server = self.server
            server.requests.append(query)
            if len(server.requests) == 1:
                server.release.wait(10)  # longer than the client waits
                return
            server.accepted.append(query)
            self.send_response(202)
            self.end_headers()
            self.wfile.write(b"0: Accepted for delivery")

        def log_message(self, *args):
            pass


@pytest.fixture
def hanging_smsbox():
    server = HangingSmsbox()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def test_a_gateway_hanging_during_an_alert_send_is_retried_once_later(
    site_tree, settings, monkeypatch, hanging_smsbox
):
    settings.ALERT_SEND_RATE = 0
    settings.SMS_SEND_RATE = 0
    settings.SMS_URL = f"kannel://faro:pw@127.0.0.1:{hanging_smsbox.server_port}"
    # The real read timeout is 20 s; the same path with a shorter wait.
    monkeypatch.setattr(backends, "READ_TIMEOUT", 1)
    someone = texter(HUNG)
    alert = publish_alert("Control en la avenida 5", urgency="urgent")
    dispatch = ledger.create_dispatch(alert)
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=10)

    row = Delivery.objects.get(dispatch=dispatch, subscriber=someone, channel="sms")
    assert (row.status, row.attempts) == (Delivery.Status.QUEUED, 1)
    assert row.next_attempt_at is not None and "Timeout" in row.last_error
    assert hanging_smsbox.accepted == []
    dispatch.refresh_from_db()
    assert dispatch.status == Dispatch.Status.RUNNING and dispatch.sms_sent_count == 0

    # Not before its retry is due...
    sender.run_sender(dispatch.pk, budget=10)
    assert len(hanging_smsbox.requests) == 1
    # ...then once, and never again.
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sender.run_sender(dispatch.pk, budget=10)
    sender.run_sender(dispatch.pk, budget=10)
    row.refresh_from_db()
    assert row.status == Delivery.Status.SENT
    assert [request["to"] for request in hanging_smsbox.accepted] == [HUNG]
    assert hanging_smsbox.accepted[0]["dlr-url"].split("ref=")[1].startswith(str(row.pk))
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.sms_sent_count, dispatch.sms_failed_count) == (
        Dispatch.Status.FINISHED,
        1,
        0,
    )
