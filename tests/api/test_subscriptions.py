"""Subscribing, confirming, changing and leaving through the API alone."""

from __future__ import annotations

import json
import re

import pytest
from django.core import signing
from django.test import override_settings
from rest_framework.settings import api_settings

from advocacy.models import Subscriber, SuppressedAddress
from advocacy.tokens import CONFIRM, MANAGE, make_token
from tests.factories.advocacy import ensure_areas, make_subscriber
from tests.support.smtp import mails_to, text_of

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/subscriptions/"
CONFIRM_URL = "/api/v1/subscriptions/confirm/"
ME = "/api/v1/subscriptions/me/"


def post(client, url, data, **extra):
    return client.post(url, json.dumps(data), content_type="application/json", **extra)


def confirm_token_from(received) -> str:
    return re.search(r"/subscribe/confirm/([^/\s]+)/", text_of(received)).group(1)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_partner_subscribes_confirms_changes_and_leaves(client, signup_smtp):
    response = post(
        client,
        SUBSCRIBE,
        {"email": "Ana@Example.org", "language": "es", "areas": ["sunset-park"], "digest": True},
    )
    assert response.status_code == 202 and response["Cache-Control"] == "no-store"
    [received] = mails_to(signup_smtp, "ana@example.org")
    subscriber = Subscriber.objects.for_email("ana@example.org").get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.wants_digest

    token = confirm_token_from(received)
    confirmed = post(client, CONFIRM_URL, {"token": token})
    assert confirmed.status_code == 200, confirmed.content
    manage = confirmed.json()["manage_token"]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE

    # The confirmation token works once and hands out nothing the second time.
    again = post(client, CONFIRM_URL, {"token": token})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "token_used"
    assert "already been used" in again.json()["error"]["message"]
    assert "manage_token" not in again.content.decode()

    auth = {"HTTP_AUTHORIZATION": f"Bearer {manage}"}
    me = client.get(ME, **auth).json()
    assert me["language"] == "es" and me["areas"] == ["sunset-park"] and me["status"] == "active"
    changed = client.patch(
        ME, json.dumps({"topics": ["ice-activity"], "language": "ar"}), "application/json", **auth
    )
    assert changed.status_code == 200
    assert changed.json()["topics"] == ["ice-activity"] and changed.json()["language"] == "ar"
    assert changed.json()["areas"] == ["sunset-park"]  # untouched by a partial change
    auth = {"HTTP_AUTHORIZATION": f"Bearer {changed.json()['manage_token']}"}

    assert client.delete(ME, **auth).status_code == 204
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert SuppressedAddress.objects.filter(email_hash=subscriber.email_hash).exists()
    gone = client.get(ME, **auth)
    assert gone.status_code == 401 and gone.json()["error"]["code"] == "subscription_gone"


def test_a_change_replaces_the_bearer_token(client):
    subscriber = make_subscriber("ana@example.org", language="es")
    old = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    changed = client.patch(ME, json.dumps({"language": "fr"}), "application/json", **old)
    assert changed.status_code == 200
    new = {"HTTP_AUTHORIZATION": f"Bearer {changed.json()['manage_token']}"}
    assert client.get(ME, **new).json()["language"] == "fr"
    for request in (
        lambda: client.get(ME, **old),
        lambda: client.patch(ME, json.dumps({"language": "pl"}), "application/json", **old),
        lambda: client.delete(ME, **old),
    ):
        refused = request()
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "token_superseded"
    subscriber.refresh_from_db()
    assert subscriber.language == "fr"


def test_reading_the_subscription_is_throttled(client):
    subscriber = make_subscriber("ana@example.org")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    with override_settings(REST_FRAMEWORK=_rates(**{"subscriptions-manage": "3/hour"})):
        statuses = [client.get(ME, **auth).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        throttled = client.get(ME, **auth)
        assert throttled.json()["error"]["code"] == "throttled"
        assert int(throttled["Retry-After"]) > 0


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client):
    make_subscriber("known@example.org")
    data = {"email": "known@example.org", "language": "en"}
    first = post(client, SUBSCRIBE, data)
    again = post(client, SUBSCRIBE, data)
    new = post(client, SUBSCRIBE, {"email": "new@example.org", "language": "en"})
    assert first.status_code == again.status_code == new.status_code == 202
    assert first.content == again.content == new.content


def test_bad_input_is_rejected_by_name(client):
    ensure_areas()
    cases = [
        ({"email": "a@example.org", "language": "en", "admin": True}, "admin"),
        ({"email": "not-an-address", "language": "en"}, "email"),
        ({"email": "a@example.org", "language": "tlh"}, "language"),
        ({"email": "a@example.org", "language": "en", "areas": ["atlantis"]}, "areas"),
        ({"email": "a@example.org", "language": "en", "areas": "brooklyn"}, "areas"),
        ({"email": ["a@example.org"], "language": "en"}, "email"),
        ({"email": "a@example.org", "language": "en", "digest": "perhaps"}, "digest"),
    ]
    for data, field in cases:
        response = post(client, SUBSCRIBE, data)
        assert response.status_code == 400, data
        assert field in response.json()["error"]["fields"], data
    assert not Subscriber.objects.exists()


