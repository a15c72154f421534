"""The policy tracker in the admin: recording a change or a verification on a
statement, its history, "Policy changes" and "Due for verification".

Editors and Moderators record; Translators read; anonymous people are sent to
sign in. Every refusal of the tracker's rules comes back on the form with the
editor's input still on it, and a second editor who opened the form before the
first one saved is told so instead of recording over a change they never saw.
"""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from know_your_rights.models import (
    GuidePage,
    GuideUpdateMark,
    PolicyEvent,
    PolicySource,
    PolicyStatement,
)
from know_your_rights.tracker import recording
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.site import guide_index, locale
from tests.factories.users import UserFactory
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def history_url(statement) -> str:
    return f"/admin/policy/statements/{statement.pk}/"


def change_url(statement) -> str:
    return f"/admin/policy/statements/{statement.pk}/change/"


def verify_url(statement) -> str:
    return f"/admin/policy/statements/{statement.pk}/verify/"


CHANGES_URL = "/admin/policy/changes/"
DUE_URL = "/admin/policy/due/"


def signed_in(role: str, name: str | None = None) -> Client:
    user = UserFactory(username=name or f"{role}-person", **{role: True})
    return sign_in_verified(Client(), user)


def translated(statement: PolicyStatement, code: str) -> PolicyStatement:
    copy = statement.copy_for_translation(locale(code))
    copy.save()
    return copy


@pytest.fixture
def cited(site_tree):
    """An English statement with a Spanish translation, cited by a guide in
    English and its Spanish translation (which cites the Spanish statement)."""
    statement = make_statement(
        "test-stop-questions", summary="Officers may ask; you may stay silent."
    )
    spanish_statement = translated(statement, "es")
    guide = make_guide("test-stops", title="Test guide on stops", body=body_citing([statement]))
    spanish_guide = translate_guide(guide, "es", "Guía de prueba sobre paradas")
    spanish_guide.body = body_citing([spanish_statement])
    spanish_guide.save_revision().publish()
    return statement, guide, spanish_guide


def hidden_sequence(html: str) -> str:
    return re.search(r'name="expected_sequence" value="(\d+)"', html).group(1)


def change_form(statement, client, **fields) -> dict:
    """What an editor submits: the form as loaded (its hidden sequence), with ``fields``."""
    html = client.get(change_url(statement)).content.decode()
    data = {
        "expected_sequence": hidden_sequence(html),
        "status": "changed",
        "quote": "Test words of the ruling.",
        "superseded_by": "",
        "note": "Test change: officers must now say why they stop you.",
        "source": str(PolicySourceFactory(ruling=True).pk),
        "new_source_kind": "",
        "effective_year": "2026",
        "effective_month": "3",
        "effective_day": "",
    }
    data.update(fields)
    return data


def refused(response) -> bool:
    """The admin refuses a view by sending the person back to its dashboard."""
    return response.status_code == 302 and response["Location"] == "/admin/"


def messages_on(html: str) -> str:
    """The page's text and its fields' values, as a person reads them."""
    values = " ".join(re.findall(r'value="([^"]*)"', html))
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()) + " " + values)


