"""A task goes through a real worker in another process and comes back."""

import pytest
from django.conf import settings
from django.db import transaction

from cms.celery import app
from cms.tasks import ping
from tests.support.processes import broker_is_redis, purge_queues


def test_celery_is_configured_for_no_lost_work():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert {q.name for q in app.conf.task_queues} == {"urgent", "default", "media"}
    assert app.conf.task_default_queue == "default"


@pytest.mark.worker
@pytest.mark.parametrize("queue", ["default", "urgent", "media"])
def test_round_trip_through_a_real_worker(celery_worker_process, queue):
    result = ping.apply_async(args=[f"hello {queue}"], queue=queue)
    assert result.get(timeout=60) == f"hello {queue}"
    # CI runs this on Redis; `make test` without services on the embedded broker.
    scheme = "redis" if broker_is_redis() else "filesystem"
    assert settings.CELERY_BROKER_URL.startswith(scheme)
    assert f"transport:   {scheme}://" in celery_worker_process.output()


def queued_messages(queue: str = "default") -> int:
    with app.connection_for_write() as connection:
        return connection.default_channel._size(queue)


@pytest.mark.django_db(transaction=True)
def test_tasks_are_enqueued_only_when_the_transaction_commits():
    purge_queues()

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        ping.delay_on_commit("never")
        raise Rollback
    assert queued_messages() == 0

    with transaction.atomic():
        ping.delay_on_commit("once")
        assert queued_messages() == 0
    assert queued_messages() == 1
    purge_queues()
