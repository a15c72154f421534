"""Sending alerts by text message on the same ledger as email: one Delivery
per subscriber and channel, texts in each subscriber's language through the
file gateway, skipped stopped numbers, retries, counts per channel."""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from advocacy.dispatching import ledger, preparing, sender
from advocacy.dispatching.channels import channel_counts
from advocacy.dispatching.sms import sms_limiter
from advocacy.models import AlertPage, Delivery, Dispatch, StoppedNumber, Subscriber
from advocacy.sms.segments import measure
from tests.factories.advocacy import SubscriberFactory, publish_alert
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

# Fictional numbers (555-01xx is reserved for fiction in North America).
NUMBERS = [f"+1202555{n:04d}" for n in range(150, 160)]


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALERT_SEND_RATE = 0
    settings.SMS_SEND_RATE = 0
    settings.SMS_URL = f"file://{tmp_path}"
    mail.outbox = []
    return tmp_path


def texts_in(folder) -> dict[str, dict]:
    """{number: the JSON file the file gateway wrote for it}."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        found[item["to"]] = item
    return found


def person(name, *, email=True, phone=None, confirmed=True, language="en", **fields):
    subscriber = SubscriberFactory.build(
        email=f"{name}@example.org" if email else None, language=language, **fields
    )
    if phone:
        subscriber.phone = phone
        subscriber.phone_confirmed_at = timezone.now() if confirmed else None
    subscriber.save()
    return subscriber


def send_now(dispatch):
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=10)
    dispatch.refresh_from_db()
    return dispatch


def mixed_audience():
    stopped = person("sms-stopped", email=False, phone=NUMBERS[3])
    StoppedNumber.objects.create(phone_hash=stopped.phone_hash)
    return {
        "email_only": person("sms-email-only"),
        "sms_only": person("sms-sms-only", email=False, phone=NUMBERS[0], language="es"),
        "both": person("sms-both", phone=NUMBERS[1]),
        "stopped": stopped,
        "unconfirmed": person("sms-unconfirmed", phone=NUMBERS[2], confirmed=False),
    }


def test_a_send_to_a_mixed_audience_goes_per_channel(site_tree, outbox):
    people = mixed_audience()
    alert = publish_alert("Checkpoint on Fifth Avenue", translations=["es"])
    spanish = AlertPage.objects.get(
        translation_key=alert.translation_key, locale__language_code="es"
    )
    mail.outbox.clear()
    out = StringIO()
    call_command("send_alert", str(alert.pk), stdout=out)
    assert "email: 3, sms: 2" in out.getvalue()
    dispatch = send_now(Dispatch.objects.get(alert=alert))

    rows = {
        (d.subscriber_id, d.channel): d
        for d in Delivery.objects.filter(dispatch=dispatch).select_related("subscriber")
    }
    expected = {
        (people["email_only"].pk, "email"),
        (people["both"].pk, "email"),
        (people["unconfirmed"].pk, "email"),  # their address is confirmed, their number is not
        (people["sms_only"].pk, "sms"),
        (people["both"].pk, "sms"),
    }
    assert set(rows) == expected
    assert {row.status for row in rows.values()} == {"sent"}

    texts = texts_in(outbox)
    assert set(texts) == {NUMBERS[0], NUMBERS[1]}, "no text to a stopped or unconfirmed number"
    assert texts[NUMBERS[0]]["text"].startswith("[es] Checkpoint on Fifth Avenue: [es] Summary.")
    assert texts[NUMBERS[1]]["text"].startswith("Checkpoint on Fifth Avenue: Summary of")
    assert "/a/" in texts[NUMBERS[0]]["text"] and "/a/" in texts[NUMBERS[1]]["text"]
    sms_row = rows[(people["sms_only"].pk, "sms")]
    assert sms_row.provider_message_id == texts[NUMBERS[0]]["message_id"]
    assert sms_row.language == "es"
    assert sms_row.subscriber.email == "", "nobody mailed an address they do not have"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["sms-email-only@example.org", "sms-both@example.org", "sms-unconfirmed@example.org"]
    )
    assert spanish.title in texts[NUMBERS[0]]["text"]

    counts = channel_counts(dispatch)
    assert counts["email"] == {
        "total": 3,
        "sent": 3,
        "failed": 0,
        "skipped": 0,
        "pending": 0,
        "delivered": 0,
    }
    assert counts["sms"] == {
        "total": 2,
        "sent": 2,
        "failed": 0,
        "skipped": 0,
        "pending": 0,
        "delivered": 0,
    }
    assert (dispatch.total, dispatch.sms_total, dispatch.sent_count) == (5, 2, 5)


def test_a_number_that_stops_after_queueing_is_skipped(site_tree, outbox):
    late = person("sms-late-stop", email=False, phone=NUMBERS[4])
    alert = publish_alert("Rally moved")
    dispatch = Dispatch.objects.create(alert=alert, alert_title=alert.title, status="paused")
    preparing.prepare(dispatch.pk, sliced=False)
    assert Delivery.objects.filter(dispatch=dispatch, channel="sms").count() == 1
    StoppedNumber.objects.create(phone_hash=late.phone_hash)
    ledger.resume_dispatch(dispatch)
    sender.run_sender(dispatch.pk, budget=10)
    dispatch.refresh_from_db()
    row = Delivery.objects.get(dispatch=dispatch, channel="sms")
    assert (row.status, row.last_error) == ("skipped", "stopped")
    assert (dispatch.sms_skipped_count, dispatch.sms_sent_count) == (1, 0)
    assert texts_in(outbox) == {}


def test_cancelling_skips_queued_texts_and_counts_them_as_texts(site_tree, outbox):
    person("sms-cancelled", phone=NUMBERS[5])
    alert = publish_alert("Meeting called off")
    dispatch = Dispatch.objects.create(alert=alert, alert_title=alert.title, status="paused")
    preparing.prepare(dispatch.pk, sliced=False)
    ledger.cancel_dispatch(dispatch)
    dispatch.refresh_from_db()
    counts = channel_counts(dispatch)
    assert counts["sms"]["skipped"] == 1 and counts["email"]["skipped"] == 1
    assert counts["sms"]["pending"] == 0
    sender.run_sender(dispatch.pk, budget=5)
    assert texts_in(outbox) == {}


def test_an_unreachable_gateway_is_retried_later_and_the_address_is_kept(
    site_tree, outbox, settings
):
    someone = person("sms-retry", phone=NUMBERS[6])
    # The gateway's folder cannot be made (a file is in the way): a real OSError.
    in_the_way = outbox / "in-the-way"
    in_the_way.write_text("")
    settings.SMS_URL = f"file://{in_the_way}/texts"
    alert = publish_alert("Clinic open late")
    dispatch = send_now(ledger.create_dispatch(alert))
    row = Delivery.objects.get(dispatch=dispatch, channel="sms")
    assert row.status == "queued" and row.attempts == 1
    assert row.next_attempt_at is not None and row.last_error.startswith("gateway error")
    assert dispatch.status == "running"
    assert Subscriber.objects.get(pk=someone.pk).gets_email, "an SMS failure suppresses nothing"
    # The gateway is back and the retry is due: the text goes.
    settings.SMS_URL = f"file://{outbox}"
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    sender.run_sender(dispatch.pk, budget=10)
    dispatch.refresh_from_db()
    assert Delivery.objects.get(pk=row.pk).status == "sent"
    assert set(texts_in(outbox)) == {NUMBERS[6]}
    assert (dispatch.status, dispatch.sms_sent_count, dispatch.sent_count) == ("finished", 1, 2)


def test_a_translation_with_an_overlong_text_cannot_be_sent(site_tree, outbox, settings):
    settings.SMS_MAX_SEGMENTS = 1
    alert = publish_alert("Checkpoint", translations=["es"])
    AlertPage.objects.filter(
        translation_key=alert.translation_key, locale__language_code="es"
    ).update(sms_text="a" * 161)
    assert measure("a" * 161).segments == 2
    with pytest.raises(ledger.NotSendable, match=r"2 segments long; the limit is 1"):
        ledger.create_dispatch(alert)
    assert not Dispatch.objects.filter(alert=alert).exists()


def test_a_follow_up_goes_on_each_channel_to_whom_the_alert_reached_on_it(site_tree, outbox):
    by_email = person("sms-follow-email")
    by_text = person("sms-follow-text", email=False, phone=NUMBERS[7])
    earlier = publish_alert("Raid reported")
    send_now(ledger.create_dispatch(earlier))
    # Confirms a number after the first alert: the correction goes by email only.
    by_email.phone = NUMBERS[8]
    by_email.phone_confirmed_at = timezone.now()
    by_email.save()
    correction = publish_alert(
        "Correction: no raid", follow_up_kind="correction", follow_up_of=earlier
    )
    dispatch = send_now(ledger.create_dispatch(correction))
    channels = set(
        Delivery.objects.filter(dispatch=dispatch).values_list("subscriber_id", "channel")
    )
    assert channels == {(by_email.pk, "email"), (by_text.pk, "sms")}


def test_the_progress_view_and_its_json_count_per_channel(site_tree, outbox, client):
    people = mixed_audience()
    alert = publish_alert("Shelter open tonight")
    dispatch = send_now(ledger.create_dispatch(alert))
    Delivery.objects.filter(dispatch=dispatch, subscriber=people["both"], channel="sms").update(
        status="failed"
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(
        sent_count=4, failed_count=1, sms_sent_count=1, sms_failed_count=1
    )
    admin = User.objects.create_superuser("sms-progress", "sms-progress@example.org", "x" * 16)
    sign_in_verified(client, admin)
    data = client.get(f"/admin/dispatches/progress.json?ids={dispatch.pk}").json()["dispatches"][0]
    assert (data["email_sent"], data["email_pending"], data["email_failed"]) == (3, 0, 0)
    assert (data["sms_sent"], data["sms_failed"], data["sms_pending"]) == (1, 1, 0)
    page = client.get(f"/admin/dispatches/{dispatch.pk}/").content.decode()
    assert '<span data-field="sms_sent">1</span>' in page
    assert '<span data-field="email_sent">3</span>' in page


def test_the_sms_rate_is_a_budget_of_its_own_in_the_shared_cache(settings):
    settings.SMS_SEND_RATE = 0.01  # one text per 100-second window
    limiter = sms_limiter()
    slot = int(time.time() // limiter.window)
    cache.delete_many([f"advocacy:sms-send-rate:{slot}", f"advocacy:send-rate:{slot}"])
    limiter.acquire()
    assert cache.get(f"advocacy:sms-send-rate:{slot}") == 1
    assert cache.get(f"advocacy:send-rate:{slot}") is None, "email's budget is untouched"
