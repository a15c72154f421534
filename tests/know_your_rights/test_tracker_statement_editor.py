"""The policy statement snippet editor cannot go around the policy history.

On an existing statement the status, quote, replacement and verification dates
are shown read-only with links to the tracker's forms, and a POST that still
changes them (a crafted request, in English or on a translation edited
outside wagtail-localize's editor) is refused with a form error, saving
nothing. A statement created in the editor records its first version at once.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from wagtail_localize.models import Translation, TranslationSource

from know_your_rights.models import GuideUpdateMark, PolicyEvent, PolicyStatement
from tests.factories.know_your_rights import PolicySourceFactory, make_statement
from tests.factories.site import locale
from tests.factories.users import UserFactory
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/know_your_rights/policystatement/add/"


def edit_url(statement) -> str:
    return f"/admin/snippets/know_your_rights/policystatement/edit/{statement.pk}/"


def signed_in(role: str) -> Client:
    return sign_in_verified(Client(), UserFactory(username=f"{role}-person", **{role: True}))


def editable_fields(statement: PolicyStatement, **changes) -> dict:
    """What the editor posts for ``statement``: its editable fields, with ``changes``."""
    data = {
        "key": statement.key,
        "source": str(statement.source_id),
        "kind": statement.kind,
        "attribution": statement.attribution,
        "summary": statement.summary,
        "status_note": statement.status_note,
        "as_of_year": statement.as_of_year or "",
        "as_of_month": statement.as_of_month or "",
        "as_of_day": statement.as_of_day or "",
        "named_contact": statement.named_contact,
        "named_contact_phone": statement.named_contact_phone,
    }
    data.update(changes)
    return data


def page_text(html: str) -> str:
    return unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


@pytest.fixture
def statement(site_tree):
    return make_statement(
        "test-editor-statement",
        quote="Test words as first written.",
        summary="Test summary.",
        status=PolicyStatement.Status.IN_FORCE,
    )


def test_the_editor_shows_history_fields_read_only_with_the_tracker_links(statement):
    editor = signed_in("editor")
    html = editor.get(edit_url(statement)).content.decode()
    assert 'name="summary"' in html
    for name in ("status", "quote", "superseded_by", "last_verified", "review_due"):
        assert f'name="{name}"' not in html, name
    assert "Test words as first written." in html  # shown, not editable
    text = page_text(html)
    assert "Record a change" in text and "Record a verification" in text
    assert f'href="/admin/policy/statements/{statement.pk}/change/"' in html


def test_an_editor_still_saves_the_other_fields(statement):
    editor = signed_in("editor")
    response = editor.post(edit_url(statement), editable_fields(statement, summary="New summary."))
    assert response.status_code == 302, page_text(response.content.decode())[:2000]
    statement.refresh_from_db()
    assert statement.summary == "New summary."


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "rescinded", "status_note": "Test: rescinded by hand."},
        {"quote": "Test words changed by hand."},
        {"last_verified": "2026-01-05"},
    ],
    ids=["status", "quote", "last_verified"],
)
def test_a_crafted_post_changing_history_fields_is_refused(statement, changes):
    editor = signed_in("editor")
    response = editor.post(edit_url(statement), editable_fields(statement, **changes))
    assert response.status_code == 200
    assert "change only through the policy tracker" in page_text(response.content.decode())
    fresh = PolicyStatement.objects.get(pk=statement.pk)
    assert (fresh.status, fresh.quote, fresh.last_verified, fresh.status_note) == (
        statement.status,
        statement.quote,
        statement.last_verified,
        statement.status_note,
    )
    assert not PolicyEvent.objects.filter(statement=statement).exists()
    assert not GuideUpdateMark.objects.filter(event__statement=statement).exists()


def test_a_translation_edited_outside_wagtail_localize_is_refused_too(statement):
    # "Stop syncing" disables the translation; the snippet editor then edits it.
    source, _created = TranslationSource.get_or_create_from_instance(statement)
    translation = Translation.objects.create(
        source=source, target_locale=locale("es"), enabled=False
    )
    translation.save_target(publish=True)
    spanish = PolicyStatement.objects.get(
        translation_key=statement.translation_key, locale=locale("es")
    )
    editor = signed_in("editor")
    response = editor.post(
        edit_url(spanish),
        editable_fields(spanish, status="rescinded", status_note="Test: a mano."),
    )
    assert response.status_code == 200
    assert "change only through the policy tracker" in page_text(response.content.decode())
    spanish.refresh_from_db()
    assert spanish.status == PolicyStatement.Status.IN_FORCE
    assert not PolicyEvent.objects.filter(statement=statement).exists()


def test_the_synchronised_history_fields_cannot_be_overridden_in_wagtail_localize(statement):
    # Its translation editor offers an override only for overridable segments.
    source, _created = TranslationSource.get_or_create_from_instance(statement)
    overridable = set(source.overridablesegment_set.values_list("context__path", flat=True))
    assert not overridable & {"status", "quote", "superseded_by", "last_verified", "review_due"}


def new_statement_fields(source, key: str) -> dict:
    return {
        "key": key,
        "source": str(source.pk),
        "kind": "policy",
        "attribution": "Test attribution",
        "quote": "Test words of the ruling.",
        "summary": "Test summary of the ruling.",
        "status": "in_force",
        "superseded_by": "",
        "status_note": "",
        "as_of_year": "2026",
        "as_of_month": "3",
        "as_of_day": "",
        "last_verified": "",
        "review_due": "",
        "named_contact": "",
        "named_contact_phone": "",
    }


@pytest.mark.parametrize("how", ["add", "copy"])
def test_a_statement_created_in_the_editor_records_its_first_version(statement, how):
    source = PolicySourceFactory(ruling=True, title="Test ruling 2026")
    editor = signed_in("editor")
    url = (
        ADD_URL + "?locale=en"
        if how == "add"
        else f"/admin/snippets/know_your_rights/policystatement/copy/{statement.pk}/"
    )
    response = editor.post(url, new_statement_fields(source, "test-new-statement"))
    assert response.status_code == 302, page_text(response.content.decode())[:2000]
    created = PolicyStatement.objects.get(key="test-new-statement", locale=locale("en"))
    first = PolicyEvent.objects.get(statement=created)
    assert first.kind == PolicyEvent.Kind.FIRST_VERSION
    assert first.source_id == source.pk
    assert (first.effective_year, first.effective_month, first.effective_day) == (2026, 3, None)
    assert first.quote == "Test words of the ruling."
