"""Two editors recording a change to one statement at the same moment, on two real
PostgreSQL connections: the second waits for the first, then is either appended after
it (no expected sequence: a shell) or told to reload (it saw the history before the
first change) — never one silently lost."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction

from know_your_rights.models import PolicyEvent, PolicyStatement
from know_your_rights.tracker.checks import StaleHistory
from know_your_rights.tracker.recording import latest_sequence, record_change
from tests.factories.know_your_rights import PolicySourceFactory, make_statement

pytestmark = pytest.mark.django_db(transaction=True)

EFFECTIVE = datetime.date(2026, 3, 1)


def _in_thread(work, results, name):
    def run():
        try:
            results[name] = work()
        except Exception as error:  # noqa: BLE001 - handed to the test, which asserts on it
            results[name] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def _race(statement, second_expects):
    """Editor A records and holds its transaction open; editor B records meanwhile.

    Returns B's result and whether B was still waiting while A held the statement.
    """
    ruling = PolicySourceFactory(ruling=True)
    seen = latest_sequence(statement)  # both editors loaded the same history
    a_recorded, a_may_commit = threading.Event(), threading.Event()
    results = {}

    def editor_a():
        with transaction.atomic():
            event = record_change(
                statement,
                status="changed",
                quote="Officers may ask.",
                source=ruling,
                effective_date=EFFECTIVE,
                expected_sequence=seen,
            )
            a_recorded.set()
            a_may_commit.wait(10)
        return event

    def editor_b():
        a_recorded.wait(10)
        return record_change(
            statement,
            status="rescinded",
            source=ruling,
            effective_date=EFFECTIVE,
            expected_sequence=seen if second_expects else None,
        )

    a = _in_thread(editor_a, results, "a")
    assert a_recorded.wait(10)
    b = _in_thread(editor_b, results, "b")
    b.join(1.0)
    b_waited = b.is_alive()  # blocked on the statement's row lock
    a_may_commit.set()
    a.join(10)
    b.join(10)
    assert not a.is_alive() and not b.is_alive()
    assert isinstance(results["a"], PolicyEvent), results["a"]
    return results["b"], b_waited


def test_the_second_editor_who_saw_the_old_history_is_told_to_reload(site_tree):
    statement = make_statement("test-race")
    outcome, waited = _race(statement, second_expects=True)
    assert waited, outcome
    assert isinstance(outcome, StaleHistory), outcome
    assert "reload to see it" in outcome.message
    assert list(statement.events.values_list("sequence", "status")) == [(1, "changed")]
    statement = PolicyStatement.objects.get(pk=statement.pk)
    assert (statement.status, statement.quote) == ("changed", "Officers may ask.")


def test_without_an_expected_sequence_both_are_kept_in_order(site_tree):
    statement = make_statement("test-race")
    outcome, waited = _race(statement, second_expects=False)
    assert waited
    assert isinstance(outcome, PolicyEvent), outcome
    events = list(statement.events.order_by("sequence"))
    assert [(e.sequence, e.status, e.previous_status) for e in events] == [
        (1, "changed", "in_force"),
        (2, "rescinded", "changed"),  # B saw A's change as the state before its own
    ]
    assert events[1].previous_quote == "Officers may ask."
    assert PolicyStatement.objects.get(pk=statement.pk).status == "rescinded"
