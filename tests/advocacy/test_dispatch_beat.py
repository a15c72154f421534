"""Recovery is beat's job: a real `celery beat` process runs the dispatch
sweeper (every second here, `tests.support.beat_settings`) and the tests
never call it. Each fault leaves work that no queued task will pick up, so
only the sweeper can finish the dispatch:

- a worker SIGKILLed mid-dispatch: its claims expire, its tasks sit
  unacknowledged on the broker for the visibility timeout (an hour);
- retries due after the worker that scheduled them died: their waiter task
  died with it;
- Redis restarted mid-dispatch: every queued task is gone. Beat runs with
  the worker's environment, so the sweeper reads the workers' heartbeats
  from the Redis they write them to, and starts no extra sender while one
  is sending.

They need Redis as the broker: the embedded filesystem broker deletes a
message when a worker fetches it, so there is nothing to lose or redeliver.

The bound on duplicates: a delivery is written as sent only after the server
accepted it, so what a killed worker can leave behind is at most the chunk
each of its processes had in flight (concurrency 2 × chunk 10), and a re-send
carries the same Message-ID.
"""

from __future__ import annotations

import signal
import time

import pytest
import redis as redis_client

from advocacy.dispatching.ledger import create_dispatch
from advocacy.models import Delivery
from tests.factories.advocacy import make_subscribers, publish_alert
from tests.support.beat import BeatProcess, sweep_results
from tests.support.dispatches import wait_finished
from tests.support.private_redis import PrivateRedis, celery_in_this_process_uses
from tests.support.processes import WorkerProcess, broker_is_redis, purge_queues
from tests.support.smtp import SMTPServer
from tests.support.waiting import wait_for

CHUNK, CONCURRENCY = 10, 2
IN_FLIGHT = CHUNK * CONCURRENCY

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not broker_is_redis(),
        reason="fault tests need Redis (CELERY_BROKER_URL=redis://…): the embedded "
        "filesystem broker deletes a message when fetched, so acks_late protects nothing there",
    ),
]


def worker_env(smtp_url: str, **extra) -> dict:
    return {
        "EMAIL_URL": smtp_url,
        "ALERT_SEND_RATE": "40",
        "ALERT_CHUNK_SIZE": str(CHUNK),
        "ALERT_CLAIM_SECONDS": "3",
        "ALERT_SENDERS": "2",
        **extra,
    }


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def processes():
    """Workers and beat started by a test, all stopped after it (queues purged)."""
    started = []

    def track(process):
        started.append(process)
        return process

    purge_queues()
    yield track
    for process in reversed(started):
        process.stop()
    purge_queues()


def assert_everyone_once_give_or_take_in_flight(handler, people) -> int:
    received = handler.by_recipient()
    assert set(received) == {p.email for p in people}, "nobody is lost"
    duplicates = 0
    for copies in received.values():
        assert len({c.message_id for c in copies}) == 1, "a re-send carries the same Message-ID"
        duplicates += len(copies) - 1
    assert duplicates <= IN_FLIGHT
    return duplicates


def test_a_worker_killed_mid_dispatch_is_finished_by_beat_and_a_new_worker(smtp, processes):
    env = worker_env(smtp.url)
    processes(BeatProcess(**env).start())
    worker = processes(WorkerProcess(concurrency=CONCURRENCY, **env).start())
    people = make_subscribers(120, "killed")
    dispatch = create_dispatch(publish_alert("Killed worker"))
    wait_for(lambda: len(smtp.handler.received) >= 30, message="sending under way")
    worker.stop(signal.SIGKILL)
    assert len(smtp.handler.received) < 120, "killed before the end"

    replacement = processes(WorkerProcess(concurrency=CONCURRENCY, **env).start())
    dispatch = wait_finished(dispatch, timeout=120)

    assert dispatch.sent_count == 120
    assert_everyone_once_give_or_take_in_flight(smtp.handler, people)
    assert max(sweep_results(replacement.output())) >= 1, "beat's sweeper re-queued the work"