def test_read_only_and_unknown_fields_are_rejected_on_change(client):
    subscriber = Subscriber(status=Subscriber.Status.ACTIVE, language="en")
    subscriber.email = "ro@example.org"
    subscriber.save()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    for data, field in (({"status": "pending"}, "status"), ({"email": "x@example.org"}, "email")):
        response = client.patch(ME, json.dumps(data), "application/json", **auth)
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_tokens_tampered_expired_wrong_purpose_or_in_the_url_are_refused(client, settings):
    subscriber = Subscriber(status=Subscriber.Status.PENDING, language="en")
    subscriber.email = "tok@example.org"
    subscriber.save()
    manage = make_token(subscriber, MANAGE)
    tampered = manage[:-2] + ("AA" if not manage.endswith("AA") else "BB")
    for header in ("", "Bearer", f"Bearer {tampered}", f"Bearer {make_token(subscriber, CONFIRM)}"):
        response = client.get(ME, HTTP_AUTHORIZATION=header) if header else client.get(ME)
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"].startswith("Bearer")
    in_url = client.get(ME, {"token": manage})
    assert in_url.status_code == 400 and in_url.json()["error"]["code"] == "token_in_query"
    in_url = client.get(ME, {"token": manage}, HTTP_AUTHORIZATION=f"Bearer {manage}")
    assert in_url.status_code == 400

    bad = post(client, CONFIRM_URL, {"token": "garbage"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "token_invalid"
    old = signing.TimestampSigner(salt="advocacy.subscriber.confirm")
    payload = signing.dumps([subscriber.pk, subscriber.email_hash[:16]], salt=old.salt)
    settings.SUBSCRIPTION_CONFIRM_DAYS = -1  # every confirm token is now too old
    expired = post(client, CONFIRM_URL, {"token": payload})
    assert expired.status_code == 400 and expired.json()["error"]["code"] == "token_expired"
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"email": "a@example.org", "language": ', "application/json", 400),
        (b'{"email": "\xff\xfe@example.org", "language": "en"}', "application/json", 400),
        (b'{"email": "a@example.org", "language": "en", "x": NaN}', "application/json", 400),
        (b"[1, 2, 3]", "application/json", 400),
        (b"email=a@example.org&language=en", "application/x-www-form-urlencoded", 415),
        (b'{"email": "' + b"a" * 100_000 + b'@example.org"}', "application/json", 413),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(client, body, content_type, status):
    response = client.post(SUBSCRIBE, body, content_type=content_type)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["message"] and error["code"]


def _rates(**rates):
    return {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}


def test_throttled_per_client_address(client, mailoutbox):
    with override_settings(
        REST_FRAMEWORK=_rates(**{"subscriptions": "3/hour", "subscriptions-email": "100/hour"})
    ):
        statuses = [
            post(client, SUBSCRIBE, {"email": f"p{n}@example.org", "language": "en"}).status_code
            for n in range(4)
        ]
        assert statuses == [202, 202, 202, 429]
        response = post(client, SUBSCRIBE, {"email": "p9@example.org", "language": "en"})
        assert response.json()["error"]["code"] == "throttled"
        assert int(response["Retry-After"]) > 0
        other = post(
            client,
            SUBSCRIBE,
            {"email": "p10@example.org", "language": "en"},
            REMOTE_ADDR="10.9.8.7",
        )
        assert other.status_code == 202


def test_throttled_per_email_address_whatever_the_client(client, mailoutbox):
    with override_settings(
        REST_FRAMEWORK=_rates(**{"subscriptions": "100/hour", "subscriptions-email": "2/hour"})
    ):
        data = {"email": "target@example.org", "language": "en"}
        statuses = [
            post(client, SUBSCRIBE, data, REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(3)
        ]
        assert statuses == [202, 202, 429]
        # The same person typed differently is the same address.
        shouted = post(client, SUBSCRIBE, {**data, "email": " TARGET@example.org"})
        assert shouted.status_code == 429
        other = post(client, SUBSCRIBE, {"email": "else@example.org", "language": "en"})
        assert other.status_code == 202


def test_throttle_keys_hold_no_address(client, mailoutbox):
    from django.core.cache import cache

    post(client, SUBSCRIBE, {"email": "secret@example.org", "language": "en"})
    if hasattr(cache._cache, "get_client"):  # Redis (REDIS_URL set)
        keys = [key.decode() for key in cache._cache.get_client().keys("*")]
    else:  # local memory
        keys = list(cache._cache.keys())
    keys = [key for key in keys if "advocacy:rl:" in str(key)]  # throttle counters
    assert keys
    assert not any("secret" in str(key) or "127.0.0.1" in str(key) for key in keys)
