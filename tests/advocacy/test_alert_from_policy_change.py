"""'Draft an alert' from a recorded policy change: a draft that waits for the
normal approval and the explicit Send."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from advocacy.models import AlertPage, Dispatch
from advocacy.policy_alerts import draft_alert_from_change
from core.absolute_urls import page_url
from know_your_rights.dates import format_partial_date
from know_your_rights.models import PolicyStatement
from know_your_rights.tracker.recording import record_change, record_verification
from tests.factories.advocacy import approve
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.users import user_for
from tests.support.alerts import visible_anywhere
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def change(site_tree):
    """A memo statement cited by a published guide (with a Spanish translation)
    and a draft guide, changed on a test ruling; and a statement of the test
    ruling itself, changed too."""
    statement = make_statement("idnyc-accepted", summary="Test agencies accept the test card.")
    guide = make_guide("your-idnyc", "Your IDNYC", body=body_citing([statement]))
    translate_guide(guide, "es", "Su IDNYC")
    make_guide("unfinished", "Unfinished guide", body=body_citing([statement]), publish=False)
    ruling = PolicySourceFactory(ruling=True)
    event = record_change(
        statement,
        status=PolicyStatement.Status.CHANGED,
        source=ruling,
        effective_date=(2026, 3, None),
        note="The test ruling narrows where the card is accepted.",
        quote="New test words.",
    )
    ruling_statement = make_statement("ruling-statement", source=ruling)
    other = record_change(
        ruling_statement,
        status=PolicyStatement.Status.RESCINDED,
        source=ruling,
        effective_date=(2026, 3, 1),
        note="Rescinded by the test ruling.",
    )
    return {"event": event, "guide": guide, "statement": statement, "other": other}


def draft_url(event) -> str:
    return reverse("advocacy_alert_from_policy_change", args=[event.pk])


def signed_in(client, role: str):
    return sign_in_verified(client, user_for(role))


def test_an_editor_drafts_an_alert_that_waits_for_approval(client, change):
    event, guide = change["event"], change["guide"]
    editor = user_for("Editors")
    response = sign_in_verified(client, editor).post(draft_url(event))

    alert = AlertPage.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[alert.pk])
    assert client.get(response.url).status_code == 200  # the editor can work on it
    assert alert.locale.language_code == "en"
    assert not alert.live and alert.owner == editor
    assert alert.get_latest_revision().user == editor
    assert not Dispatch.objects.exists()
    assert visible_anywhere(Client(), alert.title) == []

    assert [topic.slug for topic in alert.topics.all()] == ["nypd-policy"]
    assert alert.every_area and not alert.areas.exists()
    assert alert.urgency == AlertPage.Urgency.STANDARD
    assert alert.title == "Policy changed: Test agencies accept the test card."
    assert alert.summary == (
        "Test ruling 2026 says this policy has changed, effective March 2026 (day not "
        "given). The policy: Test agencies accept the test card."
    )
    # The body says what was recorded and links (absolutely: alerts are
    # emailed) to the change and to the published guide, not the draft.
    assert "The test ruling narrows where the card is accepted." in alert.body
    assert "New test words." in alert.body
    assert f'href="{settings.SITE_URL}/en/policy/changes/{event.pk}/"' in alert.body
    assert f'href="{page_url(guide)}"' in alert.body and page_url(guide).startswith("http")
    assert "Unfinished guide" not in alert.body
    assert alert.guide_id == guide.pk


def test_the_draft_is_approved_and_sent_like_any_alert_never_on_its_own(client, change):
    editor = user_for("Editors")
    sign_in_verified(client, editor).post(draft_url(change["event"]))
    alert = approve(AlertPage.objects.get(), author=editor)
    assert alert.is_approved_live
    assert not Dispatch.objects.exists()


def test_drafting_twice_gives_the_same_draft(client, change):
    signed_in(client, "Moderators")
    first = client.post(draft_url(change["event"]))
    second = client.post(draft_url(change["event"]))
    assert first.url == second.url and AlertPage.objects.count() == 1


def test_a_statement_of_another_source_gets_no_topic(change):
    alert = draft_alert_from_change(change["other"], user_for("Editors"))
    assert not alert.topics.exists()
    assert alert.title.startswith("Policy rescinded: ")
    assert f"effective {format_partial_date(2026, 3, 1, 'en')}." in alert.summary
    # No guide cites it: the alert concerns everyone and links no guide.
    assert alert.every_area and alert.guide is None


def test_a_translator_cannot_draft_and_a_get_does_nothing(client, change):
    signed_in(client, "Translators")
    # The admin's refusal: back to the dashboard, saying so.
    refused = client.post(draft_url(change["event"]), follow=True)
    assert refused.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert "do not have permission" in refused.content.decode()
    signed_in(client, "Editors")
    assert client.get(draft_url(change["event"])).status_code == 405
    assert not AlertPage.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(change):
    client = signed_in(Client(enforce_csrf_checks=True), "Editors")
    assert client.post(draft_url(change["event"])).status_code == 403
    assert not AlertPage.objects.exists()


def test_a_verification_cannot_be_announced(client, change):
    verification = record_verification(change["statement"], source=PolicySourceFactory(ruling=True))
    signed_in(client, "Editors")
    back = reverse("wagtailadmin_home")
    response = client.post(draft_url(verification), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Only a change or a correction can be announced" in response.content.decode()
    assert not AlertPage.objects.exists()
