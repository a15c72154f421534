"""Faults in the middle of a dispatch: a worker killed with SIGKILL, Redis restarted.

They need Redis as the broker: the embedded filesystem broker deletes a
message as soon as a worker fetches it, so there is no unacknowledged message
to lose or redeliver and these tests would prove nothing. CI runs them with
CELERY_BROKER_URL=redis://…; the Redis restart uses a private redis-server
on a spare port (the machine's own is never restarted).

The bound on duplicates: a delivery is written as sent only after the
server accepted it, so what a killed worker can leave behind is at most the
chunk each of its processes had in flight (concurrency 2 × chunk 10), and a
re-send carries the same Message-ID.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest

from advocacy.dispatching.ledger import create_dispatch
from tests.factories.advocacy import make_subscribers, publish_alert
from tests.support.dispatches import wait_finished
from tests.support.network import free_port
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


def assert_everyone_once_give_or_take_in_flight(handler, people):
    received = handler.by_recipient()
    assert set(received) == {p.email for p in people}, "nobody is lost"
    duplicates = 0
    for copies in received.values():
        assert len({c.message_id for c in copies}) == 1, "a re-send carries the same Message-ID"
        duplicates += len(copies) - 1
    assert duplicates <= IN_FLIGHT
    return duplicates


def test_a_worker_killed_mid_dispatch_loses_nothing(smtp):
    purge_queues()
    env = worker_env(smtp.url)
    worker = WorkerProcess(concurrency=CONCURRENCY, **env).start()
    try:
        people = make_subscribers(150, "killed")
        dispatch = create_dispatch(publish_alert("Killed worker"))
        wait_for(lambda: len(smtp.handler.received) >= 40, message="sending under way")
        worker.stop(signal.SIGKILL)
        assert len(smtp.handler.received) < 150, "killed before the end"
    finally:
        worker.stop()

    # A new worker, and beat's sweeper (run here) re-queuing expired claims.
    replacement = WorkerProcess(concurrency=CONCURRENCY, **env).start()
    try:
        dispatch = wait_finished(dispatch, timeout=120, sweep=True)
    finally:
        replacement.stop()
    assert dispatch.sent_count == 150
    assert_everyone_once_give_or_take_in_flight(smtp.handler, people)


class PrivateRedis:
    """A throwaway redis-server on a spare port, without persistence."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, message="private redis up")
        return self

    def answers(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


@contextmanager
def celery_in_this_process_uses(broker_url: str):
    """Point this process's Celery producer at another broker for a while."""
    import os

    from cms.celery import app

    previous_env = os.environ.get("CELERY_BROKER_URL")
    previous = app.conf.broker_url

    def switch(url):
        # Celery reads CELERY_BROKER_URL from the environment before its config.
        os.environ["CELERY_BROKER_URL"] = url
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    switch(broker_url)
    try:
        yield
    finally:
        switch(previous)
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env


def test_redis_restarted_mid_dispatch_still_completes(smtp):
    redis = PrivateRedis().start()
    broker = f"{redis.url}/0"
    env = worker_env(smtp.url, CELERY_BROKER_URL=broker, REDIS_URL=f"{redis.url}/1")
    worker = WorkerProcess(concurrency=CONCURRENCY, **env)
    try:
        with celery_in_this_process_uses(broker):
            worker.start(wait=False)
            wait_for(lambda: "ready." in worker.output(), timeout=60, message="worker ready")
            people = make_subscribers(150, "restart")
            dispatch = create_dispatch(publish_alert("Redis restart"))
            wait_for(lambda: len(smtp.handler.received) >= 30, message="sending under way")

            redis.kill()  # everything in Redis is gone: queue, unacked tasks, rate counters
            time.sleep(1)
            redis.start()

            dispatch = wait_finished(dispatch, timeout=120, sweep=True)
    finally:
        worker.stop()
        redis.kill()
    assert dispatch.sent_count == 150
    assert_everyone_once_give_or_take_in_flight(smtp.handler, people)
