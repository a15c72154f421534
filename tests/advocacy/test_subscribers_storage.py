"""Addresses are encrypted at rest, looked up by keyed hash, rotated by command."""

import io
import json
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from advocacy.crypto import email_hash
from advocacy.models import Area, Subscriber, Topic
from tests.factories.advocacy import make_subscriber
from tests.support.processes import ROOT

pytestmark = pytest.mark.django_db

ADDRESS = "rosa.martinez@example.org"


def raw_rows() -> str:
    """Every column of every subscriber row, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Subscriber._meta.db_table}")
        return repr(cursor.fetchall())


def test_address_is_encrypted_and_decrypts():
    subscriber = make_subscriber(ADDRESS)
    assert ADDRESS not in raw_rows()
    assert Subscriber.objects.get(pk=subscriber.pk).email == ADDRESS


@pytest.mark.parametrize(
    "variant",
    ["Rosa.Martinez@Example.org", "  rosa.martinez@example.org\n", "ROSA.MARTINEZ@EXAMPLE.ORG"],
)
def test_lookup_by_hash_ignores_case_and_whitespace(variant):
    subscriber = make_subscriber(ADDRESS)
    assert Subscriber.objects.for_email(variant).get() == subscriber
    assert email_hash(variant) == subscriber.email_hash


def test_hash_is_keyed(settings):
    before = email_hash(ADDRESS)
    settings.SUBSCRIBER_HASH_KEY = "another-key-for-this-test"
    assert email_hash(ADDRESS) != before


def test_database_dump_holds_no_plaintext_address():
    make_subscriber(ADDRESS, areas=("sunset-park",), topics=("idnyc",))
    out = io.StringIO()
    call_command("dumpdata", "advocacy", stdout=out)
    dump = out.getvalue()
    assert json.loads(dump)  # a real dump, with the subscriber in it
    assert '"model": "advocacy.subscriber"' in dump
    assert ADDRESS not in dump
    assert "rosa" not in dump.lower()


def test_rotation_re_encrypts_with_the_new_first_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    subscribers = [make_subscriber(f"person{i}@example.org") for i in range(7)]
    new_key = Fernet.generate_key().decode()

    # New key first, old key kept: everything still decrypts before rotation.
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert Subscriber.objects.get(pk=subscribers[0].pk).email == "person0@example.org"

    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "3", stdout=out)
    assert "re-encrypted 3 of 7" in out.getvalue()
    assert "re-encrypted 7 of 7" in out.getvalue()

    # The old key can now be removed.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    for i, subscriber in enumerate(subscribers):
        assert Subscriber.objects.get(pk=subscriber.pk).email == f"person{i}@example.org"
    # The hash did not change: lookups still work.
    assert Subscriber.objects.for_email("PERSON3@example.org").get() == subscribers[3]


def test_rotation_reports_rows_no_key_decrypts(settings):
    subscriber = make_subscriber(ADDRESS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="1 addresses could not be decrypted"):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


@pytest.mark.parametrize(
    "variable, value, expected",
    [
        ("FIELD_ENCRYPTION_KEYS", f"{Fernet.generate_key().decode()},not-a-key", "key 2 of 2"),
    ],
)
def test_a_malformed_key_stops_start_up_with_one_line(variable, value, expected):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", variable: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Configuration error: {variable}")
    assert expected in lines[0]


def test_seeded_areas_and_topics():
    sunset_park = Area.objects.get(slug="sunset-park")
    assert sunset_park.parent.slug == "brooklyn"
    assert {a.slug for a in Area.objects.filter(parent=None)} == {
        "manhattan",
        "brooklyn",
        "queens",
        "bronx",
        "staten-island",
    }
    assert set(Topic.objects.values_list("slug", flat=True)) >= {
        "nypd-policy",
        "ice-activity",
        "idnyc",
        "community-events",
    }
    out = io.StringIO()
    call_command("load_areas_and_topics", stdout=out)
    assert "0 areas and 0 topics created" in out.getvalue()
    assert Area.objects.filter(slug="sunset-park").count() == 1


def test_an_alert_for_brooklyn_reaches_sunset_park_and_all_areas_subscribers():
    brooklyn = Area.objects.get(slug="brooklyn")
    in_sunset_park = make_subscriber("a@example.org", areas=("sunset-park",))
    everywhere = make_subscriber("b@example.org")
    in_queens = make_subscriber("c@example.org", areas=("queens",))
    make_subscriber("d@example.org", status=Subscriber.Status.PENDING)
    reached = set(Subscriber.objects.active().matching(areas=[brooklyn]))
    assert reached == {in_sunset_park, everywhere}
    assert in_queens not in reached
    # A Sunset Park alert reaches people who follow all of Brooklyn, not Queens.
    whole_borough = make_subscriber("e@example.org", areas=("brooklyn",))
    reached = set(
        Subscriber.objects.active().matching(areas=[Area.objects.get(slug="sunset-park")])
    )
    assert reached == {in_sunset_park, everywhere, whole_borough}


def test_topics_filter_with_none_meaning_all():
    idnyc = Topic.objects.get(slug="idnyc")
    wants_idnyc = make_subscriber("a@example.org", topics=("idnyc",))
    wants_all = make_subscriber("b@example.org")
    make_subscriber("c@example.org", topics=("ice-activity",))
    assert set(Subscriber.objects.active().matching(topics=[idnyc])) == {wants_idnyc, wants_all}