# --- Who may do what ----------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(cited):
    statement, _guide, _spanish = cited
    client = Client()
    for url in (CHANGES_URL, DUE_URL, history_url(statement), change_url(statement)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    response = client.post(change_url(statement), {"status": "rescinded"})
    assert response.status_code == 302
    assert not statement.events.exists()


def test_a_translator_reads_the_history_and_lists_but_cannot_record(cited):
    statement, _guide, _spanish = cited
    translator = signed_in("translator")

    history = translator.get(history_url(statement))
    assert history.status_code == 200
    assert "Record a change" not in history.content.decode()
    assert translator.get(CHANGES_URL).status_code == 200
    due = translator.get(DUE_URL)
    assert due.status_code == 200
    assert "Record a verification" not in due.content.decode()

    assert refused(translator.get(change_url(statement)))
    assert refused(translator.get(verify_url(statement)))
    data = change_form(statement, signed_in("editor"))
    assert refused(translator.post(change_url(statement), data))
    assert not statement.events.exists()


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_editors_and_moderators_find_the_actions_on_the_statement(cited, role):
    statement, _guide, _spanish = cited
    client = signed_in(role)
    editor_page = client.get(
        f"/admin/snippets/know_your_rights/policystatement/edit/{statement.pk}/"
    ).content.decode()
    # Searched as an editor would among many statements (the listing is paginated).
    listing = client.get(
        "/admin/snippets/know_your_rights/policystatement/", {"q": "Officers may ask"}
    ).content.decode()
    for url in (history_url(statement), change_url(statement), verify_url(statement)):
        assert url in editor_page
        assert url in listing
    assert client.get(change_url(statement)).status_code == 200
    assert client.get(verify_url(statement)).status_code == 200


def test_the_history_of_a_translation_is_its_english_statements(cited):
    statement, _guide, _spanish = cited
    spanish = PolicyStatement.objects.get(
        translation_key=statement.translation_key, locale__language_code="es"
    )
    response = signed_in("editor").get(history_url(spanish))
    assert response.status_code == 302
    assert response["Location"] == history_url(statement)


# --- Recording --------------------------------------------------------------------


def test_an_editor_records_a_change_and_every_citing_guide_is_marked(cited):
    statement, guide, spanish_guide = cited
    client = signed_in("editor", "edna")
    response = client.post(change_url(statement), change_form(statement, client))
    assert response.status_code == 302
    assert response["Location"] == history_url(statement)

    event = statement.events.get(kind=PolicyEvent.Kind.CHANGE)
    assert (event.statement, event.status, event.quote) == (
        statement,
        "changed",
        "Test words of the ruling.",
    )
    assert (event.effective_year, event.effective_month, event.effective_day) == (2026, 3, None)
    assert event.recorded_by.username == "edna"
    marked = set(GuideUpdateMark.objects.filter(event=event).values_list("page_id", flat=True))
    assert marked == {guide.pk, spanish_guide.pk}

    history = messages_on(client.get(response["Location"]).content.decode())
    assert "Change recorded. 2 guide pages are marked as needing update." in history
    assert "Test change: officers must now say why they stop you." in history
    assert "Test ruling 2026" in history
    assert "In force → Changed" in history


def test_a_new_source_is_made_with_the_change_and_not_when_the_change_is_refused(cited):
    statement, _guide, _spanish = cited
    client = signed_in("editor")
    new_source = {
        "source": "",
        "new_source_title": "Test order 2026 typed on the form",
        "new_source_kind": "order",
        "new_source_issuer": "Test issuer",
        "new_source_year": "2026",
        "new_source_month": "2",
        "new_source_url": "https://example.org/test-order",
    }
    too_far = change_form(statement, client, effective_year="2031", **new_source)
    refused = client.post(change_url(statement), too_far)
    assert refused.status_code == 200
    page = messages_on(refused.content.decode())
    assert "more than a year ahead" in page
    # Nothing is lost: what was typed is still on the form.
    assert "Test order 2026 typed on the form" in page
    assert "Test change: officers must now say why they stop you." in page
    assert not PolicySource.objects.filter(title="Test order 2026 typed on the form").exists()
    assert not statement.events.exists()

    accepted = client.post(change_url(statement), {**too_far, "effective_year": "2026"})
    assert accepted.status_code == 302
    source = PolicySource.objects.get(title="Test order 2026 typed on the form")
    assert (source.kind, source.date_year, source.date_month, source.date_day) == (
        "order",
        2026,
        2,
        None,
    )
    assert source.locale.language_code == "en"
    assert statement.events.get(kind="change").source == source


def test_the_trackers_refusals_show_on_the_form(cited):
    statement, _guide, _spanish = cited
    other = make_statement("test-other")
    client = signed_in("editor")
    cases = [
        ({"source": ""}, "Give the source that says so"),
        ({"status": "superseded"}, "A superseded statement needs the statement that replaced it."),
        ({"superseded_by": str(other.pk)}, "Only a superseded statement names"),
    ]
    for fields, message in cases:
        response = client.post(change_url(statement), change_form(statement, client, **fields))
        assert response.status_code == 200, fields
        assert message in messages_on(response.content.decode()), fields
    # A circle: the other statement is superseded by this one; this one by it.
    recording.record_change(
        other,
        status="superseded",
        superseded_by=statement,
        source=PolicySourceFactory(ruling=True),
        effective_date=(2026, 1, None),
    )
    circle = change_form(statement, client, status="superseded", superseded_by=str(other.pk))
    response = client.post(change_url(statement), circle)
    assert "would make a circle" in messages_on(response.content.decode())
    assert not PolicyEvent.objects.filter(statement=statement).exists()


def test_a_second_editor_who_loaded_before_the_first_saved_is_told_to_reload(cited):
    statement, _guide, _spanish = cited
    first, second = signed_in("editor", "first"), signed_in("moderator", "second")
    first_form = change_form(statement, first, note="First editor's change.")
    second_form = change_form(
        statement, second, status="rescinded", note="Second editor's change, typed carefully."
    )
    assert first_form["expected_sequence"] == second_form["expected_sequence"]

    assert first.post(change_url(statement), first_form).status_code == 302
    told = second.post(change_url(statement), second_form)
    assert told.status_code == 200
    page = messages_on(told.content.decode())
    assert "Someone recorded a change to this statement" in page
    assert "reload" in page
    assert "Second editor's change, typed carefully." in page  # their input is kept
    assert "First editor's change." in page  # and they see what was recorded
    assert PolicyEvent.objects.filter(statement=statement, kind="change").count() == 1

    # Having read it, saving again records theirs after the first.
    again = {**second_form, "expected_sequence": hidden_sequence(told.content.decode())}
    assert second.post(change_url(statement), again).status_code == 302
    notes = list(
        PolicyEvent.objects.filter(statement=statement, kind="change")
        .order_by("sequence")
        .values_list("note", flat=True)
    )
    assert notes == ["First editor's change.", "Second editor's change, typed carefully."]


def test_a_wrongly_recorded_change_is_corrected_and_both_stay_in_the_history(cited):
    statement, _guide, _spanish = cited
    wrong = recording.record_change(
        statement,
        status="changed",
        source=PolicySourceFactory(ruling=True),
        effective_date=(2025, 3, None),
        quote="Test words with a typing error.",
        note="Test change with the wrong year.",
    )
    client = signed_in("editor")
    correct_url = f"/admin/policy/changes/{wrong.pk}/correct/"
    assert correct_url in client.get(history_url(statement)).content.decode()
    assert refused(signed_in("translator").get(correct_url))

    html = client.get(correct_url).content.decode()
    form = messages_on(html)
    assert "Record a correction" in form
    assert "Test words with a typing error." in form  # what was recorded, to correct
    response = client.post(
        correct_url,
        {
            "expected_sequence": hidden_sequence(html),
            "status": "changed",
            "quote": "Test words, corrected.",
            "superseded_by": "",
            "note": "Test correction: the year is 2026.",
            "source": str(wrong.source_id),
            "effective_year": "2026",
            "effective_month": "3",
            "effective_day": "",
        },
    )
    assert response.status_code == 302
    correction = statement.events.get(kind="correction")
    assert (correction.corrects, correction.effective_year) == (wrong, 2026)
    wrong.refresh_from_db()
    assert (wrong.effective_year, wrong.quote) == (2025, "Test words with a typing error.")
    statement.refresh_from_db()
    assert statement.quote == "Test words, corrected."
    history = messages_on(client.get(history_url(statement)).content.decode())
    assert f"corrects #{wrong.sequence}" in history
    assert "Correction recorded." in history


def test_an_editor_records_a_verification(cited):
    statement, _guide, _spanish = cited
    client = signed_in("editor")
    html = client.get(verify_url(statement)).content.decode()
    response = client.post(
        verify_url(statement),
        {
            "expected_sequence": hidden_sequence(html),
            "source": str(PolicySourceFactory(ruling=True).pk),
            "checked_on": "2026-11-02",
            "note": "Checked against the test ruling.",
        },
    )
    assert response.status_code == 302
    event = PolicyEvent.objects.get(statement=statement)
    assert (event.kind, event.checked_on) == ("verification", datetime.date(2026, 11, 2))
    statement.refresh_from_db()
    assert statement.last_verified == datetime.date(2026, 11, 2)
    assert not GuideUpdateMark.objects.filter(event__statement=statement).exists()
    assert "Verification recorded." in messages_on(
        client.get(history_url(statement)).content.decode()
    )


def test_verifying_a_rescinded_statement_is_refused_on_the_form(cited):
    statement, _guide, _spanish = cited
    recording.record_change(
        statement,
        status="rescinded",
        source=PolicySourceFactory(ruling=True),
        effective_date=(2026, 1, None),
    )
    client = signed_in("editor")
    html = client.get(verify_url(statement)).content.decode()
    response = client.post(
        verify_url(statement),
        {
            "expected_sequence": hidden_sequence(html),
            "source": str(PolicySourceFactory(ruling=True).pk),
            "checked_on": "2026-11-02",
            "note": "Typed before noticing.",
        },
    )
    assert response.status_code == 200
    page = messages_on(response.content.decode())
    assert "Typed before noticing." in page
    assert PolicyEvent.objects.filter(statement=statement, kind="verification").count() == 0


# --- The lists ----------------------------------------------------------------------


def language_states(html: str) -> dict[tuple[str, str], str]:
    """(guide id, language) → state, from the Policy changes table."""
    return {
        (guide, language): state
        for guide, language, state in re.findall(
            r'data-guide="(\d+)" data-language="([\w-]+)" data-state="(\w+)"', html
        )
    }


def test_policy_changes_lists_each_guide_and_language_and_where_it_stands(cited):
    statement, guide, spanish_guide = cited
    editor = UserFactory(username="edna", first_name="Edna", last_name="Editor", editor=True)
    recording.record_change(
        statement,
        status="rescinded",
        source=PolicySourceFactory(ruling=True),
        effective_date=(2026, 3, 1),
        note="Test: rescinded by the test ruling.",
        user=editor,
    )
    client = signed_in("translator")
    html = client.get(CHANGES_URL).content.decode()
    assert language_states(html) == {
        (str(guide.pk), "en"): "needs_update",
        (str(guide.pk), "es"): "needs_update",
    }
    page = messages_on(html)
    assert "test-stop-questions" in page
    assert "In force → Rescinded" in page
    assert "Test guide on stops" in page
    assert "Needs update" in page
    assert "Edna Editor" in page

    # The English guide re-reviewed: the translation now waits for its translator.
    moderator = UserFactory(
        username="mona", first_name="Mona", last_name="Moderator", moderator=True
    )
    GuideUpdateMark.objects.filter(page=guide).update(
        cleared_at=timezone.now(), cleared_by=moderator
    )
    html = client.get(CHANGES_URL).content.decode()
    assert language_states(html) == {
        (str(guide.pk), "en"): "done",
        (str(guide.pk), "es"): "awaiting_translation",
    }
    page = messages_on(html)
    assert "Updated, awaiting translation" in page
    assert "Mona Moderator" in page


def add_citing_guides(statement, numbers) -> None:
    """Live English guides citing ``statement``, made straight in the tree (no
    revisions: quicker than the factory, and enough for the marks)."""
    index = guide_index("en")
    for n in numbers:
        index.add_child(
            instance=GuidePage(
                title=f"Count {n}",
                slug=f"count-{n}",
                situation="s",
                summary="s",
                body=body_citing([statement]),
                live=True,
            )
        )


def test_policy_changes_costs_the_same_queries_with_5_guides_and_with_50(site_tree):
    statement = make_statement("test-count")
    source = PolicySourceFactory(ruling=True)
    client = signed_in("editor")
    add_citing_guides(statement, range(5))
    recording.record_change(
        statement, status="changed", source=source, effective_date=(2026, 1, None)
    )
    client.get(CHANGES_URL)  # caches warmed (content types, locales)

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CHANGES_URL)
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    with_5, html = queries()
    assert html.count('data-state="needs_update"') == 5

    add_citing_guides(statement, range(5, 50))
    recording.record_change(
        statement, status="rescinded", source=source, effective_date=(2026, 2, None)
    )
    with_50, html = queries()
    assert html.count('data-state="needs_update"') == 5 + 50
    assert with_50 == with_5


def test_due_for_verification_lists_unverified_statements_and_their_guides(cited):
    statement, _guide, _spanish = cited
    checked = make_statement("test-checked-recently", last_verified=timezone.localdate())
    make_guide("test-checked", title="Test guide resting on checked", body=body_citing([checked]))
    html = signed_in("editor").get(DUE_URL).content.decode()
    assert f'data-statement="{statement.pk}"' in html
    assert f'data-statement="{checked.pk}"' not in html
    page = messages_on(html)
    assert "Test guide on stops" in page
    assert "Test guide resting on checked" not in page
    assert verify_url(statement) in html
