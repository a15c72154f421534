"""The sign-up and code pages refuse what is not a mobile number, say why in
the reader's language and keep what was typed; the code page is rate-limited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from advocacy import views
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number
from tests.factories.advocacy import ensure_areas

pytestmark = pytest.mark.django_db

FORM = {"language": "es", "areas": ["sunset-park"]}


@pytest.fixture
def client():
    ensure_areas()
    return Client(enforce_csrf_checks=True)


def refusal(number: str, language: str) -> str:
    """The reason parse_mobile_number gives for ``number``, in ``language``, as HTML."""
    with translation.override(language):
        with pytest.raises(InvalidPhoneNumber) as refused:
            parse_mobile_number(number)
        return escape(str(refused.value.message))


@pytest.mark.parametrize(
    "typed",
    [
        "800 555 0123",  # toll-free: cannot receive texts
        "call me maybe",  # letters
        "12345",  # too short
    ],
)
def test_a_bad_number_is_refused_with_its_reason_and_kept(client, typed):
    response = client.post("/es/subscribe/", {**FORM, "channel": "sms", "phone": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert refusal(typed, "es") in html
    assert f'value="{escape(typed)}"' in html


def test_each_chosen_channel_needs_its_field(client):
    with translation.override("es"):
        need_number = escape(translation.gettext("Enter your mobile number."))
        need_address = escape(translation.gettext("Enter your email address."))
    by_text = client.post("/es/subscribe/", {**FORM, "channel": "sms", "email": "a@example.org"})
    assert by_text.status_code == 400 and need_number in by_text.content.decode()
    both = client.post("/es/subscribe/", {**FORM, "channel": "both", "phone": "718 555 0142"})
    assert both.status_code == 400
    assert need_address in both.content.decode()
    assert 'value="718 555 0142"' in both.content.decode()


def test_email_only_ignores_a_bad_number_left_in_the_form(client):
    response = client.post(
        "/es/subscribe/",
        {**FORM, "channel": "email", "email": "solo@example.org", "phone": "abc"},
    )
    assert response.status_code == 200


def test_the_sign_up_page_says_what_texts_to_expect_in_the_readers_language(client):
    html = client.get("/es/subscribe/").content.decode()
    assert 'name="channel"' in html and 'name="phone"' in html
    with translation.override("es"):
        for sentence in (
            "Message and data rates may apply.",
            "Reply STOP to stop, HELP for help.",
        ):
            assert escape(translation.gettext(sentence)) in html


def test_the_code_page_refuses_a_malformed_code_and_keeps_the_number(client):
    response = client.post("/es/subscribe/phone/", {"phone": "718 555 0142", "code": "12ab"})
    assert response.status_code == 400
    assert 'value="718 555 0142"' in response.content.decode()


def test_an_unknown_number_gets_the_same_refusal_as_a_wrong_code(client):
    one = client.post("/es/subscribe/phone/", {"phone": "718 555 0197", "code": "123456"})
    two = client.post("/es/subscribe/phone/", {"phone": "718 555 0198", "code": "123456"})
    assert one.status_code == two.status_code == 400
    assert one.content.replace(b"0197", b"0198") == two.content


def test_the_code_page_is_rate_limited_per_client(client, monkeypatch):
    monkeypatch.setattr(views, "CODE_POSTS_PER_CLIENT_PER_HOUR", 3)
    data = {"phone": "718 555 0142", "code": "123456"}
    statuses = [client.post("/es/subscribe/phone/", data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
