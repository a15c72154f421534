"""Unconfirmed sign-ups are purged by a scheduled task a worker can find."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from advocacy.models import Subscriber
from advocacy.tasks import purge_unconfirmed_subscribers
from tests.factories.advocacy import make_subscriber
from tests.support.processes import ROOT, subprocess_env


def backdate(subscriber, days: float) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def make_population():
    days = settings.SUBSCRIPTION_CONFIRM_DAYS
    old_pending = make_subscriber("old@example.org", status=Subscriber.Status.PENDING)
    backdate(old_pending, days + 0.1)
    fresh_pending = make_subscriber("fresh@example.org", status=Subscriber.Status.PENDING)
    backdate(fresh_pending, days - 0.5)
    old_active = make_subscriber("active@example.org")
    backdate(old_active, days * 10)
    return old_pending, fresh_pending, old_active


@pytest.mark.django_db
def test_purge_deletes_only_old_unconfirmed_sign_ups():
    old_pending, fresh_pending, old_active = make_population()
    assert purge_unconfirmed_subscribers() == 1
    remaining = set(Subscriber.objects.values_list("pk", flat=True))
    assert remaining == {fresh_pending.pk, old_active.pk}


def test_purge_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["advocacy.purge_unconfirmed_subscribers"]
    assert entry["task"] == purge_unconfirmed_subscribers.name


def test_a_worker_finds_every_task_queued_by_name():
    # What `celery worker` does at start-up, in a fresh process (this one has
    # already imported the tasks): import every app's tasks module. Work is
    # queued by name (advocacy.queueing), so a name no task answers to would
    # otherwise only show up as a message no worker runs.
    queued_by_name = [
        "advocacy.prepare_dispatch",
        "advocacy.send_dispatch",
        "advocacy.sign_up",
        *(entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()),
    ]
    code = (
        "from cms.celery import app; app.loader.import_default_modules(); "
        f"print(all(name in app.tasks for name in {queued_by_name!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sign_ups_for_one_address_make_one_subscriber():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (CI runs it)")
    import threading

    from django.db import connections

    from advocacy.subscriptions import make_choices, subscribe

    barrier = threading.Barrier(4)
    errors = []

    def sign_up():
        try:
            barrier.wait()
            subscribe("same@example.org", make_choices("es"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Subscriber.objects.count() == 1
