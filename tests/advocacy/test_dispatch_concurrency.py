"""The ledger under contention, on the real database and a real SMTP server:
two sender loops at once, a connection dropped in the middle of a chunk, and
the unique constraints that make "one dispatch per send" and "one delivery
per subscriber" hold whatever code writes the rows.

Sender loops run here in threads, each with its own database connection, as
two worker processes would; PostgreSQL is where ``FOR UPDATE SKIP LOCKED``
is exercised (CI runs the suite on it).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.db import IntegrityError, connection, transaction

from advocacy.dispatching.ledger import create_dispatch
from advocacy.dispatching.preparing import prepare
from advocacy.dispatching.sender import run_sender
from advocacy.models import Delivery, Dispatch
from tests.factories.advocacy import make_subscribers, publish_alert
from tests.support.processes import purge_queues
from tests.support.smtp import RecordingHandler, SMTPServer, send_own_mail_to
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class ConnectionNotingHandler(RecordingHandler):
    """Records, beside each accepted message, the client end of the SMTP
    connection that carried it (one connection per sender loop)."""

    connections: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        if reply.startswith("250"):
            self.connections.append(session.peer)
        return reply


@dataclass
class DroppingHandler(RecordingHandler):
    """A mail server that drops the connection, without a reply, when the
    ``drop_at``-th message's content has arrived (once). That message is not
    taken: its fate is unknown to the sender, as after a network cut."""

    drop_at: int = 0
    dropped: bool = False

    async def handle_DATA(self, server, session, envelope):
        if not self.dropped and len(self.received) + 1 == self.drop_at:
            self.dropped = True
            server.transport.abort()
            return "421 4.4.2 gone"  # nobody is there to read it
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mail_server_with(settings):
    """Start an aiosmtpd server with the given handler; this process's mail
    goes to it, with no rate limit. Queued Celery work is dropped afterwards
    (no worker runs in these tests)."""
    servers = []

    def start(handler: RecordingHandler) -> RecordingHandler:
        server = SMTPServer(handler).start()
        servers.append(server)
        send_own_mail_to(settings, server)
        settings.ALERT_SEND_RATE = 0
        return handler

    yield start
    for server in servers:
        server.stop()
    purge_queues()


def prepared_dispatch(title: str, people: int) -> Dispatch:
    """An alert to ``people`` new subscribers, its delivery rows written."""
    make_subscribers(people, title.lower().replace(" ", "-"), languages=("en", "es"))
    dispatch = create_dispatch(publish_alert(title))
    prepare(dispatch.pk, sliced=False)
    dispatch.refresh_from_db()
    assert dispatch.total == people
    return dispatch


def run_loops_at_once(dispatch_id: int, loops: int, budget: float = 60) -> list[str]:
    """Start ``loops`` sender loops on one dispatch at the same instant."""
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(loops)

    def loop():
        try:
            barrier.wait(timeout=30)
            results.append(run_sender(dispatch_id, budget=budget))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=loop) for _ in range(loops)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=budget + 30)
    assert not errors, errors
    return results


def test_two_sender_loops_at_once_never_send_one_delivery_twice(settings, mail_server_with):
    handler = mail_server_with(ConnectionNotingHandler())
    # Small chunks: the two loops claim many times, side by side.
    settings.ALERT_CHUNK_SIZE = 4
    settings.ALERT_CLAIM_SECONDS = 120
    dispatch = prepared_dispatch("Two senders", 160)

    run_loops_at_once(dispatch.pk, loops=2)

    ids = Counter(item.message_id for item in handler.received)
    sent_twice = {message_id: n for message_id, n in ids.items() if n > 1}
    assert sent_twice == {}, f"{len(sent_twice)} deliveries went out twice"
    assert len(ids) == 160, "every delivery went out"
    assert len(set(handler.recipients())) == 160
    assert len(set(handler.connections)) >= 2, "both loops sent (one connection each)"
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.sent_count) == ("finished", 160)


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_connection_dropped_mid_chunk_loses_nothing_and_marks_nothing_sent_unsent(
    settings, mail_server_with, pipelining
):
    # Chunks of 10: the 14th message is the 4th of the second chunk.
    handler = mail_server_with(DroppingHandler(drop_at=14, offer_pipelining=pipelining))
    settings.ALERT_CHUNK_SIZE = 10
    dispatch = prepared_dispatch("Dropped line", 30)
    message_ids = {}

    # One loop until nothing is due: the dropped message (and, pipelined, the
    # rest of its chunk, whose fate the sender cannot know) waits for a retry.
    assert run_sender(dispatch.pk, budget=30) == "waiting"
    assert handler.dropped
    deliveries = list(Delivery.objects.filter(dispatch=dispatch).select_related("subscriber"))
    arrived = Counter(handler.recipients())
    sent = {d.subscriber.email for d in deliveries if d.status == "sent"}
    waiting = [d for d in deliveries if d.status == "queued"]
    assert sent == set(arrived), "marked sent exactly when it arrived"
    assert set(arrived.values()) == {1}
    assert waiting, "the dropped message waits for a retry"
    for delivery in waiting:
        assert delivery.subscriber.email not in arrived
        assert delivery.attempts == 1 and delivery.next_attempt_at is not None
        assert delivery.last_error.startswith("connection")
    assert len(sent) + len(waiting) == 30, "none lost, none failed"
    for item in handler.received:
        message_ids[item.recipient] = item.message_id

    # The retries, once due (backoff: a few seconds), complete the dispatch.
    def finished() -> bool:
        run_sender(dispatch.pk, budget=10)
        dispatch.refresh_from_db()
        return dispatch.status == "finished"

    wait_for(finished, timeout=60, interval=1, message="retries sent")
    arrived = Counter(handler.recipients())
    assert len(arrived) == 30 and set(arrived.values()) == {1}, "everyone once"
    assert dispatch.sent_count == 30 and dispatch.failed_count == 0
    for item in handler.received:
        assert message_ids.setdefault(item.recipient, item.message_id) == item.message_id


# --- The unique constraints, in the database itself ---------------------------


def insert_raw(instance) -> None:
    """INSERT ``instance``'s row with plain SQL, bypassing the ORM's checks."""
    model = type(instance)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
            f"({columns}) VALUES ({marks})",
            values,
        )


def refused(write) -> bool:
    """Whether the database refuses ``write()`` with an IntegrityError."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_second_dispatch_of_one_alert_send():
    alert = publish_alert("Constraint")
    Dispatch.objects.create(alert=alert, alert_title="Constraint", send_number=1)

    assert refused(lambda: Dispatch.objects.create(alert=alert, send_number=1))
    assert refused(lambda: insert_raw(Dispatch(alert=alert, send_number=1)))
    # An update is a new send number; digests (no alert) repeat freely.
    assert not refused(lambda: insert_raw(Dispatch(alert=alert, send_number=2)))
    assert not refused(lambda: insert_raw(Dispatch(kind="digest")))
    assert not refused(lambda: insert_raw(Dispatch(kind="digest")))
    assert Dispatch.objects.filter(alert=alert).count() == 2


def test_the_database_refuses_a_second_delivery_to_one_subscriber():
    subscriber, other = make_subscribers(2, "constraint")
    dispatch = Dispatch.objects.create(alert_title="Constraint", kind="digest")
    Delivery.objects.create(dispatch=dispatch, subscriber=subscriber)

    assert refused(lambda: Delivery.objects.create(dispatch=dispatch, subscriber=subscriber))
    assert refused(lambda: insert_raw(Delivery(dispatch=dispatch, subscriber=subscriber)))
    assert not refused(lambda: insert_raw(Delivery(dispatch=dispatch, subscriber=other)))
    assert Delivery.objects.filter(dispatch=dispatch).count() == 2
