"""Sending through an email service (Amazon SES, Postmark, Mailgun, SendGrid)
and acting on what its webhooks report.

No mocks: anymail's real backends send over HTTP to a local server playing
each service's API (tests.support.email_services), and the services'
webhook payloads are posted to Faro's own webhook URLs with basic auth.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from advocacy.dispatching import ledger, preparing, sender
from advocacy.models import Delivery, Dispatch, RefusedCallback, Subscriber, SuppressedAddress
from advocacy.subscriptions import is_suppressed
from cms.settings.environment import ConfigurationError
from cms.settings.parsing import email_config
from tests.factories.advocacy import make_subscriber, publish_alert
from tests.support.email_services import (
    MAILGUN_SIGNING_KEY,
    Sent,
    ServiceServer,
    mailgun_event,
    postmark_event,
    sendgrid_event,
    ses_event,
)
from tests.support.production import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]
SECRET = "faro-hooks:s3cret-webhook-password"
SERVICES = ("amazon_ses", "postmark", "mailgun", "sendgrid")


@pytest.fixture(scope="module")
def service_server():
    server = ServiceServer().start()
    yield server
    server.stop()


def service_settings(service: str, server: ServiceServer) -> dict:
    """The settings EMAIL_URL gives for ``service``, pointed at the local server."""
    url = {
        "amazon_ses": "ses://?region=us-east-1",
        "postmark": "postmark://postmark-token@",
        "mailgun": f"mailgun://mailgun-key@mg.example.org?webhook_signing_key={MAILGUN_SIGNING_KEY}",
        "sendgrid": "sendgrid://sendgrid-key@",
    }[service]
    config = email_config(url)
    anymail = config["ANYMAIL"]
    if service == "amazon_ses":
        anymail["AMAZON_SES_CLIENT_PARAMS"].update(
            endpoint_url=server.url,
            aws_access_key_id="ses-test-key",
            aws_secret_access_key="ses-test-secret",
        )
    else:
        anymail[f"{service.upper()}_API_URL"] = f"{server.url}/{service}/"
    anymail["WEBHOOK_SECRET"] = SECRET
    return config


@pytest.fixture(params=SERVICES)
def service(request, settings, service_server):
    for name, value in service_settings(request.param, service_server).items():
        setattr(settings, name, value)
    settings.ALERT_SEND_RATE = 0
    service_server.sent.clear()
    return request.param


def send_alert(title: str) -> Dispatch:
    """Send an alert in this process, as the worker would."""
    dispatch = ledger.create_dispatch(publish_alert(title))
    preparing.prepare(dispatch.pk, sliced=False)
    sender.run_sender(dispatch.pk, budget=10)
    dispatch.refresh_from_db()
    return dispatch


def post_report(client, service: str, kind: str, sent, auth: str = SECRET):
    """Post the service's webhook payload for ``kind`` about message ``sent``."""
    extra = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()}
    if service == "postmark":
        content_type, body = postmark_event(kind, sent)
    elif service == "mailgun":
        content_type, body = mailgun_event(kind, sent)
    elif service == "sendgrid":
        content_type, body = sendgrid_event(kind, sent)
    else:
        content_type, body, headers = ses_event(kind, sent)
        extra.update(headers)
    return client.post(
        f"/anymail/{service}/tracking/",
        data=json.dumps(body),
        content_type=content_type,
        **extra,
    ), (content_type, body, extra)


def repost(client, service: str, request) -> object:
    content_type, body, extra = request
    return client.post(
        f"/anymail/{service}/tracking/", data=json.dumps(body), content_type=content_type, **extra
    )


def delivery_for(dispatch: Dispatch, sent) -> Delivery:
    return Delivery.objects.get(dispatch=dispatch, pk=int(sent.metadata["faro_delivery"]))


