"""The policy tracker's weekly note: every active Editor and Moderator gets
one email, in their admin language, listing the statements due for
verification (with the guides resting on them) and the guides stuck waiting
for update for more than a week, with links to the admin on SITE_URL; nobody
gets anything when nothing is due or stuck. Received by a real SMTP server
(aiosmtpd), sent by this process or by a real worker running the beat task."""

from __future__ import annotations

import datetime

import pytest
from celery import current_app
from django.conf import settings as django_settings
from django.utils import formats, timezone, translation
from wagtail.users.models import UserProfile

from know_your_rights.models import PolicyStatement
from know_your_rights.tracker import recording
from know_your_rights.tracker.reminders import send_policy_reminders
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.users import UserFactory
from tests.support.processes import WorkerProcess, purge_queues
from tests.support.smtp import SMTPServer, mails_to, send_own_mail_to, text_of

NEXT_WEEK = datetime.timedelta(days=8)


@pytest.fixture
def mail_server():
    server = SMTPServer().start()
    yield server
    server.stop()


def person(name: str, role: str, language: str = "", **fields):
    user = UserFactory(username=name, **{role: True}, **fields)
    if language:
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
    return user


@pytest.fixture
def nothing_else_due(site_tree):
    """Statements a seeded test left in the database (never verified, so due)
    count as checked today: each test says itself what is due."""
    PolicyStatement.objects.update(last_verified=timezone.localdate())


@pytest.fixture
def team(nothing_else_due):
    """An Editor reading the admin in Spanish, a Moderator in English, and
    people who get nothing: a Translator, a former Editor, an Editor with no address."""
    return {
        "edna": person("edna", "editor", "es"),
        "mona": person("mona", "moderator", "en"),
        "nobody": [
            person("tom", "translator"),
            person("former", "editor", is_active=False),
            person("no-address", "editor", email=""),
        ],
    }


@pytest.fixture
def due_and_stuck(nothing_else_due):
    """A never-verified statement a guide rests on, and a change to another
    statement that marked a guide in English and Spanish."""
    due = make_statement("test-never-checked")
    make_guide("test-resting", title="Test guide resting on it", body=body_citing([due]))
    changed = make_statement("test-changed", last_verified=timezone.localdate())
    guide = make_guide("test-marked", title="Test guide marked", body=body_citing([changed]))
    translate_guide(guide, "es", "Guía de prueba marcada")
    event = recording.record_change(
        changed,
        status="rescinded",
        source=PolicySourceFactory(ruling=True),
        effective_date=(2026, 3, None),
    )
    return due, event


def date_in(language: str, moment: datetime.datetime) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


@pytest.mark.django_db
def test_editors_and_moderators_each_get_one_note_in_their_admin_language(
    settings, mail_server, team, due_and_stuck
):
    send_own_mail_to(settings, mail_server)
    due, event = due_and_stuck
    assert send_policy_reminders(now=timezone.now() + NEXT_WEEK) == 2

    received = mail_server.handler.by_recipient()
    assert set(received) == {"edna@example.org", "mona@example.org"}
    for address, language in (("edna@example.org", "es"), ("mona@example.org", "en")):
        (mail,) = received[address]
        body = text_of(mail)
        # What is due, the guide resting on it, and where to record the check.
        assert "test-never-checked" in body
        assert "Test guide resting on it" in body
        site = django_settings.SITE_URL
        assert f"{site}/admin/policy/statements/{due.pk}/verify/" in body
        # What is stuck, in which languages, since when (in the reader's language).
        assert "Test guide marked" in body
        assert "English, Español" in body
        assert date_in(language, event.recorded_at) in body
        assert f"{site}/admin/policy/changes/" in body
        assert "test-changed" in body
    assert date_in("es", event.recorded_at) != date_in("en", event.recorded_at)
    assert received["mona@example.org"][0].message["Subject"] == (
        "Policy tracker: 1 statement due for verification, 1 guide waiting for update"
    )


@pytest.mark.django_db
def test_nothing_is_sent_when_nothing_is_due_or_stuck(settings, mail_server, team):
    send_own_mail_to(settings, mail_server)
    checked = make_statement("test-checked", last_verified=timezone.localdate())
    make_guide("test-fine", title="Test guide, all checked", body=body_citing([checked]))
    assert send_policy_reminders() == 0
    assert mail_server.handler.received == []


@pytest.mark.django_db
def test_a_change_younger_than_a_week_is_not_stuck(settings, mail_server, team):
    send_own_mail_to(settings, mail_server)
    changed = make_statement("test-changed", last_verified=timezone.localdate())
    make_guide("test-marked", title="Test guide marked", body=body_citing([changed]))
    recording.record_change(
        changed,
        status="rescinded",
        source=PolicySourceFactory(ruling=True),
        effective_date=(2026, 3, None),
    )
    assert send_policy_reminders() == 0
    assert mail_server.handler.received == []


@pytest.mark.django_db
def test_a_second_run_in_the_same_week_sends_nothing_more(
    settings, mail_server, team, due_and_stuck
):
    send_own_mail_to(settings, mail_server)
    later = timezone.now() + NEXT_WEEK
    assert send_policy_reminders(now=later) == 2
    assert send_policy_reminders(now=later + datetime.timedelta(hours=1)) == 0
    assert len(mail_server.handler.received) == 2


def test_beat_sends_it_on_monday_mornings():
    entry = django_settings.CELERY_BEAT_SCHEDULE["advocacy.send_policy_reminders"]
    assert entry["task"] == "advocacy.send_policy_reminders"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {9}, {0})


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_task_queued_by_name_runs_in_a_real_worker(mail_server, team):
    make_statement("test-never-checked")
    purge_queues()
    worker = WorkerProcess(EMAIL_URL=mail_server.url).start()
    try:
        current_app.send_task("advocacy.send_policy_reminders", queue="default")
        (mail,) = mails_to(mail_server.handler, "mona@example.org")
        assert "test-never-checked" in text_of(mail)
        mails_to(mail_server.handler, "edna@example.org")
        assert sorted(mail_server.handler.recipients()) == ["edna@example.org", "mona@example.org"]
    finally:
        worker.stop()
