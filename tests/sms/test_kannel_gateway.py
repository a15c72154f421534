"""Text messages through a real Kannel (bearerbox, smsbox, fakesmsc) on
127.0.0.1: what Faro sends reaches the phone and its delivery report comes
back; what phones text (STOP, START, HELP, anything else) is answered by a
real worker through the same gateway."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext
from wagtail.models import Site

from advocacy.crypto import phone_hash
from advocacy.models import Delivery, Dispatch, ProcessedCallback, StoppedNumber, Subscriber
from advocacy.sms.backends import SENT, KannelBackend, sms_backend
from advocacy.sms.keywords import HELP, OTHER, START, STOP, YES
from advocacy.sms.opt_in import start_opt_in
from advocacy.sms.replies import reply_text
from know_your_rights.models import HelpLineSettings
from tests.factories.advocacy import SubscriberFactory
from tests.support.waiting import wait_for

# Fictional numbers (555-01xx is reserved for fiction in North America).
ALERTED = "+12125550161"
EARLY = "+12125550162"
HELPED = "+12125550163"
CHATTY = "+12125550164"
STOPPERS = {"STOP": "+12125550165", "stop ": "+12125550166", "Ｓｔｏｐ": "+12125550167"}
TRANSLATED = {"es": "+12125550168", "zh-hans": "+12125550169", "zh-hant": "+12125550172"}
TRANSLATED_STOP = {"es": "PARAR", "zh-hans": "退订", "zh-hant": "退訂"}
CONFIRMING = "+12125550170"


def texter(phone: str, language: str = "en") -> Subscriber:
    """A subscriber by text message alone, number confirmed."""
    subscriber = SubscriberFactory.build(email=None, language=language)
    subscriber.phone = phone
    subscriber.phone_confirmed_at = timezone.now()
    subscriber.save()
    return subscriber


def one_text_delivery(subscriber: Subscriber, *, recorded_as_sent: bool) -> Delivery:
    """A running dispatch with one text delivery, claimed by a sender; when
    ``recorded_as_sent`` the sender has already written it down as sent."""
    dispatch = Dispatch.objects.create(
        alert_title="test-sms-gateway",
        status=Dispatch.Status.RUNNING,
        prepared=True,
        total=1,
        sms_total=1,
        sent_count=int(recorded_as_sent),
        sms_sent_count=int(recorded_as_sent),
    )
    return Delivery.objects.create(
        dispatch=dispatch,
        subscriber=subscriber,
        channel=Delivery.Channel.SMS,
        status=Delivery.Status.SENT if recorded_as_sent else Delivery.Status.QUEUED,
        claim_token=None if recorded_as_sent else uuid.uuid4(),
        sent_at=timezone.now() if recorded_as_sent else None,
    )


def texts_to(kannel, number: str) -> list[str]:
    return [text.text for text in kannel.received_by(number)]


def incoming_seen() -> int:
    """Incoming texts Faro has acted on in this test."""
    return ProcessedCallback.objects.filter(provider="kannel", key__startswith="incoming:").count()


def test_the_settings_choose_kannel(via_kannel):
    assert isinstance(sms_backend(), KannelBackend)


def test_a_text_reaches_the_phone_and_its_delivery_report_marks_it_delivered(via_kannel):
    delivery = one_text_delivery(texter(ALERTED), recorded_as_sent=True)
    text = "Alerta: ¿Qué hacer? 你好"  # not GSM-7: sent as UCS-2
    outcome = sms_backend().send(ALERTED, text, reference=str(delivery.pk))
    assert outcome.kind == SENT
    Delivery.objects.filter(pk=delivery.pk).update(provider_message_id=outcome.message_id)

    assert wait_for(lambda: texts_to(via_kannel, ALERTED), 20, "fakesmsc got the text") == [text]
    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED,
        20,
        "the delivery report marked it delivered",
    )
    delivery.refresh_from_db()
    assert delivery.delivered_at is not None
    dispatch = Dispatch.objects.get(pk=delivery.dispatch_id)
    assert (dispatch.sms_sent_count, dispatch.sms_delivered_count, dispatch.sms_failed_count) == (
        1,
        1,
        0,
    )
    assert dispatch.sent_count == 1


def test_a_report_before_the_sender_wrote_its_chunk_counts_it_sent_and_delivered(via_kannel):
    delivery = one_text_delivery(texter(EARLY), recorded_as_sent=False)
    assert sms_backend().send(EARLY, "Alert: test", reference=str(delivery.pk)).kind == SENT
    wait_for(
        lambda: Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED,
        20,
        "the delivery report marked it delivered",
    )
    dispatch = Dispatch.objects.get(pk=delivery.dispatch_id)
    assert (dispatch.sent_count, dispatch.sms_sent_count, dispatch.sms_delivered_count) == (1, 1, 1)
    # The sender writes only rows still queued under its claim: this one is not.
    assert not Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.QUEUED).exists()


@pytest.mark.parametrize("word", list(STOPPERS))
def test_stop_is_honoured_at_once_answered_once_and_lifted_by_start(
    via_kannel, kannel_reply_worker, word
):
    number = STOPPERS[word]
    subscriber = texter(number)
    stopped = StoppedNumber.objects.filter(phone_hash=phone_hash(number))

    via_kannel.phone_sends(number, word)
    wait_for(stopped.exists, 20, "the number is stopped")
    assert not Subscriber.objects.sms_recipients().filter(pk=subscriber.pk).exists()
    wait_for(lambda: texts_to(via_kannel, number), 30, "the STOP is answered")

    via_kannel.phone_sends(number, word)  # a second STOP: no second answer
    wait_for(lambda: incoming_seen() == 2, 20, "the second STOP arrived")
    via_kannel.phone_sends(number, "START")
    wait_for(lambda: not stopped.exists(), 20, "START lifted the stop")
    wait_for(lambda: len(texts_to(via_kannel, number)) >= 2, 30, "the START is answered")

    # One worker sends in queue order: a second STOP answer would come before START's.
    assert texts_to(via_kannel, number) == [reply_text(STOP, "en"), reply_text(START, "en")]
    assert Subscriber.objects.sms_recipients().filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize("language", list(TRANSLATED))
def test_a_stop_word_in_another_language_stops_the_number(
    via_kannel, kannel_reply_worker, language
):
    with translation.override(language):
        word = pgettext("sms keyword", "STOP")
    # The catalogs are compiled: a missing stop word is a failure, not a skip.
    assert word == TRANSLATED_STOP[language], f"the {language} catalog's stop word"
    number = TRANSLATED[language]
    texter(number, language=language)
    via_kannel.phone_sends(number, word)
    wait_for(
        StoppedNumber.objects.filter(phone_hash=phone_hash(number)).exists, 20, "number stopped"
    )
    assert wait_for(lambda: texts_to(via_kannel, number), 30, "answered") == [
        reply_text(STOP, language)
    ]


def test_help_names_the_group_and_its_help_line(via_kannel, kannel_reply_worker, site_tree):
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="127.0.0.1", port=80, root_page=site_tree.home, is_default_site=True
    )
    site.site_name = "Test SMS Group"
    site.save()
    line = HelpLineSettings.for_site(site)
    line.phone = "212-555-0142"
    line.save()

    via_kannel.phone_sends(HELPED, "help?")
    answer = wait_for(lambda: texts_to(via_kannel, HELPED), 30, "HELP is answered")
    assert answer == [reply_text(HELP, "en")]
    assert "Test SMS Group" in answer[0] and "212-555-0142" in answer[0] and "STOP" in answer[0]


def test_other_texts_get_one_answer_a_day(via_kannel, kannel_reply_worker):
    via_kannel.phone_sends(CHATTY, "Hello, is anyone there?")
    wait_for(lambda: texts_to(via_kannel, CHATTY), 30, "the first text is answered")
    via_kannel.phone_sends(CHATTY, "Hello again")
    wait_for(lambda: incoming_seen() == 2, 20, "the second text arrived")
    via_kannel.phone_sends(CHATTY, "HELP")
    wait_for(lambda: len(texts_to(via_kannel, CHATTY)) >= 2, 30, "HELP is answered")
    assert texts_to(via_kannel, CHATTY) == [reply_text(OTHER, "en"), reply_text(HELP, "en")]


def test_yes_confirms_a_number_waiting_for_its_code(via_kannel, kannel_reply_worker):
    subscriber = texter(CONFIRMING)
    Subscriber.objects.filter(pk=subscriber.pk).update(phone_confirmed_at=None)
    subscriber.refresh_from_db()
    start_opt_in(subscriber)
    wait_for(lambda: texts_to(via_kannel, CONFIRMING), 30, "the code is texted")

    via_kannel.phone_sends(CONFIRMING, "Yes!")
    wait_for(lambda: Subscriber.objects.get(pk=subscriber.pk).phone_confirmed_at, 20, "confirmed")
    wait_for(lambda: len(texts_to(via_kannel, CONFIRMING)) >= 2, 30, "YES is answered")
    assert texts_to(via_kannel, CONFIRMING)[1] == reply_text(YES, "en")
    assert Subscriber.objects.sms_recipients().filter(pk=subscriber.pk).exists()


# Spanish HELP and Chinese YES from fake phones (the catalogs' words).
HELPED_ES = "+12125550177"
CONFIRMING_ZH = "+12125550178"


def test_spanish_help_is_answered_in_spanish(via_kannel, kannel_reply_worker):
    with translation.override("es"):
        word = pgettext("sms keyword", "HELP")
    assert word == "AYUDA", "the Spanish catalog's help word"
    texter(HELPED_ES, language="es")
    via_kannel.phone_sends(HELPED_ES, "ayuda")
    assert wait_for(lambda: texts_to(via_kannel, HELPED_ES), 30, "AYUDA is answered") == [
        reply_text(HELP, "es")
    ]


def test_chinese_yes_confirms_a_number_waiting_for_its_code(via_kannel, kannel_reply_worker):
    with translation.override("zh-hans"):
        word = pgettext("sms keyword", "YES")
    assert word == "是", "the Simplified Chinese catalog's yes word"
    subscriber = texter(CONFIRMING_ZH, language="zh-hans")
    Subscriber.objects.filter(pk=subscriber.pk).update(phone_confirmed_at=None)
    subscriber.refresh_from_db()
    start_opt_in(subscriber)
    wait_for(lambda: texts_to(via_kannel, CONFIRMING_ZH), 30, "the code is texted")

    via_kannel.phone_sends(CONFIRMING_ZH, word)
    wait_for(lambda: Subscriber.objects.get(pk=subscriber.pk).phone_confirmed_at, 20, "confirmed")
    wait_for(lambda: len(texts_to(via_kannel, CONFIRMING_ZH)) >= 2, 30, "是 is answered")
    assert texts_to(via_kannel, CONFIRMING_ZH)[-1] == reply_text(YES, "zh-hans")
