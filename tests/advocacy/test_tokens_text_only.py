"""Someone who signed up by text alone has no address hash: their signed
links and API token still work (preferences page, subscriptions/me, leaving),
and stay bound to them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from advocacy.models import Subscriber
from advocacy.tokens import (
    CONFIRM,
    MANAGE,
    UNSUBSCRIBE,
    SubscriberGone,
    TokenUsed,
    make_token,
    read_token,
)
from tests.factories.advocacy import SubscriberFactory

pytestmark = pytest.mark.django_db


def texter(number: str) -> Subscriber:
    subscriber = SubscriberFactory.build(email=None, language="es")
    subscriber.phone = number
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    assert subscriber.email_hash is None
    return subscriber


def test_tokens_of_a_text_only_subscriber_read_back_as_them():
    subscriber = texter("+12125550191")
    assert read_token(make_token(subscriber, MANAGE), MANAGE) == subscriber
    assert read_token(make_token(subscriber, UNSUBSCRIBE), UNSUBSCRIBE) == subscriber
    # Active already: a confirmation link has nothing left to confirm.
    with pytest.raises(TokenUsed):
        read_token(make_token(subscriber, CONFIRM), CONFIRM)


def test_a_text_only_token_does_not_open_a_row_that_now_has_an_address():
    subscriber = texter("+12125550192")
    token = make_token(subscriber, UNSUBSCRIBE)
    subscriber.email = "later-added@example.org"
    subscriber.save()
    with pytest.raises(SubscriberGone):
        read_token(token, UNSUBSCRIBE)


def test_the_preferences_page_works_for_a_text_only_subscriber(site_tree):
    subscriber = texter("+12125550193")
    client = Client(enforce_csrf_checks=True)
    page = f"/es/preferences/{make_token(subscriber, MANAGE)}/"
    shown = client.get(page)
    assert shown.status_code == 200
    assert "0193" in shown.content.decode()


def test_the_api_answers_a_text_only_subscriber():
    subscriber = texter("+12125550194")
    client = Client()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    answer = client.get("/api/v1/subscriptions/me/", **bearer)
    assert answer.status_code == 200, answer.content
    assert answer.json()["phone_ending"].endswith("94")

    changed = client.patch(
        "/api/v1/subscriptions/me/", {"language": "en"}, content_type="application/json", **bearer
    )
    assert changed.status_code == 200, changed.content
    new_bearer = {"HTTP_AUTHORIZATION": f"Bearer {changed.json()['manage_token']}"}
    assert client.get("/api/v1/subscriptions/me/", **new_bearer).status_code == 200

    left = client.delete("/api/v1/subscriptions/me/", **new_bearer)
    assert left.status_code == 204
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()