@pytest.mark.django_db
def test_alert_reaches_the_service_with_list_headers_and_the_delivery_named(
    service, service_server
):
    subscriber = make_subscriber(f"{service}-reader@example.org")
    dispatch = send_alert(f"Rent freeze hearing ({service})")

    [sent] = service_server.for_recipient(f"{service}-reader@example.org")
    delivery = Delivery.objects.get(dispatch=dispatch, subscriber=subscriber)
    assert f"Rent freeze hearing ({service})" in sent.subject
    assert sent.list_unsubscribe.startswith("<http") and "/unsubscribe/" in sent.list_unsubscribe
    assert sent.metadata == {"faro_delivery": str(delivery.pk)}
    assert delivery.status == Delivery.Status.SENT
    assert delivery.provider_message_id == sent.message_id


@pytest.mark.django_db
def test_reports_suppress_retry_and_record_delivery_once(client, service, service_server):
    people = {
        kind: make_subscriber(f"{service}-{kind}@example.org")
        for kind in ("hard", "complaint", "soft", "delivered")
    }
    dispatch = send_alert(f"Clinic hours change ({service})")
    sent = {kind: service_server.for_recipient(s.email)[0] for kind, s in people.items()}
    addresses = {kind: s.email for kind, s in people.items()}
    assert dispatch.sent_count >= 4

    requests = {}
    for kind in ("hard", "complaint", "soft", "delivered"):
        response, requests[kind] = post_report(client, service, kind, sent[kind])
        assert response.status_code == 200, (kind, response.content)

    hard = delivery_for(dispatch, sent["hard"])
    assert hard.status == Delivery.Status.FAILED
    assert "hard bounce" in hard.last_error
    assert SuppressedAddress.objects.get(email_hash=people["hard"].email_hash).reason == "bounced"
    assert not Subscriber.objects.filter(pk=people["hard"].pk).exists()

    complaint = delivery_for(dispatch, sent["complaint"])
    assert complaint.status == Delivery.Status.FAILED
    assert is_suppressed(addresses["complaint"])
    assert (
        SuppressedAddress.objects.get(email_hash=people["complaint"].email_hash).reason
        == "complained"
    )

    soft = delivery_for(dispatch, sent["soft"])
    assert soft.status == Delivery.Status.QUEUED, "a soft bounce is sent again"
    assert soft.next_attempt_at > timezone.now()
    assert soft.attempts == 2
    assert Subscriber.objects.filter(pk=people["soft"].pk).exists()
    assert not is_suppressed(addresses["soft"])

    delivered = delivery_for(dispatch, sent["delivered"])
    assert delivered.status == Delivery.Status.DELIVERED
    assert delivered.delivered_at is not None

    before = Dispatch.objects.get(pk=dispatch.pk)
    assert before.email_delivered_count == 1
    states = {d.pk: (d.status, d.attempts, d.next_attempt_at) for d in dispatch.deliveries.all()}

    if service != "amazon_ses":  # SES reports no deferrals
        deferred = make_subscriber(f"{service}-deferred@example.org")
        again = send_alert(f"Clinic hours, deferred ({service})")
        [waiting] = service_server.for_recipient(deferred.email)
        response, _request = post_report(client, service, "deferred", waiting)
        assert response.status_code == 200
        row = Delivery.objects.get(dispatch=again, subscriber=deferred)
        assert row.status == Delivery.Status.SENT, "the service retries; Faro does not send twice"
        assert "retrying" in row.last_error
        assert not is_suppressed(deferred.email)

    # The same reports again change nothing more.
    for kind, request in requests.items():
        assert repost(client, service, request).status_code == 200, kind
    after = Dispatch.objects.get(pk=dispatch.pk)
    assert (after.sent_count, after.failed_count, after.email_delivered_count) == (
        before.sent_count,
        before.failed_count,
        before.email_delivered_count,
    )
    assert {
        d.pk: (d.status, d.attempts, d.next_attempt_at) for d in dispatch.deliveries.all()
    } == states

    # The next alert skips the suppressed addresses and reaches the others.
    service_server.sent.clear()
    send_alert(f"Clinic reopens ({service})")
    received = {item.recipient for item in service_server.sent}
    assert addresses["hard"] not in received
    assert addresses["complaint"] not in received
    assert {addresses["soft"], addresses["delivered"]} <= received


