"""The issue's "done when", with Kannel really in the path: a person signs up
by phone on the Spanish site, confirms by replying SÍ from a fake phone
(fakesmsc), receives an urgent Spanish alert in one or two segments, replies
PARAR, and the next urgent alert is not texted to them at all.

The sign-up is made in Debian's Chromium through Playwright (as a person
makes it, on pytest-django's live server; the browser reaches nothing but
127.0.0.1), the sender a real Celery worker, the gateway bearerbox + smsbox + fakesmsc
configured by ``manage.py kannel_config``; delivery reports and the phone's
replies come back to the live test server. The email half of "done when" (a
hard bounce reported by an ESP webhook suppresses the address) is
tests/advocacy/test_email_services.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from advocacy.crypto import phone_hash
from advocacy.models import Area, Delivery, Dispatch, StoppedNumber, Subscriber, Topic
from advocacy.seed import load_areas_and_topics
from advocacy.sms.segments import measure
from advocacy.sms.texts import alert_text
from tests.factories.advocacy import publish_alert
from tests.sms.kannel import FARO_NUMBER, live_base_url
from tests.support.browser import open_context
from tests.support.browser_thread import BrowserThread, keep_to_loopback
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker]

NUMBER = "+17185550181"  # fictional (555-01xx)
TYPED_NUMBER = "(718) 555-0181"  # NUMBER as a person types it
AREA, TOPIC = "sunset-park", "idnyc"


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium for this module, on a thread of its own (the test's
    thread keeps its database calls); closed after the module."""
    browser = BrowserThread().start()
    yield browser
    browser.stop()


@pytest.fixture(scope="module")
def journey_worker(kannel, live_server, django_db_setup, django_db_blocker):
    """One real worker (both lanes) texting through Kannel; its delivery-report
    URLs name the live server."""
    with django_db_blocker.unblock():
        purge_queues()
        worker = WorkerProcess(
            queues="urgent,default",
            concurrency=1,
            SMS_URL=kannel.sms_url,
            SMS_FROM=FARO_NUMBER,
            SMS_SEND_RATE="0",
            SITE_URL=live_base_url(live_server),
        ).start()
    yield worker
    worker.stop()


def keyword(word: str) -> str:
    """The Spanish catalog's word for a keyword (SÍ, PARAR)."""
    with translation.override("es"):
        return pgettext("sms keyword", word)


def sign_up_by_text(browser, base_url: str, typed_number: str, enter_code_path: str) -> None:
    """On the browser's thread: open the Spanish sign-up form, choose text
    messages, type the number, tick the area and topic, press the submit
    button, and see the "check your phone" answer (its link to the code form).
    The context reaches only 127.0.0.1, sets no cookie, and the CSP refuses nothing."""
    recorded = open_context(browser, SimpleNamespace(url=base_url))
    recorded.context.route("**/*", keep_to_loopback)
    try:
        page = recorded.new_page()
        page.goto("/es/subscribe/")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        form = page.locator("form.subscription-form")
        form.locator('input[name="channel"][value="sms"]').check()
        form.locator('input[name="phone"]').fill(typed_number)
        form.locator(f'input[name="areas"][value="{AREA}"]').check()
        form.locator(f'input[name="topics"][value="{TOPIC}"]').check()
        form.locator('button[type="submit"]').click()
        # The answer page: no form any more, a link to the code form instead.
        expect(page.locator("form.subscription-form")).to_have_count(0)
        expect(page.locator(f'a.button[href="{enter_code_path}"]')).to_be_visible()
        expect(page).to_have_url(f"{base_url}/es/subscribe/")
    except BaseException:
        recorded.context.close()
        raise
    recorded.check_and_close()


def parts_to(kannel, number: str) -> list[str]:
    return [text.text for text in kannel.received_by(number)]


def send_urgent(title: str) -> tuple[Dispatch, object]:
    alert = publish_alert(title, urgency="urgent", translations=["es"])
    call_command("send_alert", str(alert.pk))
    spanish = alert.get_translations().get(locale__language_code="es").specific
    return Dispatch.objects.get(alert=alert), spanish


