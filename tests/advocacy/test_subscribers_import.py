"""manage.py import_subscribers: good rows in, bad rows reported by line, re-runs change nothing."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from advocacy.models import Subscriber
from tests.factories.advocacy import make_subscriber

pytestmark = pytest.mark.django_db

CSV = """email,language,areas,topics,consent_date
maria@example.org,es,sunset-park;brooklyn,ice-activity,2024-03-01
wei@example.org,zh-hans,,idnyc,
not-an-address,en,,,2024-01-01
amina@example.org,ar,queens,,
jo@example.org,xx,,,2024-01-01
kim@example.org,ko,atlantis,,2024-01-01
pat@example.org,en,,,01/02/2024
MARIA@example.org,es,,,2024-03-01
left@example.org,en,,,2024-01-01
olek@example.org,pl,bronx;staten-island,nypd-policy;community-events,2023-12-24
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


def test_import_good_rows_and_report_bad_rows_by_line(tmp_path):
    from advocacy.subscriptions import suppress

    suppress(make_subscriber("left@example.org"))

    out, err, failure = run_import(tmp_path)

    assert failure and "6 rows were not imported" in failure
    reported = {int(line.split(":")[1]): line for line in err.strip().splitlines()}
    assert set(reported) == {4, 6, 7, 8, 9, 10}
    assert "valid email address" in reported[4]
    assert "unknown language 'xx'" in reported[6]
    assert "unknown area atlantis" in reported[7]
    assert "not an ISO date" in reported[8]
    assert "same address as line 2" in reported[9]
    assert "unsubscribed" in reported[10]
    assert "processed 10 of 10 rows" in out
    assert "2 imported as active, 2 imported as pending" in out

    maria = Subscriber.objects.for_email("maria@example.org").get()
    assert maria.status == Subscriber.Status.ACTIVE and maria.language == "es"
    assert maria.confirmed_at.date().isoformat() == "2024-03-01"
    assert {a.slug for a in maria.areas.all()} == {"sunset-park", "brooklyn"}
    olek = Subscriber.objects.for_email("olek@example.org").get()
    assert olek.status == Subscriber.Status.ACTIVE
    assert {t.slug for t in olek.topics.all()} == {"nypd-policy", "community-events"}
    wei = Subscriber.objects.for_email("wei@example.org").get()
    assert wei.status == Subscriber.Status.PENDING and wei.language == "zh-hans"
    assert not Subscriber.objects.for_email("left@example.org").exists()

    # Only the pending rows get a confirmation, each in its own language.
    assert sorted(m.to[0] for m in mail.outbox) == ["amina@example.org", "wei@example.org"]
    to_amina = next(m for m in mail.outbox if m.to == ["amina@example.org"])
    assert "/ar/subscribe/confirm/" in to_amina.body
    assert 'dir="rtl"' in to_amina.alternatives[0][0]


def test_re_running_the_same_file_changes_nothing(tmp_path):
    run_import(tmp_path)
    before = sorted(Subscriber.objects.values_list("email_hash", "status", "language"))
    mails = len(mail.outbox)

    out, err, failure = run_import(tmp_path)

    assert sorted(Subscriber.objects.values_list("email_hash", "status", "language")) == before
    assert len(mail.outbox) == mails
    assert "0 imported as active, 0 imported as pending" in out
    assert "5 already on the list" in out


def test_a_file_without_the_header_imports_nothing(tmp_path):
    out, err, failure = run_import(tmp_path, "maria@example.org,es,,,2024-03-01\n")
    assert "the first line must be the header email,language,areas,topics,consent_date" in failure
    assert "Nothing was imported" in failure
    assert not Subscriber.objects.exists()


def test_a_clean_file_succeeds(tmp_path):
    out, err, failure = run_import(
        tmp_path,
        "\ufeffemail,language,areas,topics,consent_date\r\nana@example.org,ht,,,2025-01-31\r\n",
    )
    assert failure is None and err == ""
    assert Subscriber.objects.active().for_email("ana@example.org").get().language == "ht"


def long_list(rows: int) -> str:
    lines = ["email,language,areas,topics,consent_date"]
    lines += [f"person{n}@example.org,es,brooklyn,,2024-05-01" for n in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_long_list_is_imported_across_batches_and_a_late_repeat_is_reported(tmp_path):
    # More rows than one batch holds; the last repeats the first address.
    text = long_list(1200) + "PERSON0@example.org,en,,,2024-05-01\n"

    out, err, failure = run_import(tmp_path, text)

    assert failure and "1 rows were not imported" in failure
    assert err.strip().endswith("list.csv:1202: same address as line 2")
    assert "1200 imported as active" in out
    assert Subscriber.objects.active().filter(areas__slug="brooklyn").count() == 1200


def test_a_file_that_stops_being_utf8_imports_nothing(tmp_path):
    path = tmp_path / "list.csv"
    # Latin-1 bytes after more than a batch of good rows.
    path.write_bytes(
        long_list(1200).encode() + "zoë@example.org,fr,,,2024-05-01\n".encode("latin-1")
    )
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_subscribers", str(path), stdout=io.StringIO(), stderr=err)

    assert "not UTF-8" in str(raised.value) and "Nothing was imported" in str(raised.value)
    assert not Subscriber.objects.exists()