def test_retries_due_after_their_worker_died_are_sent_once_beat_sweeps(smtp, processes):
    env = worker_env(smtp.url)
    processes(BeatProcess(**env).start())
    worker = processes(WorkerProcess(concurrency=CONCURRENCY, **env).start())
    people = make_subscribers(40, "outage")
    smtp.handler.temp_fail_every = 1  # the mail server answers 451 to everything
    dispatch = create_dispatch(publish_alert("Mail outage"))
    tried = Delivery.objects.filter(dispatch=dispatch, attempts__gte=1)
    wait_for(lambda: tried.count() == 40, message="every delivery tried once")
    # The loops have scheduled a retry task; it dies with the worker.
    worker.stop(signal.SIGKILL)
    assert smtp.handler.received == []
    assert Delivery.objects.filter(dispatch=dispatch, status="queued").count() == 40
    smtp.handler.temp_fail_every = 0  # the outage is over

    replacement = processes(WorkerProcess(concurrency=CONCURRENCY, **env).start())
    dispatch = wait_finished(dispatch, timeout=120)

    assert dispatch.sent_count == 40 and dispatch.failed_count == 0
    arrived = smtp.handler.by_recipient()
    assert {address: len(copies) for address, copies in arrived.items()} == {
        p.email: 1 for p in people
    }, "every retry went out once (a 451 is not a delivery)"
    assert max(sweep_results(replacement.output())) >= 1, "beat's sweeper re-queued the retries"


def heartbeat_key(dispatch_id: int) -> str:
    """The cache key a sender loop refreshes while it sends (Django's cache
    key: prefix, version, key)."""
    return f"faro:1:advocacy:sending:{dispatch_id}"


def test_redis_restarted_mid_dispatch_still_completes(smtp, processes):
    redis = PrivateRedis().start()
    broker, cache_url = f"{redis.url}/0", f"{redis.url}/1"
    # As in production: one worker for `urgent` (the alert's loops), one for
    # `default` (where beat's sweeps go), and beat, all in one environment:
    # one broker, one cache. Slower sending, so sweeps run while loops send.
    env = worker_env(
        smtp.url,
        CELERY_BROKER_URL=broker,
        REDIS_URL=cache_url,
        ALERT_CLAIM_SECONDS="6",
        ALERT_SEND_RATE="20",
    )
    sending = WorkerProcess(queues="urgent", concurrency=CONCURRENCY, **env)
    sweeping = WorkerProcess(queues="default", concurrency=1, **env)
    heartbeats = redis_client.Redis.from_url(cache_url)
    try:
        with celery_in_this_process_uses(broker):
            for worker in (sending, sweeping):
                processes(worker.start(wait=False))
            for worker in (sending, sweeping):
                wait_for(lambda w=worker: "ready." in w.output(), timeout=60, message="ready")
            beat = processes(BeatProcess(**env).start())
            people = make_subscribers(150, "restart")
            dispatch = create_dispatch(publish_alert("Redis restart", urgency="urgent"))
            wait_for(lambda: len(smtp.handler.received) >= 30, message="sending under way")

            # The sender loops beat in the Redis the workers use, and the
            # sweeper, reading the same Redis, starts no extra loop meanwhile.
            assert heartbeats.exists(heartbeat_key(dispatch.pk))
            earlier = len(sweep_results(sweeping.output()))
            wait_for(
                lambda: len(sweep_results(sweeping.output())) >= earlier + 2,
                timeout=30,
                message="two sweeps ran mid-send",
            )
            assert len(smtp.handler.received) < 150, "still sending"
            assert set(sweep_results(sweeping.output())[earlier:]) == {0}

            redis.kill()  # everything in Redis is gone: queue, unacked tasks, heartbeats
            time.sleep(1)
            redis.start()
            sweeps_before = beat.sweeps_sent()

            dispatch = wait_finished(dispatch, timeout=120)
            assert beat.sweeps_sent() > sweeps_before, "beat kept sweeping after the restart"
    finally:
        for worker in (sending, sweeping):
            worker.stop()
        redis.kill()
    assert dispatch.sent_count == 150
    assert_everyone_once_give_or_take_in_flight(smtp.handler, people)
