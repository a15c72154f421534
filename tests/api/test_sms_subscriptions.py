"""Subscribing by text message through the API: `phone` beside `email`."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from advocacy.models import Subscriber
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number
from advocacy.tokens import MANAGE, make_token
from tests.factories.advocacy import ensure_areas, make_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/api/v1/subscriptions/"


def post(client, data):
    return client.post(SUBSCRIBE, json.dumps(data), content_type="application/json")


def refusal(number: str) -> str:
    with translation.override("en"), pytest.raises(InvalidPhoneNumber) as refused:
        parse_mobile_number(number)
    return str(refused.value.message)


def test_a_number_alone_or_with_an_address_is_accepted(client, django_capture_on_commit_callbacks):
    ensure_areas()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        by_text = post(client, {"phone": "+1 718 555 0151", "language": "es"})
        both = post(
            client,
            {"email": "api-both@example.org", "phone": "718-555-0152", "language": "en"},
        )
    assert by_text.status_code == both.status_code == 202
    assert by_text["Cache-Control"] == "no-store"
    assert by_text.json()["status"] == "accepted"
    assert len(both.json()["message"]) > len(by_text.json()["message"])
    # Queued for the worker, like an address: nothing is stored in the request.
    assert [call.args[0] for call in queued] == ["advocacy.sign_up", "advocacy.sign_up"]
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("number", ["800 555 0123", "not a number", "12345"])
def test_a_bad_number_is_refused_by_name_with_the_sites_reason(client, number):
    response = post(client, {"phone": number, "language": "en"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "phone" in error["fields"]
    assert refusal(number) in json.dumps(error["fields"]["phone"])


def test_neither_an_address_nor_a_number_is_refused(client):
    response = post(client, {"language": "en"})
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]
    blank = post(client, {"email": "", "phone": "  ", "language": "en"})
    assert blank.status_code == 400


def test_the_answer_is_the_same_whether_or_not_the_number_is_known(client):
    known = Subscriber(status=Subscriber.Status.ACTIVE)
    known.phone = "+17185550153"
    known.save()
    first = post(client, {"phone": "718 555 0153", "language": "en"})
    new = post(client, {"phone": "718 555 0154", "language": "en"})
    assert first.status_code == new.status_code == 202
    assert first.content == new.content


def test_the_schema_documents_phone_beside_email(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    body = schema["components"]["schemas"]["SubscribeRequest"]
    assert {"email", "phone"} <= set(body["properties"])
    assert "phone" not in body.get("required", []) and "email" not in body.get("required", [])


def test_the_owner_sees_which_channels_get_alerts(client):
    subscriber = make_subscriber("channels@example.org")
    subscriber.phone = "+17185550155"
    subscriber.save()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    body = client.get("/api/v1/subscriptions/me/", **auth).json()
    assert body["email_confirmed"] is True
    assert body["phone_ending"] == "0155" and body["phone_confirmed"] is False
    assert "+17185550155" not in json.dumps(body)
