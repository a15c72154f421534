"""advocacy.queueing.enqueue: work is queued by task name, on the queue asked
for, and only once the transaction that made it has committed."""

import pytest
from django.db import transaction

from advocacy.queueing import enqueue
from cms.celery import app
from tests.support.processes import purge_queues


class Rollback(Exception):
    pass


def take_queued(queue: str) -> list[tuple[str, list, float | None]]:
    """Remove and return what waits on ``queue``: (task name, args, countdown given?)."""
    taken = []
    with app.connection_for_write() as connection:
        waiting = connection.SimpleQueue(queue, no_ack=True)
        try:
            while True:
                try:
                    message = waiting.get(timeout=0.5)
                except waiting.Empty:
                    break
                args = message.payload[0]
                taken.append(
                    (message.headers["task"], args, message.headers.get("eta") is not None)
                )
        finally:
            waiting.close()
    return taken


@pytest.mark.django_db(transaction=True)
def test_work_is_queued_by_name_on_its_queue_only_once_the_transaction_commits():
    purge_queues()
    with pytest.raises(Rollback), transaction.atomic():
        enqueue("advocacy.send_dispatch", 7, queue="urgent")
        raise Rollback
    assert take_queued("urgent") == []

    with transaction.atomic():
        enqueue("advocacy.send_dispatch", 7, queue="urgent")
        enqueue("advocacy.prepare_dispatch", 8, 120, queue="default", countdown=5)
        assert take_queued("urgent") == [] and take_queued("default") == []
    assert take_queued("urgent") == [("advocacy.send_dispatch", [7], False)]
    assert take_queued("default") == [("advocacy.prepare_dispatch", [8, 120], True)]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_work_is_queued_at_once():
    purge_queues()
    enqueue("advocacy.sign_up", {"address": "x"}, queue="default")
    assert take_queued("default") == [("advocacy.sign_up", [{"address": "x"}], False)]
