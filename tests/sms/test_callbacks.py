"""The gateways' callbacks as a gateway (or a forger) calls them: Kannel's
delivery reports and incoming texts with the secret in the path, each acted
on once; forged, replayed and unknown ones change nothing and are counted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from advocacy.crypto import encrypt_phone, phone_hash
from advocacy.models import Delivery, Dispatch, RefusedCallback, StoppedNumber
from advocacy.sms.keywords import classify, normalise
from advocacy.sms.replies import send_reply
from tests.factories.advocacy import SubscriberFactory

pytestmark = pytest.mark.django_db

NUMBER = "+12125550171"


def refused(provider: str, reason: str) -> int:
    row = RefusedCallback.objects.filter(
        day=timezone.localdate(), provider=provider, reason=reason
    ).first()
    return row.count if row else 0


def sent_text() -> Delivery:
    """A text the gateway took: one delivery recorded as sent, its dispatch counting it."""
    subscriber = SubscriberFactory.build(email=None)
    subscriber.phone = NUMBER
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    dispatch = Dispatch.objects.create(
        alert_title="test-sms-callbacks",
        status=Dispatch.Status.RUNNING,
        prepared=True,
        total=1,
        sms_total=1,
        sent_count=1,
        sms_sent_count=1,
    )
    delivery = Delivery.objects.create(
        dispatch=dispatch,
        subscriber=subscriber,
        channel=Delivery.Channel.SMS,
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
    )
    delivery.provider_message_id = str(delivery.pk)
    delivery.save(update_fields=["provider_message_id"])
    return delivery


def dlr(client, secret, ref, status, reason=""):
    path = reverse("sms_kannel_dlr", args=[secret])
    return client.get(path, {"ref": ref, "status": status, "reason": reason})


def kannel_post(client, path, message_id, sender, text, charset="UTF-8"):
    """An incoming text as Kannel's sms-service post-url sends it."""
    return client.post(
        f"{path}?id={message_id}",
        text.encode(charset),
        content_type=f'text/plain; charset="{charset}"',
        HTTP_X_KANNEL_FROM=sender,
    )


def counts(delivery):
    d = Dispatch.objects.get(pk=delivery.dispatch_id)
    return {
        "sent": d.sent_count,
        "failed": d.failed_count,
        "sms_sent": d.sms_sent_count,
        "sms_failed": d.sms_failed_count,
        "sms_delivered": d.sms_delivered_count,
    }


def test_the_same_delivery_report_twice_changes_once(client, settings):
    delivery = sent_text()
    secret = settings.SMS_CALLBACK_SECRET
    replayed = refused("kannel", "replayed")

    assert dlr(client, secret, delivery.pk, 1).status_code == 200
    assert dlr(client, secret, delivery.pk, 1).status_code == 200

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert counts(delivery)["sms_delivered"] == 1
    assert counts(delivery)["sms_sent"] == 1
    assert refused("kannel", "replayed") == replayed + 1


def test_a_failure_report_moves_the_text_from_sent_to_failed_with_the_reason(client, settings):
    delivery = sent_text()
    response = dlr(client, settings.SMS_CALLBACK_SECRET, delivery.pk, 16, "NACK/0x0000000b")
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "NACK/0x0000000b" in delivery.last_error
    assert counts(delivery) == {
        "sent": 0,
        "failed": 1,
        "sms_sent": 0,
        "sms_failed": 1,
        "sms_delivered": 0,
    }
    # A later "delivered" for a failed text changes nothing.
    dlr(client, settings.SMS_CALLBACK_SECRET, delivery.pk, 1)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert counts(delivery)["sms_delivered"] == 0


def test_on_the_way_reports_change_nothing(client, settings):
    delivery = sent_text()
    for status in (4, 8):
        assert dlr(client, settings.SMS_CALLBACK_SECRET, delivery.pk, status).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_a_report_for_an_unknown_message_is_counted_and_changes_nothing(client, settings):
    delivery = sent_text()
    unknown = refused("kannel", "unknown")
    assert dlr(client, settings.SMS_CALLBACK_SECRET, "no-such-message", 1).status_code == 200
    assert refused("kannel", "unknown") == unknown + 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_a_wrong_secret_is_refused_counted_and_changes_nothing(client):
    delivery = sent_text()
    forged = refused("kannel", "forged")

    assert dlr(client, "not-the-secret", delivery.pk, 1).status_code == 403
    incoming = reverse("sms_kannel_incoming", args=["not-the-secret"])
    assert kannel_post(client, incoming, "x1", NUMBER, "STOP").status_code == 403

    assert refused("kannel", "forged") == forged + 2
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert not StoppedNumber.objects.filter(phone_hash=phone_hash(NUMBER)).exists()


def test_no_secret_set_refuses_every_kannel_callback(client, settings):
    settings.SMS_CALLBACK_SECRET = ""
    delivery = sent_text()
    assert dlr(client, "guess", delivery.pk, 1).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_an_incoming_text_replayed_is_acted_on_once(client, settings):
    incoming = reverse("sms_kannel_incoming", args=[settings.SMS_CALLBACK_SECRET])
    replayed = refused("kannel", "replayed")
    post = lambda: kannel_post(client, incoming, "test-callbacks-1", "+12125550172", "STOP")  # noqa: E731
    assert post().status_code == 200
    StoppedNumber.objects.all().delete()  # as if START had come in between
    assert post().status_code == 200
    assert not StoppedNumber.objects.filter(phone_hash=phone_hash("+12125550172")).exists()
    assert refused("kannel", "replayed") == replayed + 1


@pytest.mark.parametrize(
    "text",
    [
        "STOP",
        "stop",
        " Stop ",
        "STOP!",
        "Ｓｔｏｐ",
        "stop.",
        "UNSUBSCRIBE",
        "cancel",
        "Quit",
        "End",
    ],
)
def test_stop_and_its_synonyms_however_typed(text):
    assert classify(text).kind == "stop"


@pytest.mark.parametrize("text", ["stop sending me these", "stopp", "", "   ", "STOP STOP"])
def test_other_texts_are_not_stop(text):
    assert classify(text).kind != "stop"


def test_an_incoming_ucs2_text_is_read_in_its_charset(client, settings):
    incoming = reverse("sms_kannel_incoming", args=[settings.SMS_CALLBACK_SECRET])
    response = kannel_post(
        client, incoming, "test-callbacks-2", "+12125550173", "Ｓｔｏｐ", "UTF-16BE"
    )
    assert response.status_code == 200
    assert StoppedNumber.objects.filter(phone_hash=phone_hash("+12125550173")).exists()


def test_normalise_folds_width_case_and_edges():
    assert normalise("  ＨＥＬＰ?! ") == "help"
    assert normalise("Ｙｅｓ") == "yes"


def test_a_reply_task_run_twice_texts_once(settings, tmp_path):
    settings.SMS_URL = f"file://{tmp_path}"
    sealed = encrypt_phone("+12125550174")
    assert send_reply(sealed, "help", "en", "test-reply-key") == "sent"
    assert send_reply(sealed, "help", "en", "test-reply-key") == "already sent"
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_a_stopped_number_gets_no_reply_but_the_stop_answer(settings, tmp_path):
    settings.SMS_URL = f"file://{tmp_path}"
    StoppedNumber.objects.create(phone_hash=phone_hash("+12125550175"))
    sealed = encrypt_phone("+12125550175")
    assert send_reply(sealed, "help", "en") == "stopped"
    assert send_reply(sealed, "stop", "en") == "sent"
    assert len(list(tmp_path.glob("*.json"))) == 1
