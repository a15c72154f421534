"""manage.py import_subscribers with a phone column: phone-only rows, numbers
confirmed by a consent date, bad numbers reported by line, nothing lost."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from advocacy.crypto import phone_hash
from advocacy.importing import import_subscribers
from advocacy.models import StoppedNumber, Subscriber
from advocacy.subscriber_inserts import NewSubscriber, SubscriberInserter
from tests.factories.advocacy import ensure_areas, make_subscriber

pytestmark = pytest.mark.django_db

CSV = """email,phone,language,areas,topics,consent_date
rosa@example.org,+1 718 555 0161,es,sunset-park,,2024-03-01
,(718) 555-0162,zh-hans,,,2024-02-01
,718 555 0163,en,,,
ana@example.org,,es,,,2024-01-05
,800 555 0123,en,,,2024-01-01
bad@example.org,call me,en,,,2024-01-01
,,en,,,2024-01-01
,718-555-0162,en,,,2024-01-01
,718 555 0164,en,,,2024-01-01
tom@example.org,718 555 0165,en,,,
"""


def run_import(tmp_path, text: str = CSV):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_subscribers", str(path), stdout=out, stderr=err)
        failure = None
    except CommandError as exc:
        failure = str(exc)
    return out.getvalue(), err.getvalue(), failure


def test_a_phone_column_imports_numbers_and_reports_bad_ones_by_line(
    tmp_path, django_capture_on_commit_callbacks
):
    ensure_areas()
    StoppedNumber.objects.create(phone_hash=phone_hash("+17185550164"))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        out, err, failure = run_import(tmp_path)

    reported = {int(line.split(":")[1]): line for line in err.strip().splitlines()}
    assert set(reported) == {6, 7, 8, 9, 10}, err
    assert "cannot receive text messages" in reported[6]
    assert "not a phone number" in reported[7]
    assert "no email address and no phone number" in reported[8]
    assert "same phone number as line 3" in reported[9]
    assert "STOP" in reported[10]
    assert failure and "5 rows were not imported" in failure

    rosa = Subscriber.objects.for_email("rosa@example.org").get()
    consent = rosa.phone_confirmed_at
    assert rosa.gets_email and rosa.gets_sms and rosa.phone == "+17185550161"
    assert consent == rosa.confirmed_at and consent.date() == dt.date(2024, 3, 1)
    assert list(rosa.areas.values_list("slug", flat=True)) == ["sunset-park"]

    only_text = Subscriber.objects.for_phone("+17185550162").get()
    assert only_text.email_hash is None and only_text.gets_sms
    assert only_text.language == "zh-hans"
    assert only_text.phone_confirmed_at.date() == dt.date(2024, 2, 1)

    waiting = Subscriber.objects.for_phone("+17185550163").get()
    assert waiting.status == Subscriber.Status.PENDING and waiting.phone_code_hash
    tom = Subscriber.objects.for_email("tom@example.org").get()
    assert tom.status == Subscriber.Status.PENDING and tom.email_awaiting_confirmation
    assert Subscriber.objects.for_email("ana@example.org").get().gets_email

    # Rows without consent: the address gets its link, the number its code.
    assert [message.to for message in mail.outbox] == [["tom@example.org"]]
    texted = [call.keywords["args"][0] for call in queued if call.args[0].endswith("opt_in_code")]
    assert sorted(texted) == sorted([waiting.pk, tom.pk])

    # Re-running the same file adds nothing and loses nothing.
    before = Subscriber.objects.count()
    run_import(tmp_path)
    assert Subscriber.objects.count() == before


def test_an_old_header_without_phone_still_works(tmp_path):
    ensure_areas()
    out, err, failure = run_import(
        tmp_path, "email,language,areas,topics,consent_date\nold@example.org,en,,,2024-01-01\n"
    )
    assert failure is None, err
    assert Subscriber.objects.for_email("old@example.org").get().gets_email


def test_a_number_already_on_the_list_with_another_address_is_reported(tmp_path):
    ensure_areas()
    listed = make_subscriber("listed@example.org")
    listed.phone = "+17185550166"
    listed.save()
    out, err, failure = run_import(
        tmp_path,
        "email,phone,language,areas,topics,consent_date\n"
        "other@example.org,718 555 0166,en,,,2024-01-01\n",
    )
    assert "2:" in err and "already on the list" in err
    assert not Subscriber.objects.for_email("other@example.org").exists()


def test_the_plain_insert_path_stores_numbers_too():
    """The multi-row INSERT used where COPY is not available (SQLite)."""
    ensure_areas()
    inserter = SubscriberInserter()
    inserter.close()
    inserter.uses_copy = False
    row = NewSubscriber(
        email_ciphertext="",
        email_hash=None,
        language="en",
        status="active",
        confirmed_at=None,
        area_ids=(),
        topic_ids=(),
        phone_ciphertext="",
        phone_hash=phone_hash("+17185550167"),
    )
    stored = inserter.insert([row])
    assert set(stored) == {row.phone_hash}
    assert Subscriber.objects.filter(phone_hash=row.phone_hash).exists()


def test_import_from_a_file_object_with_phone_only_rows():
    ensure_areas()
    result = import_subscribers(
        b"email,language,areas,topics,consent_date,phone\n,en,,,2024-01-01,+34 612 345 678\n"
    )
    assert result.active == 1 and not result.errors
    assert Subscriber.objects.for_phone("+34612345678").get().gets_sms