@pytest.mark.django_db
def test_wrong_credentials_are_refused_and_change_nothing(client, service, service_server):
    subscriber = make_subscriber(f"{service}-forged@example.org")
    dispatch = send_alert(f"Benefits office moves ({service})")
    [sent] = service_server.for_recipient(subscriber.email)
    refused_before = sum(
        RefusedCallback.objects.filter(reason="failed authentication").values_list(
            "count", flat=True
        )
    )

    response, _request = post_report(client, service, "hard", sent, auth="faro-hooks:guess")
    assert response.status_code in (401, 403)
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not is_suppressed(subscriber.email)
    assert delivery_for(dispatch, sent).status == Delivery.Status.SENT
    refused_after = sum(
        RefusedCallback.objects.filter(reason="failed authentication").values_list(
            "count", flat=True
        )
    )
    assert refused_after == refused_before + 1


@pytest.mark.django_db
def test_report_about_an_unknown_message_changes_nothing_and_is_counted(
    client, service, service_server
):
    subscriber = make_subscriber(f"{service}-stranger@example.org")
    send_alert(f"Food bank schedule ({service})")
    [sent] = service_server.for_recipient(subscriber.email)
    sent.metadata = {"faro_delivery": "999999999"}
    sent.message_id = "not-one-of-ours"
    unknown = RefusedCallback.objects.filter(reason="unknown message")
    before = sum(unknown.values_list("count", flat=True))

    response, _request = post_report(client, service, "hard", sent)
    assert response.status_code == 200
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert not is_suppressed(subscriber.email)
    assert sum(unknown.values_list("count", flat=True)) == before + 1


@pytest.mark.django_db
def test_without_a_webhook_secret_the_webhooks_act_on_nothing(client, settings, service_server):
    for name, value in service_settings("postmark", service_server).items():
        setattr(settings, name, value)
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": ""}
    settings.ALERT_SEND_RATE = 0
    subscriber = make_subscriber("postmark-nosecret@example.org")
    send_alert("Shelter intake (no secret)")
    [sent] = service_server.for_recipient(subscriber.email)

    response, _request = post_report(client, "postmark", "hard", sent)
    assert response.status_code == 403
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "ses://",
        "ses://?region=",
        "ses://AKID:secret@?region=us-east-1",
        "ses://?region=us-east-1&colour=blue",
        "postmark://",
        "postmark://token@host.example.org",
        "postmark://token:extra@",
        "mailgun://key@mg.example.org",
        "mailgun://key@?webhook_signing_key=k",
        "mailgun://key@mg.example.org?webhook_signing_key=k&region=mars",
        "sendgrid://",
        "sendgrid://key@api.sendgrid.com",
        "sendgrid://key@?sandbox=1",
    ],
)
def test_malformed_email_service_url_fails_naming_email_url(url):
    with pytest.raises(ConfigurationError) as raised:
        email_config(url)
    message = str(raised.value)
    assert message.startswith("EMAIL_URL is malformed")
    assert "\n" not in message


def test_email_service_urls_select_anymail_backends():
    assert email_config("ses://?region=eu-west-1&configuration_set=faro") == {
        "EMAIL_BACKEND": "anymail.backends.amazon_ses.EmailBackend",
        "ANYMAIL": {
            "AMAZON_SES_CLIENT_PARAMS": {"region_name": "eu-west-1"},
            "AMAZON_SES_CONFIGURATION_SET_NAME": "faro",
        },
        "EMAIL_TIMEOUT": 30,
    }
    assert email_config("postmark://tok@")["ANYMAIL"] == {"POSTMARK_SERVER_TOKEN": "tok"}
    mailgun = email_config("mailgun://key-1@mg.example.org?webhook_signing_key=wk&region=eu")
    assert mailgun["EMAIL_BACKEND"] == "anymail.backends.mailgun.EmailBackend"
    assert mailgun["ANYMAIL"] == {
        "MAILGUN_API_KEY": "key-1",
        "MAILGUN_SENDER_DOMAIN": "mg.example.org",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "wk",
    }
    assert email_config("sendgrid://SG.k@")["ANYMAIL"] == {"SENDGRID_API_KEY": "SG.k"}


