"""Signing up: the web request does the same work for every address; the worker
decides what to send and sends it, through a real Celery worker and a real
SMTP server (aiosmtpd), so a slow mail server never slows the form."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from advocacy.models import Subscriber, SuppressedAddress
from advocacy.tokens import UNSUBSCRIBE, make_token
from tests.factories.advocacy import make_subscriber
from tests.support.smtp import (
    mails_to,
    send_own_mail_to,
    text_of,
)
from tests.support.waiting import wait_for

FORM = {
    "email": "Lucia@Example.org",
    "language": "es",
    "areas": ["sunset-park"],
    "topics": ["ice-activity", "idnyc"],
    "wants_digest": "on",
}
API_BODY = {"language": "es", "areas": ["sunset-park"], "topics": ["idnyc"], "digest": True}


def shapes(captured) -> list[str]:
    """Each statement with its literal values blanked: what the database was asked to do."""
    return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured]


def answer(response) -> tuple:
    # Expires and Date carry the current second; everything else must match.
    headers = sorted((k, v) for k, v in response.headers.items() if k not in ("Expires", "Date"))
    return response.status_code, response.content, headers


# --- The web request: one path for every address (no worker needed) ----------


@pytest.mark.django_db
def test_the_sign_up_form_does_the_same_sql_and_answers_the_same_for_any_address():
    make_subscriber("active@example.org", language="en")
    make_subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    client = Client(enforce_csrf_checks=True)
    # The first page rendered creates the site's settings rows: not measured.
    client.get("/es/subscribe/")
    seen = []
    for address in ("new@example.org", "pending@example.org", "ACTIVE@example.org"):
        cache.clear()  # the same rate-limit state for each
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/es/subscribe/", {**FORM, "email": address})
        assert response.status_code == 200
        seen.append((shapes(captured.captured_queries), answer(response)))
    (new_sql, new_answer), (pending_sql, pending_answer), (active_sql, active_answer) = seen
    assert new_sql == pending_sql == active_sql
    assert new_answer == pending_answer == active_answer
    # Nothing about the address is looked up or written while the reader waits.
    assert not any("advocacy_subscriber" in statement for statement in new_sql)
    assert Subscriber.objects.count() == 2


@pytest.mark.django_db
def test_the_api_sign_up_does_the_same_sql_and_answers_the_same_for_any_address(client):
    make_subscriber("active@example.org", language="en")
    seen = []
    for address in ("new@example.org", "active@example.org"):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                "/api/v1/subscriptions/",
                json.dumps({**API_BODY, "email": address}),
                content_type="application/json",
            )
        assert response.status_code == 202
        seen.append((shapes(captured.captured_queries), answer(response)))
    assert seen[0] == seen[1]
    assert not any("advocacy_subscriber" in statement for statement in seen[0][0])


@pytest.mark.django_db
def test_the_request_queues_the_sign_up_for_after_its_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = Client().post("/es/subscribe/", FORM)
    assert response.status_code == 200
    assert len(queued) == 1
    assert not Subscriber.objects.exists(), "the worker records it, not the request"


# --- Through the worker ----------------------------------------------------------


def confirm_path(received) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+/subscribe/confirm/\S+/)", text_of(received))
    assert match, text_of(received)
    return match.group(1)


@pytest.mark.worker
def test_the_worker_mails_a_new_address_a_confirmation_in_its_language(signup_smtp):
    response = Client().post("/en/subscribe/", {**FORM, "language": "ar"})
    assert response.status_code == 200
    [received] = mails_to(signup_smtp, "lucia@example.org")
    html = received.message.get_body(preferencelist=("html",)).get_content()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "/ar/subscribe/confirm/" in text_of(received)
    assert received.message["List-Unsubscribe"]
    subscriber = Subscriber.objects.for_email("lucia@example.org").get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.language == "ar"
    assert {a.slug for a in subscriber.areas.all()} == {"sunset-park"}
    assert {t.slug for t in subscriber.topics.all()} == {"ice-activity", "idnyc"}
    assert subscriber.wants_digest is True


@pytest.mark.worker
def test_new_pending_and_active_addresses_get_the_same_answer_and_the_right_mail(signup_smtp):
    make_subscriber("active@example.org")
    make_subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    client = Client()
    answers = [
        answer(client.post("/es/subscribe/", {**FORM, "email": address}))
        for address in ("new@example.org", "pending@example.org", "ACTIVE@example.org")
    ]
    assert answers[0] == answers[1] == answers[2]
    assert "/subscribe/confirm/" in text_of(mails_to(signup_smtp, "new@example.org")[0])
    assert "/subscribe/confirm/" in text_of(mails_to(signup_smtp, "pending@example.org")[0])
    to_active = text_of(mails_to(signup_smtp, "active@example.org")[0])
    assert "/subscribe/confirm/" not in to_active
    assert "/preferences/" in to_active
    # A stranger's form changed nothing of the active subscription.
    assert not Subscriber.objects.for_email("active@example.org").get().areas.exists()


@pytest.mark.worker
def test_a_slow_mail_server_does_not_hold_up_the_sign_up(signup_smtp, signup_mail_server, settings):
    # Were the web process to send the mail itself, it would wait on the same server.
    send_own_mail_to(settings, signup_mail_server)
    signup_smtp.slow = True
    response = Client().post("/es/subscribe/", {**FORM, "email": "patient@example.org"})
    assert response.status_code == 200
    # The reader has the answer while the mail is still with the mail server.
    assert signup_smtp.recipients() == [], "the answer waited for the mail server"
    wait_for(lambda: signup_smtp.held == 1, 60, message="the worker reached the mail server")
    signup_smtp.release.set()
    [received] = mails_to(signup_smtp, "patient@example.org")
    assert "/es/subscribe/confirm/" in text_of(received)


@pytest.mark.worker
def test_the_honeypot_gets_the_usual_answer_and_nothing_is_sent(signup_smtp):
    client = Client()
    trapped = client.post("/es/subscribe/", {**FORM, "email": "bot@example.org", "website": "x"})
    normal = client.post("/es/subscribe/", {**FORM, "email": "real@example.org"})
    assert answer(trapped)[:2] == answer(normal)[:2]
    mails_to(signup_smtp, "real@example.org")
    assert "bot@example.org" not in signup_smtp.by_recipient()
    assert not Subscriber.objects.for_email("bot@example.org").exists()


@pytest.mark.worker
def test_one_address_gets_at_most_three_mails_an_hour(signup_smtp):
    client = Client()
    for number in range(5):
        response = client.post("/es/subscribe/", FORM, REMOTE_ADDR=f"192.0.2.{number + 1}")
        assert response.status_code == 200
    mails_to(signup_smtp, "lucia@example.org", 3)
    # A later sign-up of another address is delivered, so the worker is past
    # the first five: the address got three, not more.
    client.post("/es/subscribe/", {**FORM, "email": "later@example.org"})
    mails_to(signup_smtp, "later@example.org")
    assert len(signup_smtp.by_recipient()["lucia@example.org"]) == 3


@pytest.mark.worker
def test_a_confirmation_link_from_the_mail_works_once(signup_smtp):
    client = Client()
    client.post("/es/subscribe/", FORM)
    path = confirm_path(mails_to(signup_smtp, "lucia@example.org")[0])
    assert path.startswith("/es/subscribe/confirm/")

    first = client.post(path)
    assert first.status_code == 200
    assert "/es/preferences/" in first.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    confirmed_at = subscriber.confirmed_at

    for method in (client.post, client.get):
        again = method(path)
        assert again.status_code == 400
        html = again.content.decode()
        with translation.override("es"):
            assert (
                escape(
                    gettext(
                        "This confirmation link has already been used: your subscription is active."
                    )
                )
                in html
            )
        assert "/preferences/" not in html, "a second use mints no management link"
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == confirmed_at


@pytest.mark.worker
def test_people_who_left_are_not_mailed_again_without_a_new_confirmation(signup_smtp):
    subscriber = make_subscriber("ana@example.org")
    client = Client()
    client.post(f"/unsubscribe/{make_token(subscriber, UNSUBSCRIBE)}/")
    assert not Subscriber.objects.exists()

    # Signing up again is a new opt-in: pending, and still suppressed, until confirmed.
    client.post("/es/subscribe/", {**FORM, "email": "ana@example.org"})
    [received] = mails_to(signup_smtp, "ana@example.org")
    again = Subscriber.objects.get()
    assert again.status == Subscriber.Status.PENDING
    assert SuppressedAddress.objects.filter(email_hash=again.email_hash).exists()

    client.post(confirm_path(received))
    again.refresh_from_db()
    assert again.status == Subscriber.Status.ACTIVE
    assert not SuppressedAddress.objects.exists()
