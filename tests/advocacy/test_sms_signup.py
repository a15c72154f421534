"""Double opt-in by text message: the code, its limits, a YES reply, expiry,
key rotation and logs. The queued tasks run in this process, in the order
the worker would run them (tests/advocacy/test_sms_signup_site.py runs them
in a real worker)."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation
from wagtail.models import Site

from advocacy import tasks as _tasks  # noqa: F401 - registers the tasks run below
from advocacy.crypto import phone_hash
from advocacy.key_check import check_keys
from advocacy.key_rotation import rotate_encryption_keys
from advocacy.models import StoppedNumber, Subscriber
from advocacy.sms import opt_in
from advocacy.sms.keywords import STOP, YES, keyword_word
from advocacy.sms.opt_in import (
    MAX_WRONG_CODES,
    confirm_by_code,
    confirm_by_reply,
    opt_in_text,
    start_opt_in,
)
from advocacy.subscriptions import (
    SubscriptionError,
    confirm,
    make_choices,
    purge_unconfirmed,
    queue_sign_up,
)
from advocacy.tokens import CONFIRM, make_token
from cms.celery import app as celery_app
from tests.factories.advocacy import ensure_areas, make_subscriber

pytestmark = pytest.mark.django_db

NUMBER = "+17185550142"


@pytest.fixture
def sms_outbox(tmp_path):
    """The file backend's folder for this test."""
    folder = tmp_path / "sms"
    with override_settings(SMS_URL=f"file://{folder}"):
        yield folder


def texts_in(folder: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(folder.glob("*.json"))]


def code_in(text: str) -> str:
    return re.search(r"\b\d{6}\b", text).group(0)


def run_queued(capture, action) -> list[str]:
    """Do ``action`` and then every task it queued (and those they queue), as
    the worker would once the transaction commits; returns the task names."""
    ran = []
    with capture(execute=False) as callbacks:
        action()
    while callbacks:
        queued = list(callbacks)
        with capture(execute=False) as callbacks:
            for callback in queued:
                name = callback.args[0]
                celery_app.tasks[name](*callback.keywords["args"])
                ran.append(name)
    return ran


def sign_up(capture, language="es", email="", phone=NUMBER):
    ensure_areas()
    choices = make_choices(language, ["sunset-park"], [])
    return run_queued(capture, lambda: queue_sign_up(email, choices, phone=phone))


def pending_number(capture, sms_outbox, phone=NUMBER) -> tuple[Subscriber, str]:
    sign_up(capture, phone=phone)
    subscriber = Subscriber.objects.for_phone(phone).get()
    [text] = [t for t in texts_in(sms_outbox) if t["to"] == phone]
    return subscriber, code_in(text["text"])


def test_sign_up_by_text_sends_a_code_in_the_readers_language_and_the_code_confirms(
    django_capture_on_commit_callbacks, sms_outbox
):
    ran = sign_up(django_capture_on_commit_callbacks, language="es", phone="(718) 555-0142")
    assert ran == ["advocacy.sign_up", "advocacy.send_opt_in_code"]
    [text] = texts_in(sms_outbox)
    assert text["to"] == NUMBER
    code = code_in(text["text"])
    assert text["text"] == opt_in_text(code, "es")
    with translation.override("es"):
        assert text["text"] == opt_in_text(code, "es")
    subscriber = Subscriber.objects.for_phone(NUMBER).get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.email_hash is None and not subscriber.gets_sms
    # Only a keyed hash of the code is kept.
    assert code not in subscriber.phone_code_hash and len(subscriber.phone_code_hash) == 64

    assert confirm_by_code(subscriber, code)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.gets_sms
    assert subscriber.phone_confirmed_at and subscriber.confirmed_at
    assert subscriber.phone_code_hash == "" and subscriber.phone_code_expires_at is None
    assert Subscriber.objects.sms_recipients().filter(pk=subscriber.pk).exists()
    # A code works once.
    assert not confirm_by_code(subscriber, code)