@pytest.mark.django_db
def test_a_soft_bounce_replayed_after_the_resend_does_not_queue_it_again(
    client, service, service_server
):
    subscriber = make_subscriber(f"{service}-mailbox-full@example.org")
    dispatch = send_alert(f"Legal clinic reminder ({service})")
    [sent] = service_server.for_recipient(subscriber.email)
    response, request = post_report(client, service, "soft", sent)
    assert response.status_code == 200
    delivery = delivery_for(dispatch, sent)
    assert delivery.status == Delivery.Status.QUEUED

    # The retry falls due and the message goes out again.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    sender.run_sender(dispatch.pk, budget=10)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(service_server.for_recipient(subscriber.email)) == 2

    assert repost(client, service, request).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT, "the old report is not a new bounce"
    assert Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.FINISHED


def manage_check(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_malformed_email_service_url_stops_start_up_in_one_line():
    result = manage_check(DJANGO_SETTINGS_MODULE="cms.settings.dev", EMAIL_URL="mailgun://key@d")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "EMAIL_URL" in lines[0] and "webhook_signing_key" in lines[0]


def test_production_with_an_email_service_requires_the_webhook_secret():
    env = {**PRODUCTION_ENV, "EMAIL_URL": "postmark://server-token@"}
    result = manage_check(**env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ANYMAIL_WEBHOOK_SECRET must be set in the environment "
        "(production has no default)."
    ]
    result = manage_check(**env, ANYMAIL_WEBHOOK_SECRET="no-colon")
    assert "ANYMAIL_WEBHOOK_SECRET is malformed" in result.stderr
    assert manage_check(**env, ANYMAIL_WEBHOOK_SECRET=SECRET).returncode == 0


@pytest.mark.django_db
def test_a_delivery_report_before_the_sender_records_its_chunk_counts_once(
    client, settings, service_server
):
    for name, value in service_settings("postmark", service_server).items():
        setattr(settings, name, value)
    subscriber = make_subscriber("postmark-early-report@example.org")
    dispatch = ledger.create_dispatch(publish_alert("Early report"))
    preparing.prepare(dispatch.pk, sliced=False)
    token, ids = ledger.claim_batch(dispatch.pk)
    delivery = Delivery.objects.get(dispatch=dispatch, subscriber=subscriber)
    assert delivery.pk in ids

    # The service reports delivery while the sender is still on its chunk.
    early = Sent(
        "postmark",
        subscriber.email,
        "Early report",
        "",
        {"faro_delivery": str(delivery.pk)},
        "4f6bd7f2-0000-4000-8000-000000000001",
    )
    response, _request = post_report(client, "postmark", "delivered", early)
    assert response.status_code == 200
    ledger.record_outcomes(dispatch.pk, token, {"en": list(ids)}, {}, [], [])

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    dispatch.refresh_from_db()
    own = Delivery.objects.filter(dispatch=dispatch, subscriber=subscriber)
    assert own.count() == 1
    assert dispatch.sent_count == len(ids), "the early row is counted once, not twice"
    assert dispatch.email_delivered_count == 1


@pytest.mark.django_db
def test_a_hard_bounce_keeps_the_text_messages_of_someone_who_has_both(
    client, settings, service_server
):
    for name, value in service_settings("postmark", service_server).items():
        setattr(settings, name, value)
    settings.ALERT_SEND_RATE = 0
    subscriber = make_subscriber("postmark-both-channels@example.org")
    # 555-01xx: numbers set aside for fiction, never a real person's.
    subscriber.phone = "+12025550142"
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    dispatch = send_alert("Both channels")
    [sent] = service_server.for_recipient(subscriber.email)

    response, _request = post_report(client, "postmark", "hard", sent)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.email == "" and subscriber.email_hash is None
    assert subscriber.phone == "+12025550142"
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert is_suppressed("postmark-both-channels@example.org")
    assert delivery_for(dispatch, sent).status == Delivery.Status.FAILED
