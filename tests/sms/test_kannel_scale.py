"""An alert to 200 numbers through a real Kannel and a real Celery worker:
fakesmsc (the operator's SMS centre) receives each number's text exactly
once, every delivery report comes back, every text ends delivered and the
dispatch counts them. Bounded by generous timeouts; no timing is asserted."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from advocacy.models import Delivery, Dispatch
from tests.factories.advocacy import SubscriberFactory, publish_alert
from tests.sms.kannel import FARO_NUMBER, live_base_url
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.worker]

# 200 fictional numbers: 555-0100 to 555-0149 in four area codes
# (555-01xx is reserved for fiction in North America).
NUMBERS = [
    f"+1{area}555{line:04d}" for area in ("212", "202", "312", "415") for line in range(100, 150)
]


@pytest.fixture(scope="module")
def alert_worker(kannel, live_server, django_db_setup, django_db_blocker):
    """A real worker sending alerts through the Kannel gateway, with no rate
    limit, its DLR URLs on the live server."""
    with django_db_blocker.unblock():
        purge_queues()
        worker = WorkerProcess(
            concurrency=2,
            SMS_URL=kannel.sms_url,
            SMS_FROM=FARO_NUMBER,
            SMS_SEND_RATE="0",
            SITE_URL=live_base_url(live_server),
            ALERT_CHUNK_SIZE="25",
        ).start()
    yield worker
    worker.stop()


def test_an_alert_to_200_numbers_arrives_once_each_and_every_report_comes_back(
    via_kannel, alert_worker
):
    mine = []
    for number in NUMBERS:
        subscriber = SubscriberFactory.build(email=None, language="en")
        subscriber.phone = number
        subscriber.phone_confirmed_at = timezone.now()
        subscriber.save()
        mine.append(subscriber)
    alert = publish_alert("Scale test: checkpoint on Main Street", urgency="urgent")

    call_command("send_alert", str(alert.pk))
    dispatch = Dispatch.objects.get(alert=alert)
    mine_ids = [subscriber.pk for subscriber in mine]
    texts = Delivery.objects.filter(dispatch=dispatch, channel="sms", subscriber_id__in=mine_ids)

    def arrived() -> Counter:
        return Counter(text.receiver for text in via_kannel.received() if text.receiver in NUMBERS)

    wait_for(lambda: len(arrived()) == len(NUMBERS), 300, "fakesmsc got a text for every number")
    wait_for(
        lambda: texts.filter(status=Delivery.Status.DELIVERED).count() == len(NUMBERS),
        180,
        "every delivery report marked its text delivered",
    )
    wait_for(
        lambda: Dispatch.objects.get(pk=dispatch.pk).status == Dispatch.Status.FINISHED,
        60,
        "the dispatch finished",
    )
    assert set(arrived().values()) == {1}, "some number got its text more than once"
    assert texts.count() == len(NUMBERS)
    assert all(text.delivered_at for text in texts)

    dispatch.refresh_from_db()
    all_texts = Delivery.objects.filter(dispatch=dispatch, channel="sms")
    assert dispatch.sms_total == all_texts.count() >= len(NUMBERS)
    assert dispatch.sms_sent_count == dispatch.sms_total
    assert dispatch.sms_delivered_count == dispatch.sms_total
    assert (dispatch.sms_failed_count, dispatch.sms_skipped_count) == (0, 0)
