"""The policy tracker's admin pages offer, on each change and correction,
"View public page" (the change's English public page) and, for Editors and
Moderators, advocacy's "Draft an alert" (a POST form, through the
``register_policy_change_actions`` hook), which opens the drafted alert."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from advocacy.models import AlertPage
from know_your_rights.models import PolicyStatement
from know_your_rights.tracker.recording import record_change, record_first_version
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
)
from tests.factories.users import user_for
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

CHANGES_URL = "/admin/policy/changes/"


@pytest.fixture
def change(site_tree):
    """A statement with its first version, then changed on a test ruling."""
    statement = make_statement("test-actions-statement", summary="Test agencies accept the card.")
    make_guide("test-actions-guide", "Test actions guide", body=body_citing([statement]))
    first = record_first_version(statement, source=statement.source, effective_date=(2017,))
    event = record_change(
        statement,
        status=PolicyStatement.Status.CHANGED,
        source=PolicySourceFactory(ruling=True, title="Test ruling 2026"),
        effective_date=(2026, 3, None),
        note="Test: the ruling narrows where the card is accepted.",
        quote="New test words.",
    )
    return {"statement": statement, "first": first, "event": event}


def history_url(statement) -> str:
    return f"/admin/policy/statements/{statement.pk}/"


def draft_forms(html: str) -> list[str]:
    return re.findall(r"<form[^>]*data-draft-alert.*?</form>", html, re.S)


def signed_in(role: str, client: Client | None = None) -> Client:
    return sign_in_verified(client or Client(), user_for(role))


def test_an_editor_gets_draft_an_alert_on_the_change_only(change):
    editor = signed_in("Editors")
    action = reverse("advocacy_alert_from_policy_change", args=[change["event"].pk])
    for url in (history_url(change["statement"]), CHANGES_URL):
        html = editor.get(url).content.decode()
        forms = draft_forms(html)
        # One change: one button (the first version gets none).
        assert len(forms) == 1, url
        assert f'action="{action}"' in forms[0] and 'method="post"' in forms[0]
        assert 'name="csrfmiddlewaretoken"' in forms[0]
        assert "Draft an alert" in forms[0]


def test_a_translator_gets_no_draft_an_alert(change):
    translator = signed_in("Translators")
    for url in (history_url(change["statement"]), CHANGES_URL):
        response = translator.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert draft_forms(html) == [] and "Draft an alert" not in html, url


def test_each_change_links_its_public_page_in_english(change):
    event = change["event"]
    public = f'href="/en/policy/changes/{event.pk}/"'
    translator = signed_in("Translators")
    for url in (history_url(change["statement"]), CHANGES_URL):
        html = translator.get(url).content.decode()
        link = re.search(rf"<a {re.escape(public)}[^>]*>([^<]*)</a>", html)
        assert link and unescape(link.group(1)).strip() == "View public page", url
    history = translator.get(history_url(change["statement"])).content.decode()
    assert f'href="/en/policy/changes/{change["first"].pk}/"' not in history
    assert Client().get(f"/en/policy/changes/{event.pk}/").status_code == 200


def test_clicking_draft_an_alert_opens_the_drafted_alert(change):
    # The browser's POST: the form as rendered, CSRF checked.
    editor = signed_in("Editors", Client(enforce_csrf_checks=True))
    html = editor.get(CHANGES_URL).content.decode()
    form = draft_forms(html)[0]
    action = unescape(re.search(r'action="([^"]+)"', form).group(1))
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form)
    }
    response = editor.post(action, fields)
    alert = AlertPage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[alert.pk])
    assert not alert.live
    assert editor.get(response["Location"]).status_code == 200