def test_sign_up_by_phone_confirm_with_si_get_an_urgent_alert_stop_with_parar(
    via_kannel, journey_worker, chromium, live_server
):
    assert (keyword("YES"), keyword("STOP")) == ("SÍ", "PARAR"), "the Spanish catalog"
    load_areas_and_topics(Area, Topic)

    # 1. Sign up by phone on the Spanish site, in the browser: the opt-in code comes by text.
    with translation.override("es"):
        enter_code_path = reverse("advocacy:phone-code")
    chromium.run(sign_up_by_text, live_base_url(live_server), TYPED_NUMBER, enter_code_path)
    wait_for(lambda: parts_to(via_kannel, NUMBER), 60, "the opt-in text reached the phone")
    subscriber = Subscriber.objects.for_phone(NUMBER).get()
    assert subscriber.language == "es" and not subscriber.gets_sms

    # 2. The phone replies SÍ: the number is confirmed (and the reply answered).
    answered_before = len(parts_to(via_kannel, NUMBER))
    via_kannel.phone_sends(NUMBER, keyword("YES"))
    wait_for(
        lambda: Subscriber.objects.get(pk=subscriber.pk).gets_sms, 30, "SÍ confirmed the number"
    )
    wait_for(lambda: len(parts_to(via_kannel, NUMBER)) > answered_before, 60, "SÍ was answered")

    # 3. An urgent alert, approved and sent: the Spanish text in one or two segments.
    before_alert = len(via_kannel.received_by(NUMBER))
    dispatch, spanish = send_urgent("Atención: control en la avenida 5")
    expected = alert_text(spanish)
    assert measure(expected).encoding == "UCS-2"

    def alert_parts():
        return via_kannel.received_by(NUMBER)[before_alert:]

    wait_for(
        lambda: "".join(text.text for text in alert_parts()) == expected,
        120,
        f"the Spanish alert reached the phone: {via_kannel.received_by(NUMBER)}",
    )
    arrived = "".join(text.text for text in alert_parts())
    assert measure(arrived).segments in (1, 2)
    # Kannel sent that many parts, numbered 1..n of n, in order.
    count = measure(arrived).segments
    assert [text.part for text in alert_parts()] == [(n, count) for n in range(1, count + 1)]
    delivery = Delivery.objects.get(dispatch=dispatch, subscriber=subscriber, channel="sms")
    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED,
        60,
        "the delivery report marked the alert delivered",
    )

    # 4. The phone replies PARAR: stopped at once, answered once.
    before_stop = len(via_kannel.received_by(NUMBER))
    via_kannel.phone_sends(NUMBER, keyword("STOP"))
    wait_for(
        StoppedNumber.objects.filter(phone_hash=phone_hash(NUMBER)).exists, 30, "PARAR stopped it"
    )
    wait_for(lambda: len(via_kannel.received_by(NUMBER)) > before_stop, 60, "PARAR answered")
    after_stop = len(via_kannel.received_by(NUMBER))

    # 5. A second urgent alert: nothing for this number, the dispatch skips it.
    second, _ = send_urgent("Atención: segundo control en la avenida 7")
    wait_for(
        lambda: Dispatch.objects.get(pk=second.pk).status == Dispatch.Status.FINISHED,
        120,
        "the second alert's dispatch finished",
    )
    texts = Delivery.objects.filter(dispatch=second, subscriber=subscriber, channel="sms")
    assert not texts.exclude(status=Delivery.Status.SKIPPED).exists()
    assert all("stop" in text.last_error.lower() for text in texts)
    # Had a text gone out, the worker's one process would have sent it by now;
    # a marker text sent after it proves the gateway passed everything queued.
    via_kannel.phone_sends(NUMBER, "?")  # anything else: a stopped number gets no answer
    assert len(via_kannel.received_by(NUMBER)) == after_stop
    assert not Subscriber.objects.sms_recipients().filter(pk=subscriber.pk).exists()
