"""Storing imported subscribers in batches: what arrives is what was written,
and an address that signed up meanwhile is left as it was."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from advocacy.crypto import email_hash, encrypt_email
from advocacy.models import Area, Subscriber, Topic
from advocacy.subscriber_inserts import NewSubscriber, copy_text_field, subscriber_inserter
from tests.factories.advocacy import make_subscriber

pytestmark = pytest.mark.django_db

HEADER = "email,language,areas,topics,consent_date\n"


def run_import(tmp_path, text: str):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_subscribers", str(path), stdout=out, stderr=err)
        failure = None
    except CommandError as exc:
        failure = str(exc)
    return out.getvalue(), err.getvalue(), failure


def new_subscriber(address: str, *, language="en", areas=(), topics=(), consent=True):
    return NewSubscriber(
        email_ciphertext=encrypt_email(address),
        email_hash=email_hash(address),
        language=language,
        status="active" if consent else "pending",
        confirmed_at=timezone.now() if consent else None,
        area_ids=tuple(Area.objects.get(slug=slug).pk for slug in areas),
        topic_ids=tuple(Topic.objects.get(slug=slug).pk for slug in topics),
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_fields_arrive_as_written():
    values = [
        "tab\there",
        "new\nline",
        "carriage\rreturn",
        "back\\slash and \\N and \\t",
        "quotes \" and ' and ,;",
        "ünïcode ✓ عربى",
        None,
        "",
    ]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copy_probe (position integer, value text)")
        lines = "".join(
            f"{copy_text_field(position)}\t{copy_text_field(value)}\n"
            for position, value in enumerate(values)
        )
        cursor.cursor.copy_expert("COPY copy_probe FROM STDIN", io.StringIO(lines))
        cursor.execute("SELECT value FROM copy_probe ORDER BY position")
        stored = [value for (value,) in cursor.fetchall()]
        cursor.execute("DROP TABLE copy_probe")
    assert stored == values


def test_odd_but_valid_addresses_are_imported_as_written(tmp_path):
    # Quoted local parts may hold a quote, a backslash or a tab (RFC 5321).
    addresses = ['"a\\\tb"@example.org', '"o\\"brien"@example.org', "o'brien@example.org"]
    rows = "".join(
        '"' + address.replace('"', '""') + '",es,brooklyn,,2024-03-01\n' for address in addresses
    )

    out, err, failure = run_import(tmp_path, HEADER + rows)

    assert failure is None, err
    assert "3 imported as active" in out
    for address in addresses:
        subscriber = Subscriber.objects.for_email(address).get()
        assert subscriber.email == address
        assert [area.slug for area in subscriber.areas.all()] == ["brooklyn"]


def test_a_row_spanning_lines_keeps_the_line_numbers_of_later_rows(tmp_path):
    text = (
        HEADER
        + "ana@example.org,es,,,2024-03-01\n"
        + 'bo@example.org,"es\n",brooklyn,,2024-03-01\n'  # lines 3 and 4
        + "cy@example.org,xx,,,2024-03-01\n"  # line 5
    )

    out, err, failure = run_import(tmp_path, text)

    [reported] = err.strip().splitlines()
    assert reported.startswith(f"{tmp_path / 'list.csv'}:5: unknown language 'xx'")
    assert "2 imported as active" in out
    assert Subscriber.objects.for_email("bo@example.org").get().language == "es"


def test_listed_addresses_in_a_batch_keep_their_own_choices_and_consent(tmp_path):
    listed = make_subscriber("listed@example.org", language="ar", areas=("queens",))
    pending = make_subscriber("waiting@example.org", status=Subscriber.Status.PENDING)
    confirmed_at = listed.confirmed_at
    text = (
        HEADER
        + "new1@example.org,es,brooklyn,ice-activity,2024-03-01\n"
        + "LISTED@example.org,en,brooklyn,,2024-05-05\n"
        + "waiting@example.org,fr,,,2024-05-05\n"
        + "new2@example.org,ko,,,2024-04-01\n"
    )

    out, err, failure = run_import(tmp_path, text)

    assert failure is None, err
    assert "2 imported as active, 0 imported as pending" in out
    assert "2 already on the list" in out
    listed.refresh_from_db()
    assert listed.language == "ar" and listed.confirmed_at == confirmed_at
    assert [area.slug for area in listed.areas.all()] == ["queens"]
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING and pending.language == "en"
    new1 = Subscriber.objects.for_email("new1@example.org").get()
    assert new1.confirmed_at.date() == dt.date(2024, 3, 1)
    assert [topic.slug for topic in new1.topics.all()] == ["ice-activity"]


def test_an_address_that_signed_up_meanwhile_is_skipped_and_left_as_it_was():
    # The import looked these addresses up, then someone signed up with one
    # of them before the batch was stored.
    make_subscriber("raced@example.org", status=Subscriber.Status.PENDING, areas=("queens",))
    rows = [
        new_subscriber("first@example.org", areas=("brooklyn",)),
        new_subscriber("raced@example.org", language="es", areas=("brooklyn",)),
        new_subscriber("last@example.org", consent=False, topics=("ice-activity",)),
    ]

    with subscriber_inserter() as inserter:
        stored = inserter.insert(rows)

    assert set(stored) == {rows[0].email_hash, rows[2].email_hash}
    assert stored[rows[0].email_hash][1] == "active"
    assert stored[rows[2].email_hash][1] == "pending"
    assert stored[rows[0].email_hash][0] < stored[rows[2].email_hash][0]  # file order
    raced = Subscriber.objects.for_email("raced@example.org").get()
    assert raced.status == Subscriber.Status.PENDING and raced.language == "en"
    assert [area.slug for area in raced.areas.all()] == ["queens"]
    first = Subscriber.objects.for_email("first@example.org").get()
    assert [area.slug for area in first.areas.all()] == ["brooklyn"]
    last = Subscriber.objects.for_email("last@example.org").get()
    assert [topic.slug for topic in last.topics.all()] == ["ice-activity"]
    assert last.confirmed_at is None


def test_resend_pending_mails_only_listed_addresses_still_waiting(tmp_path):
    make_subscriber("waiting@example.org", status=Subscriber.Status.PENDING, language="es")
    make_subscriber("active@example.org")
    path = tmp_path / "list.csv"
    path.write_text(
        HEADER
        + "waiting@example.org,en,,,\n"
        + "active@example.org,en,,,\n"
        + "new@example.org,fr,,,\n",
        encoding="utf-8",
    )

    call_command(
        "import_subscribers",
        str(path),
        "--resend-pending",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert sorted(message.to[0] for message in mail.outbox) == [
        "new@example.org",
        "waiting@example.org",
    ]
    to_waiting = next(message for message in mail.outbox if message.to == ["waiting@example.org"])
    assert "/es/subscribe/confirm/" in to_waiting.body
