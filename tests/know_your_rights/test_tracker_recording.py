"""Recording a statement's history (know_your_rights.tracker.recording): what a change,
a correction, a verification and a first version write, and every bad input refused
with a clear message and nothing written."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from know_your_rights.models import GuideUpdateMark, PolicyEvent, PolicyStatement
from know_your_rights.review import approve, needs_review
from know_your_rights.tracker.checks import StaleHistory, TrackerError
from know_your_rights.tracker.recording import (
    latest_sequence,
    record_change,
    record_correction,
    record_first_version,
    record_verification,
)
from tests.factories.know_your_rights import (
    PolicyEventFactory,
    PolicySourceFactory,
    make_statement,
)
from tests.factories.users import UserFactory

Status = PolicyStatement.Status
EFFECTIVE = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages and dates in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def statement(site_tree):
    english = make_statement("test-ask-status", quote="Officers do not ask.")
    spanish = english.copy_for_translation(
        site_tree.home.locale.__class__.objects.get(language_code="es")
    )
    spanish.summary = "Resumen."
    spanish.save()
    return english


@pytest.fixture
def ruling(db):
    return PolicySourceFactory(ruling=True)


def _counts():
    return (
        PolicyEvent.objects.count(),
        GuideUpdateMark.objects.count(),
        list(
            PolicyStatement.objects.order_by("pk").values_list("status", "quote", "superseded_by")
        ),
    )


def test_a_change_updates_the_statement_and_its_translations_and_is_numbered(statement, ruling):
    editor = UserFactory(editor=True)
    record_first_version(statement, source=statement.source, effective_date=(2017, None, None))
    event = record_change(
        statement,
        status="changed",
        quote="Officers may ask.",
        source=ruling,
        effective_date=EFFECTIVE,
        note="The ruling changed the practice.",
        user=editor,
    )
    assert (event.sequence, event.kind) == (2, PolicyEvent.Kind.CHANGE)
    assert (event.previous_status, event.previous_quote) == (
        Status.IN_FORCE,
        "Officers do not ask.",
    )
    assert (event.status, event.quote) == (Status.CHANGED, "Officers may ask.")
    assert event.effective_display and event.recorded_by == editor
    statement.refresh_from_db()
    assert (statement.status, statement.quote) == (Status.CHANGED, "Officers may ask.")
    assert statement.status_note == "The ruling changed the practice."
    spanish = statement.get_translation(statement.locale.__class__.objects.get(language_code="es"))
    assert (spanish.status, spanish.quote) == (Status.CHANGED, "Officers may ask.")
    assert latest_sequence(spanish) == 2
    assert list(spanish.events.all()) == []  # the history lives on the English statement


def test_a_change_recorded_on_a_translation_goes_to_the_english_statement(statement, ruling):
    spanish = PolicyStatement.objects.get(
        translation_key=statement.translation_key, locale__language_code="es"
    )
    event = record_change(spanish, status="rescinded", source=ruling, effective_date=EFFECTIVE)
    assert event.statement == statement
    statement.refresh_from_db()
    assert statement.status == Status.RESCINDED
    assert "Test ruling 2026" in statement.status_note  # a status note even without a note


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"source": None}, "Give the source"),
        ({"effective_date": None}, "Give the date"),
        ({"status": "paused"}, "Unknown status"),
        ({"quote": "  "}, "The new text is empty"),
        ({"status": "in_force"}, "This changes nothing"),
        ({"status": "superseded"}, "needs the statement that replaced it"),
        ({"effective_date": (2026, 2, 30)}, "day is out of range"),
    ],
)
def test_bad_changes_are_refused_and_write_nothing(statement, ruling, changes, message):
    before = _counts()
    arguments = {"status": "changed", "source": ruling, "effective_date": EFFECTIVE, **changes}
    with pytest.raises(TrackerError, match=message):
        record_change(statement, **arguments)
    assert _counts() == before


def test_an_effective_date_more_than_a_year_ahead_is_refused(statement, ruling):
    today = timezone.localdate()
    far = today.replace(year=today.year + 2)
    with pytest.raises(TrackerError, match="more than a year ahead") as refused:
        record_change(statement, status="changed", source=ruling, effective_date=far)
    assert str(far.year) in refused.value.message
    with pytest.raises(TrackerError, match="more than a year ahead"):
        record_change(
            statement, status="changed", source=ruling, effective_date=(today.year + 2, None, None)
        )
    # Within a year is accepted (a change announced ahead of time).
    soon = today + datetime.timedelta(days=300)
    assert record_change(statement, status="changed", source=ruling, effective_date=soon)
    assert not PolicyEvent.objects.filter(effective_year=far.year).exists()


def test_supersession_needs_the_status_and_never_makes_a_circle(site_tree, ruling):
    a, b, c = (make_statement(f"test-{name}") for name in "abc")
    with pytest.raises(TrackerError, match="cannot be superseded by itself"):
        record_change(
            a, status="superseded", superseded_by=a, source=ruling, effective_date=EFFECTIVE
        )
    with pytest.raises(TrackerError, match="Only a superseded statement"):
        record_change(a, status="changed", superseded_by=b, source=ruling, effective_date=EFFECTIVE)
    record_change(a, status="superseded", superseded_by=b, source=ruling, effective_date=EFFECTIVE)
    before = _counts()
    with pytest.raises(TrackerError, match="circle"):  # B by A, with A by B
        record_change(
            b, status="superseded", superseded_by=a, source=ruling, effective_date=EFFECTIVE
        )
    record_change(b, status="superseded", superseded_by=c, source=ruling, effective_date=EFFECTIVE)
    before = _counts()
    with pytest.raises(TrackerError, match="circle"):  # C by A, with A by B by C
        record_change(
            c, status="superseded", superseded_by=a, source=ruling, effective_date=EFFECTIVE
        )
    assert _counts() == before
    a.refresh_from_db()
    assert (a.status, a.superseded_by) == (Status.SUPERSEDED, b)


def test_a_superseded_translation_points_at_the_replacements_translation(
    statement, site_tree, ruling
):
    replacement = make_statement("test-replacement")
    spanish_locale = statement.locale.__class__.objects.get(language_code="es")
    spanish_replacement = replacement.copy_for_translation(spanish_locale)
    spanish_replacement.save()
    record_change(
        statement,
        status="superseded",
        superseded_by=replacement,
        source=ruling,
        effective_date=EFFECTIVE,
    )
    spanish = statement.get_translation(spanish_locale)
    assert spanish.superseded_by == spanish_replacement


def test_a_stale_editor_is_told_to_reload_and_nothing_is_written(statement, ruling):
    seen = latest_sequence(statement)
    first = record_change(
        statement, status="changed", source=ruling, effective_date=EFFECTIVE, expected_sequence=seen
    )
    before = _counts()
    with pytest.raises(StaleHistory) as stale:
        record_change(
            statement,
            status="rescinded",
            source=ruling,
            effective_date=EFFECTIVE,
            expected_sequence=seen,
        )
    at = timezone.localtime(first.recorded_at).strftime("%H:%M")
    assert stale.value.message == (
        f"Someone recorded a change to this statement at {at}; reload to see it."
    )
    assert _counts() == before
    # Reloaded, the same change goes through as event 2.
    second = record_change(
        statement,
        status="rescinded",
        source=ruling,
        effective_date=EFFECTIVE,
        expected_sequence=latest_sequence(statement),
    )
    assert second.sequence == 2


def test_a_correction_is_a_new_event_and_the_change_stays(statement, ruling):
    change = record_change(statement, status="rescinded", source=ruling, effective_date=EFFECTIVE)
    correction = record_correction(
        change,
        status="changed",
        quote="Officers ask sometimes.",
        source=ruling,
        effective_date=(2026, 3, None),
        note="It was changed, not rescinded.",
    )
    change.refresh_from_db()
    assert change.status == Status.RESCINDED  # never edited
    assert (correction.kind, correction.corrects, correction.sequence) == ("correction", change, 2)
    statement.refresh_from_db()
    assert (statement.status, statement.quote) == (Status.CHANGED, "Officers ask sometimes.")


def test_a_correction_of_an_older_change_corrects_the_history_only(statement, ruling):
    older = record_change(statement, status="changed", source=ruling, effective_date=EFFECTIVE)
    record_change(statement, status="rescinded", source=ruling, effective_date=EFFECTIVE)
    correction = record_correction(
        older,
        status="changed",
        quote="Officers ask sometimes.",
        source=ruling,
        effective_date=(2026, 2, None),
        note="The earlier change took effect in February.",
    )
    assert correction.sequence == 3 and correction.corrects == older
    statement.refresh_from_db()
    assert (statement.status, statement.quote) == (Status.RESCINDED, "Officers do not ask.")
    assert not correction.guide_marks.exists()


def test_only_a_change_can_be_corrected(statement, ruling):
    first = record_first_version(
        statement, source=statement.source, effective_date=(2017, None, None)
    )
    verification = record_verification(statement, source=ruling)
    for event in (first, verification):
        before = _counts()
        with pytest.raises(TrackerError, match="Only a recorded change can be corrected"):
            record_correction(
                event, status="changed", source=ruling, effective_date=EFFECTIVE, note="x"
            )
        assert _counts() == before


@override_settings(POLICY_REVIEW_DAYS=180)
def test_a_verification_sets_last_verified_everywhere_and_keeps_approvals(statement, ruling):
    spanish = PolicyStatement.objects.get(
        translation_key=statement.translation_key, locale__language_code="es"
    )
    approve(spanish, None)
    assert statement.is_out_of_date() and spanish.is_out_of_date()
    checked = timezone.localdate() - datetime.timedelta(days=3)
    event = record_verification(
        statement, source=ruling, checked_on=checked, note="Checked the ruling."
    )
    assert (event.kind, event.checked_on, event.status) == (
        "verification",
        checked,
        Status.IN_FORCE,
    )
    assert GuideUpdateMark.objects.count() == 0
    spanish.refresh_from_db()
    statement.refresh_from_db()
    assert statement.last_verified == spanish.last_verified == checked
    assert not statement.is_out_of_date() and not spanish.is_out_of_date()
    assert not needs_review(spanish)  # a date is not a translator's words
    later = timezone.localdate() + datetime.timedelta(days=178)
    assert statement.is_out_of_date(later)


@pytest.mark.parametrize("status", ["rescinded", "superseded"])
def test_verifying_a_rescinded_or_superseded_statement_is_refused(
    statement, site_tree, ruling, status
):
    replacement = make_statement("test-new") if status == "superseded" else None
    record_change(
        statement, status=status, superseded_by=replacement, source=ruling, effective_date=EFFECTIVE
    )
    other = make_statement("test-other")
    before = _counts()
    with pytest.raises(TrackerError, match=f"This statement is {status}"):
        record_verification(statement, source=ruling)
    with pytest.raises(TrackerError, match="Give the source"):
        record_verification(other, source=None)
    assert _counts() == before
    statement.refresh_from_db()
    assert statement.last_verified is None


def test_first_version_is_recorded_once(statement):
    first = record_first_version(
        statement, source=statement.source, effective_date=(2017, None, None)
    )
    again = record_first_version(
        statement, source=statement.source, effective_date=(2017, None, None)
    )
    assert first == again and statement.events.count() == 1
    assert (first.sequence, first.effective_year, first.effective_month) == (1, 2017, None)
    statement.refresh_from_db()
    assert statement.last_verified is None


def test_factories_build_events_and_marks(site_tree):
    event = PolicyEventFactory()
    assert event.sequence == 1 and event.source.kind == "ruling"
    assert PolicyEventFactory(statement=event.statement, verification=True).sequence == 2
