"""Signing up by text message on the site, with a real worker texting through
the file backend (SMS_URL=file://…) and mailing through a real SMTP server."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from advocacy.models import Area, Subscriber, Topic
from advocacy.seed import load_areas_and_topics
from advocacy.sms.opt_in import opt_in_text
from advocacy.tokens import MANAGE, make_token
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import mails_to, start_mail_server, text_of
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def sms_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("sms-outbox")


@pytest.fixture(scope="module")
def mail_server():
    server = start_mail_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sms_worker(django_db_setup, django_db_blocker, sms_folder, mail_server):
    """A worker that texts into ``sms_folder`` and mails to ``mail_server``."""
    with django_db_blocker.unblock():
        purge_queues()
        worker = WorkerProcess(SMS_URL=f"file://{sms_folder}", EMAIL_URL=mail_server.url).start()
    yield worker
    worker.stop()


@pytest.fixture
def texting(sms_worker, sms_folder, mail_server, settings):
    for path in sms_folder.glob("*.json"):
        path.unlink()
    mail_server.handler.reset()
    settings.SMS_URL = f"file://{sms_folder}"
    load_areas_and_topics(Area, Topic)
    yield sms_folder
    mail_server.handler.release.set()


def text_to(folder, number: str) -> str:
    """The text the worker wrote for ``number`` (waits up to 60 s)."""

    def found():
        for path in sorted(folder.glob("*.json")):
            message = json.loads(path.read_text())
            if message["to"] == number:
                return message["text"]
        return None

    return wait_for(found, 60, message=f"a text to {number}")


def code_in(text: str) -> str:
    return re.search(r"\b\d{6}\b", text).group(0)


FORM = {"language": "es", "areas": ["sunset-park"], "topics": ["idnyc"]}


def test_signing_up_by_text_and_entering_the_code_on_the_site(texting):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/es/subscribe/", {**FORM, "channel": "sms", "phone": "(718) 555-0142"})
    assert response.status_code == 200
    assert 'href="/es/subscribe/phone/"' in response.content.decode()
    text = text_to(texting, "+17185550142")
    code = code_in(text)
    assert text == opt_in_text(code, "es")
    subscriber = Subscriber.objects.for_phone("+17185550142").get()
    assert subscriber.status == Subscriber.Status.PENDING and subscriber.language == "es"
    assert list(subscriber.areas.values_list("slug", flat=True)) == ["sunset-park"]

    page = client.get("/es/subscribe/phone/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post("/es/subscribe/phone/", {"phone": "718 555 0142", "code": wrong})
    assert refused.status_code == 400
    assert 'value="718 555 0142"' in refused.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    done = client.post("/es/subscribe/phone/", {"phone": "718 555 0142", "code": code})
    assert done.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE and subscriber.gets_sms


def test_signing_up_with_both_confirms_each_channel_on_its_own(texting, mail_server):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/es/subscribe/",
        {**FORM, "channel": "both", "email": "Dos@Example.org", "phone": "+1 718 555 0143"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/es/subscribe/phone/"' in html
    code = code_in(text_to(texting, "+17185550143"))
    [received] = mails_to(mail_server.handler, "dos@example.org")
    link = re.search(r"https?://[^/\s]+(/es/subscribe/confirm/\S+/)", text_of(received)).group(1)

    entered = client.post("/es/subscribe/phone/", {"phone": "7185550143", "code": code})
    assert entered.status_code == 200
    subscriber = Subscriber.objects.for_email("dos@example.org").get()
    assert subscriber.gets_sms and not subscriber.gets_email

    assert client.post(link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.gets_sms and subscriber.gets_email


def test_known_and_new_numbers_get_the_same_answer(texting):
    known = Subscriber(status=Subscriber.Status.ACTIVE, language="es")
    known.phone = "+17185550144"
    known.phone_confirmed_at = timezone.now()
    known.save()
    client = Client(enforce_csrf_checks=True)
    answers = [
        client.post("/es/subscribe/", {**FORM, "channel": "sms", "phone": number})
        for number in ("718 555 0144", "718 555 0145")
    ]
    assert answers[0].status_code == answers[1].status_code == 200
    assert answers[0].content == answers[1].content
    text_to(texting, "+17185550145")
    known.refresh_from_db()
    assert known.phone_code_hash == ""  # a confirmed number is not sent a new code


def test_the_preferences_page_adds_and_removes_a_number(texting):
    subscriber = Subscriber(email="prefs@example.org", status=Subscriber.Status.ACTIVE)
    subscriber.language = "es"
    subscriber.confirmed_at = timezone.now()
    subscriber.save()
    client = Client(enforce_csrf_checks=True)
    page = f"/es/preferences/{make_token(subscriber, MANAGE)}/"

    bad = client.post(page, {"add_phone": "1", "phone": "800 555 0123"})
    assert bad.status_code == 400 and 'value="800 555 0123"' in bad.content.decode()

    added = client.post(page, {"add_phone": "1", "phone": "718 555 0146"})
    assert added.status_code == 302
    code = code_in(text_to(texting, "+17185550146"))
    shown = client.get(added["Location"]).content.decode()
    assert "0146" in shown and "+17185550146" not in shown
    entered = client.post("/es/subscribe/phone/", {"phone": "718 555 0146", "code": code})
    assert entered.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.gets_sms and subscriber.gets_email

    removed = client.post(page, {"remove_phone": "1"})
    assert removed.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.phone_hash is None and subscriber.gets_email
