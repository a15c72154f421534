"""Where sending work goes and how fast it leaves, with real workers on Redis:
urgent alerts on their own queue, the global send rate shared by every
worker process, and publishing (a translation) that sends nothing.

They need Redis as the broker (the embedded filesystem broker has no shared
queue to inspect and no shared rate counter): CI runs them with
CELERY_BROKER_URL=redis://… and REDIS_URL=redis://….
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from advocacy.dispatching.ledger import create_dispatch
from advocacy.models import AlertPage, Dispatch
from cms.celery import app as celery_app
from cms.tasks import ping
from tests.factories.advocacy import approve, make_subscribers, publish_alert
from tests.support.dispatches import wait_finished
from tests.support.processes import WorkerProcess, broker_is_redis, purge_queues
from tests.support.smtp import RecordingHandler, SMTPServer

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not broker_is_redis(),
        reason="needs Redis (CELERY_BROKER_URL=redis://…): queues and the rate are shared there",
    ),
]


@dataclass
class TimedHandler(RecordingHandler):
    """Records when (wall clock, as the rate limiter counts) each message arrived."""

    arrivals: list[float] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            self.arrivals.append(time.time())
        return reply


@pytest.fixture
def mail_servers():
    """Start aiosmtpd servers on demand; all stopped after the test."""
    servers: list[SMTPServer] = []

    def start() -> SMTPServer:
        servers.append(SMTPServer(TimedHandler()).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def workers():
    """Start workers on demand (queues purged first); all stopped after the test."""
    purge_queues()
    started: list[WorkerProcess] = []

    def start(**options) -> WorkerProcess:
        started.append(WorkerProcess(**options).start())
        return started[-1]

    yield start
    for worker in started:
        worker.stop()
    purge_queues()


def waiting_on_broker(queue: str) -> int:
    """How many messages sit in ``queue`` on the broker, not yet taken."""
    with celery_app.connection_for_write() as broker:
        # Redis keeps a queue as a list (gone when empty).
        return broker.default_channel.client.llen(queue)


def drained(*queues: str) -> None:
    """Return once a worker has taken everything queued on ``queues`` before
    now (a ping behind it comes back), plus a moment for what it took to run."""
    for queue in queues:
        ping.apply_async(queue=queue).get(timeout=60)
    time.sleep(3)


def test_an_urgent_alert_is_sent_by_a_worker_that_listens_only_to_urgent(mail_servers, workers):
    smtp = mail_servers()
    workers(queues="urgent", EMAIL_URL=smtp.url, ALERT_CHUNK_SIZE="5", ALERT_SENDERS="2")
    people = make_subscribers(12, "urgent-reader")
    standard = create_dispatch(publish_alert("Meeting moved"))
    urgent = create_dispatch(publish_alert("Checkpoint on 5th Avenue", urgency="urgent"))
    assert (standard.queue, urgent.queue) == ("default", "urgent")

    urgent = wait_finished(urgent, timeout=90)
    assert urgent.sent_count == 12
    assert sorted(smtp.handler.recipients()) == sorted(p.email for p in people)
    assert all(
        item.message["Subject"].endswith("Checkpoint on 5th Avenue")
        for item in smtp.handler.received
    )

    # Nobody listens to `default`: the standard alert waits there, untouched.
    drained("urgent")
    standard.refresh_from_db()
    assert standard.status == "preparing" and standard.total == 0
    assert waiting_on_broker("default") == 1
    assert len(smtp.handler.received) == 12


# ALERT_SEND_RATE, messages per second for all workers together: low enough
# that a broken limiter shows even on a busy machine (a per-process limit
# lets each of four worker processes send this much).
RATE = 5
PEOPLE = 60


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in one whole wall-clock second (the limiter's window)."""
    return max(Counter(int(moment) for moment in arrivals).values())


def test_the_send_rate_holds_across_two_worker_processes(mail_servers, workers):
    # One worker listens only to default and sends a standard alert, the
    # other only to urgent and sends an urgent one, at the same time: both
    # processes surely send (a shared queue could let one worker take every
    # task), each to its own mail server, under the one ALERT_SEND_RATE.
    first, second = mail_servers(), mail_servers()
    settings_for_both = {
        "ALERT_SEND_RATE": str(RATE),
        "ALERT_CHUNK_SIZE": "4",
        "ALERT_SENDERS": "4",
        "ALERT_CLAIM_SECONDS": "60",
    }
    workers(queues="default", EMAIL_URL=first.url, **settings_for_both)
    workers(queues="urgent", EMAIL_URL=second.url, **settings_for_both)
    make_subscribers(PEOPLE // 2, "rate")
    standard = create_dispatch(publish_alert("Rate"))
    urgent = create_dispatch(publish_alert("Rate urgent", urgency="urgent"))

    for dispatch in (wait_finished(standard, timeout=150), wait_finished(urgent, timeout=150)):
        assert dispatch.sent_count == PEOPLE // 2
    arrivals = sorted(first.handler.arrivals + second.handler.arrivals)
    assert len(arrivals) == PEOPLE
    overall = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    # A limiter per process (or per sender loop) lets each of them send RATE
    # a second: twice RATE or more here. The tolerances leave room for
    # scheduling jitter (a message counted in one second, arriving in the next).
    assert overall <= RATE * 1.2, f"{overall:.1f} messages/s with ALERT_SEND_RATE={RATE}"
    assert busiest_second(arrivals) <= RATE * 2, Counter(int(a) for a in arrivals)
    # Both processes were sending at once for most of the run.
    overlap = min(first.handler.arrivals[-1], second.handler.arrivals[-1]) - max(
        first.handler.arrivals[0], second.handler.arrivals[0]
    )
    assert overlap > 0.5 * (arrivals[-1] - arrivals[0]), "the two workers sent one after the other"


def spanish_translation_published(alert: AlertPage) -> AlertPage:
    """Translate ``alert`` into Spanish as the admin does (wagtail-localize),
    and have it approved, which publishes it."""
    source, _ = TranslationSource.get_or_create_from_instance(alert)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code="es")
    )
    translation.save_target(publish=False)
    spanish = AlertPage.objects.get(
        translation_key=alert.translation_key, locale__language_code="es"
    )
    return approve(spanish)


def test_publishing_a_translation_sends_nothing(mail_servers, workers):
    smtp = mail_servers()
    workers(EMAIL_URL=smtp.url)
    make_subscribers(6, "translated", languages=("en", "es"))
    alert = publish_alert("Clinic open late", urgency="urgent")
    wait_finished(create_dispatch(alert), timeout=90)
    assert len(smtp.handler.received) == 6
    smtp.handler.received.clear()

    spanish = spanish_translation_published(alert)

    assert spanish.live, "the Spanish alert is published"
    drained("urgent", "default")
    assert Dispatch.objects.count() == 1, "no new dispatch"
    assert (waiting_on_broker("urgent"), waiting_on_broker("default")) == (0, 0)
    assert smtp.handler.received == [], "nobody got mail"
