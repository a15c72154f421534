"""Text messages sent by a real Celery worker: an urgent alert goes on the
urgent lane to email and text subscribers, and `send_alert --wait` prints
the counts per channel."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from advocacy.models import Delivery, Dispatch
from tests.factories.advocacy import SubscriberFactory, publish_alert
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import SMTPServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Fictional numbers (555-01xx is reserved for fiction in North America).
NUMBERS = ["+12025550181", "+12025550182"]


@pytest.fixture(scope="module")
def sms_folder(tmp_path_factory):
    return tmp_path_factory.mktemp("sms-outbox")


@pytest.fixture(scope="module")
def smtp_server():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def urgent_only_worker(django_db_setup, django_db_blocker, smtp_server, sms_folder):
    with django_db_blocker.unblock():
        purge_queues()
        # Only the urgent lane is served: an urgent alert's texts must ride it.
        worker = WorkerProcess(
            queues="urgent",
            EMAIL_URL=smtp_server.url,
            SMS_URL=f"file://{sms_folder}",
            SMS_SEND_RATE="50",
            ALERT_SEND_RATE="50",
            ALERT_CHUNK_SIZE="2",
            ALERT_SENDERS="1",
        ).start()
    yield worker
    worker.stop()


def test_an_urgent_alert_goes_by_text_on_the_urgent_lane(
    urgent_only_worker, smtp_server, sms_folder
):
    smtp_server.handler.reset()
    SubscriberFactory(email="sms-worker-email@example.org")
    for number, language in zip(NUMBERS, ("en", "es"), strict=True):
        subscriber = SubscriberFactory.build(email=None, language=language)
        subscriber.phone = number
        subscriber.phone_confirmed_at = timezone.now()
        subscriber.save()
    alert = publish_alert("Checkpoint now", urgency="urgent", translations=["es"])

    out = StringIO()
    call_command("send_alert", str(alert.pk), "--wait", stdout=out)
    dispatch = Dispatch.objects.get(alert=alert)
    assert dispatch.queue == "urgent" and dispatch.status == "finished"
    output = out.getvalue()
    assert "email: 1 sent, 0 failed, 0 pending, 0 delivered, 0 skipped (of 1)" in output
    assert "sms: 2 sent, 0 failed, 0 pending, 0 delivered, 0 skipped (of 2)" in output

    texts = {}
    for path in sms_folder.glob("*.json"):
        item = json.loads(path.read_text(encoding="utf-8"))
        texts[item["to"]] = item["text"]
    assert set(texts) == set(NUMBERS)
    assert texts[NUMBERS[1]].startswith("[es] Checkpoint now")
    assert smtp_server.handler.recipients() == ["sms-worker-email@example.org"]
    assert Delivery.objects.filter(dispatch=dispatch, channel="sms", status="sent").count() == 2