@pytest.mark.django_db
def test_the_english_text_is_plain_gsm_names_the_group_and_says_how_to_confirm_and_stop():
    Site.objects.filter(is_default_site=True).update(site_name="Test group")
    text = opt_in_text("123456", "en")
    assert text == (
        "Test group: Your code is 123456. Reply YES to get alerts, "
        "or enter the code on the site. Reply STOP to stop."
    )
    assert text.isascii() and len(text) <= 160


@pytest.mark.django_db
def test_the_spanish_text_names_the_spanish_words_to_reply():
    text = opt_in_text("123456", "es")
    assert "123456" in text
    assert keyword_word(YES, "es") in text and keyword_word(STOP, "es") in text


def test_a_yes_reply_confirms_only_a_number_waiting_for_its_code(
    django_capture_on_commit_callbacks, sms_outbox
):
    assert not confirm_by_reply("+17185550199")  # unknown number
    subscriber, _code = pending_number(django_capture_on_commit_callbacks, sms_outbox)
    expired, _ = pending_number(django_capture_on_commit_callbacks, sms_outbox, "+17185550177")
    Subscriber.objects.filter(pk=expired.pk).update(
        phone_code_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert not confirm_by_reply("+17185550177")
    expired.refresh_from_db()
    assert expired.status == Subscriber.Status.PENDING and expired.phone_confirmed_at is None

    assert confirm_by_reply(NUMBER)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.gets_sms
    # Already confirmed: a second YES changes nothing.
    confirmed_at = subscriber.phone_confirmed_at
    assert not confirm_by_reply(NUMBER)
    subscriber.refresh_from_db()
    assert subscriber.phone_confirmed_at == confirmed_at


def test_wrong_codes_are_bounded_and_a_new_code_is_needed_after(
    django_capture_on_commit_callbacks, sms_outbox
):
    subscriber, code = pending_number(django_capture_on_commit_callbacks, sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(MAX_WRONG_CODES):
        assert not confirm_by_code(subscriber, wrong)
    subscriber.refresh_from_db()
    assert subscriber.phone_code_attempts == MAX_WRONG_CODES
    # Even the right code no longer works.
    assert not confirm_by_code(subscriber, code)
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    run_queued(django_capture_on_commit_callbacks, lambda: start_opt_in(subscriber))
    new_code = code_in(texts_in(sms_outbox)[-1]["text"])
    if new_code != code:
        assert not confirm_by_code(subscriber, code)  # the old code is gone
    assert confirm_by_code(subscriber, f"{new_code[:3]} {new_code[3:]}")


def test_a_code_expires(django_capture_on_commit_callbacks, sms_outbox):
    subscriber, code = pending_number(django_capture_on_commit_callbacks, sms_outbox)
    assert subscriber.phone_code_expires_at - timezone.now() <= opt_in.CODE_VALID_FOR
    Subscriber.objects.filter(pk=subscriber.pk).update(
        phone_code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not confirm_by_code(subscriber, code)
    subscriber.refresh_from_db()
    assert subscriber.phone_confirmed_at is None


def test_a_number_that_sent_stop_gets_no_code(django_capture_on_commit_callbacks, sms_outbox):
    StoppedNumber.objects.create(phone_hash=phone_hash(NUMBER))
    ran = sign_up(django_capture_on_commit_callbacks)
    assert ran == ["advocacy.sign_up"]
    assert texts_in(sms_outbox) == []


def test_sign_up_needs_an_address_or_a_number_and_refuses_landlines():
    ensure_areas()
    choices = make_choices("en")
    with pytest.raises(SubscriptionError):
        queue_sign_up("", choices, phone="")
    with pytest.raises(SubscriptionError):
        queue_sign_up("", choices, phone="800 555 0123")


def test_both_channels_are_confirmed_each_on_its_own(
    django_capture_on_commit_callbacks, sms_outbox
):
    sign_up(django_capture_on_commit_callbacks, email="both@example.org")
    subscriber = Subscriber.objects.for_email("both@example.org").get()
    assert subscriber.phone_hash and subscriber.email_awaiting_confirmation
    assert [m.to for m in mail.outbox] == [["both@example.org"]]
    code = code_in(texts_in(sms_outbox)[0]["text"])

    # The number first: active by text, the address still waits for its link.
    assert confirm_by_code(subscriber, code)
    subscriber.refresh_from_db()
    assert subscriber.gets_sms and not subscriber.gets_email
    assert subscriber.status == Subscriber.Status.ACTIVE

    # The link from the first mail still confirms the address.
    confirm(make_token(subscriber, CONFIRM))
    subscriber.refresh_from_db()
    assert subscriber.gets_email and subscriber.gets_sms
    assert not subscriber.email_awaiting_confirmation


def test_the_email_link_confirms_the_address_and_leaves_the_number_waiting(
    django_capture_on_commit_callbacks, sms_outbox
):
    sign_up(django_capture_on_commit_callbacks, email="link@example.org")
    subscriber = Subscriber.objects.for_email("link@example.org").get()
    confirm(make_token(subscriber, CONFIRM))
    subscriber.refresh_from_db()
    assert subscriber.gets_email and not subscriber.gets_sms
    assert subscriber.phone_code_hash  # the code still works
    assert confirm_by_reply(NUMBER)
    subscriber.refresh_from_db()
    assert subscriber.gets_sms


def test_an_active_address_gets_no_number_from_a_stranger(
    django_capture_on_commit_callbacks, sms_outbox
):
    owner = make_subscriber("owner@example.org")
    sign_up(django_capture_on_commit_callbacks, email="owner@example.org")
    owner.refresh_from_db()
    # The owner's row is untouched; the number waits on a row of its own.
    assert owner.phone_hash is None
    stranger = Subscriber.objects.for_phone(NUMBER).get()
    assert stranger.pk != owner.pk and stranger.email_hash is None


def test_unconfirmed_numbers_expire_like_unconfirmed_addresses(
    django_capture_on_commit_callbacks, sms_outbox, settings
):
    by_text, _ = pending_number(django_capture_on_commit_callbacks, sms_outbox, "+17185550111")
    sign_up(django_capture_on_commit_callbacks, email="half@example.org", phone="+17185550122")
    half = Subscriber.objects.for_email("half@example.org").get()
    confirm(make_token(half, CONFIRM))
    kept, kept_code = pending_number(django_capture_on_commit_callbacks, sms_outbox, "+17185550133")
    assert confirm_by_code(kept, kept_code)

    later = timezone.now() + timedelta(days=settings.SUBSCRIPTION_CONFIRM_DAYS, hours=1)
    assert purge_unconfirmed(now=later) == 1
    assert not Subscriber.objects.filter(pk=by_text.pk).exists()
    half.refresh_from_db()
    assert half.gets_email and half.phone_hash is None and half.phone_ciphertext == ""
    kept.refresh_from_db()
    assert kept.gets_sms and kept.phone == "+17185550133"


def test_key_rotation_re_encrypts_numbers(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    only_text = Subscriber(status=Subscriber.Status.ACTIVE)
    only_text.phone = NUMBER
    only_text.save()
    both = make_subscriber("rotate-both@example.org")
    both.phone = "+17185550188"
    both.save()

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert check_keys().older_keys >= 2
    result = rotate_encryption_keys()
    assert not result.failed
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert set(check_keys().undecryptable).isdisjoint({only_text.pk, both.pk})
    only_text.refresh_from_db()
    both.refresh_from_db()
    assert only_text.phone == NUMBER
    assert both.phone == "+17185550188" and both.email == "rotate-both@example.org"


def test_no_number_or_code_in_the_logs(django_capture_on_commit_callbacks, sms_outbox, caplog):
    caplog.set_level(logging.DEBUG)
    subscriber, code = pending_number(django_capture_on_commit_callbacks, sms_outbox)
    confirm_by_code(subscriber, "000000" if code != "000000" else "111111")
    confirm_by_code(subscriber, code)
    confirm_by_reply("+17185550199")
    logged = caplog.text
    assert caplog.records, "nothing was logged: the check proves nothing"
    for secret in (NUMBER, NUMBER[2:], "555-0142", "5550142", code):
        assert secret not in logged
