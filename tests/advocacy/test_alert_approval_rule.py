"""The alert approval rule holds however an alert was made and in every language:
an alert is live (site, feeds, API, home, search, digest) and sendable only when
its live revision carries the approvals its urgency needs, from people who did
not write it. Publish permission alone never bypasses it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from advocacy import approval
from advocacy.audience import live_translations
from advocacy.digest import DigestContent
from advocacy.dispatching import ledger, preparing
from advocacy.dispatching.content import AlertContent
from advocacy.models import AlertApproval, AlertIndexPage, AlertPage, Dispatch
from tests.factories.advocacy import (
    alert_approval_workflow,
    approve_as,
    make_subscribers,
    publish_alert,
)
from tests.factories.site import build_site_tree
from tests.factories.users import moderator, staff
from tests.support.alerts import api_titles, feed_titles, visible_anywhere
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

BODY = json.dumps(
    {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "text": "Stay inside.",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [],
            }
        ],
        "entityMap": {},
    }
)


def add_form(title: str, urgency: str, action: str = "action-publish") -> dict:
    return {
        "title": title,
        "slug": title.lower().replace(" ", "-"),
        "urgency": urgency,
        "summary": "Reported near the station.",
        "body": BODY,
        "every_area": "on",
        "follow_up_kind": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        action: action,
    }


@pytest.mark.parametrize(
    ("language", "role"), [("en", "Moderators"), ("es", "Editors"), ("es", "Translators")]
)
def test_publishing_a_new_urgent_alert_from_the_add_form_is_refused(client, language, role):
    build_site_tree()
    alert_approval_workflow()
    index = AlertIndexPage.objects.get(locale__language_code=language)
    person = staff(f"publisher-{language}-{role.lower()}", role)
    sign_in_verified(client, person)
    title = f"Checkpoint rumour {language}"

    response = client.post(
        f"/admin/pages/add/advocacy/alertpage/{index.pk}/",
        add_form(title, "urgent"),
        follow=True,
    )

    assert response.status_code == 200
    alert = AlertPage.objects.get(title=title)
    assert not alert.live, "publish permission alone made an urgent alert live"
    page = response.content.decode()
    assert "not published" in page
    assert "needs two approvals" in page
    assert visible_anywhere(client, title, language) == []
    assert client.get(f"/{language}/alerts/{alert.slug}/").status_code == 404
    with pytest.raises(ledger.NotSendable):
        ledger.create_dispatch(alert, person)
    assert not Dispatch.objects.exists()


def test_the_alert_editor_offers_no_publish_button(client):
    index = build_site_tree().alert_index
    alert_approval_workflow()
    sign_in_verified(client, staff("mod-menu", "Moderators"))
    page = client.get(f"/admin/pages/add/advocacy/alertpage/{index.pk}/").content.decode()
    assert 'name="action-submit"' in page
    assert 'name="action-publish"' not in page


def test_a_publish_from_a_shell_is_refused_with_the_reason():
    index = build_site_tree().alert_index
    alert = AlertPage(title="Shell alert", summary="Typed in a shell.", urgency="urgent")
    index.add_child(instance=alert)
    alert.refresh_from_db()
    assert not alert.live, "a new alert row is always a draft"
    with pytest.raises(approval.AlertNotApproved, match="needs two approvals"):
        alert.save_revision().publish()
    alert.refresh_from_db()
    assert not alert.live


def spanish_translation_of(alert: AlertPage) -> AlertPage:
    """A Spanish translation made the way the admin makes it (wagtail-localize)."""
    spanish = Locale.objects.get(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(alert)
    translation = Translation.objects.create(source=source, target_locale=spanish)
    translation.save_target(publish=False)
    return AlertPage.objects.get(translation_key=alert.translation_key, locale=spanish)


def test_publish_in_spanish_without_approval_is_refused_and_submitted_for_approval(client):
    make_subscribers(2, "es-reader", languages=("es",))
    alert = publish_alert("Shelter open tonight", urgency="urgent")
    spanish = spanish_translation_of(alert)
    translator = staff("translator", "Translators")
    sign_in_verified(client, translator)

    # wagtail-localize's "Publish in Español" in its translation editor.
    response = client.post(f"/admin/pages/{spanish.pk}/edit/", {"action": "publish"}, follow=True)

    spanish.refresh_from_db()
    assert not spanish.live
    assert "Not published" in response.content.decode()
    assert spanish.current_workflow_state is not None, "submitted to Alert approval instead"
    assert live_translations(alert) == {"en": AlertPage.objects.get(pk=alert.pk)}
    # The Spanish address shows the approved English alert, not the draft.
    assert client.get(f"/es/alerts/{spanish.slug}/").context["page"].pk == alert.pk


def test_a_translation_needs_its_own_approvals_never_those_of_its_source(client):
    make_subscribers(2, "es-reader", languages=("es",))
    alert = publish_alert("Clinic closed", urgency="urgent")
    spanish = alert.copy_for_translation(Locale.objects.get(language_code="es"), copy_parents=True)
    spanish.title = "Clínica cerrada (sin aprobar)"
    with pytest.raises(approval.AlertNotApproved):
        spanish.save_revision().publish()
    # One approval is not enough for a translation of an urgent alert either.
    spanish = AlertPage.objects.get(pk=spanish.pk)
    spanish.get_workflow().start(spanish, None)
    state = AlertPage.objects.get(pk=spanish.pk).current_workflow_task_state.specific
    state.task.specific.on_action(state, moderator("moderator-1"), "approve")
    spanish.refresh_from_db()
    assert not spanish.live

    # Made live behind the rule's back: still nowhere, and not sent.
    AlertPage.objects.filter(pk=spanish.pk).update(live=True, live_revision=spanish.latest_revision)
    assert "Clínica cerrada (sin aprobar)" not in feed_titles(client, "es")
    assert "Clinic closed" in feed_titles(client, "es"), "Spanish readers get the English alert"
    assert "Clínica cerrada (sin aprobar)" not in api_titles(client, "es")
    assert client.get("/es/alerts/clinic-closed/").status_code == 404
    assert "es" not in live_translations(alert)
    dispatch = ledger.create_dispatch(alert)
    preparing.prepare(dispatch.pk, sliced=False)
    assert set(dispatch.deliveries.values_list("language", flat=True)) == {"es"}
    spanish_reader = dispatch.deliveries.first().subscriber
    message = AlertContent(alert).message_for(spanish_reader)
    assert "Clinic closed" in message.subject and "Clínica" not in message.subject


def test_the_digest_skips_unapproved_alerts_and_translations():
    subscriber = make_subscribers(1, "digest-reader", languages=("es",), wants_digest=True)[0]
    approved = publish_alert("Know your rights night")
    spanish = approved.copy_for_translation(
        Locale.objects.get(language_code="es"), copy_parents=True
    )
    spanish.title = "Noche de derechos (sin aprobar)"
    revision = spanish.save_revision()
    AlertPage.objects.filter(pk=spanish.pk).update(live=True, live_revision=revision)
    index = build_site_tree().alert_index
    rumour = AlertPage(title="Unapproved rumour", summary="Nobody approved this.")
    index.add_child(instance=rumour)
    AlertPage.objects.filter(pk=rumour.pk).update(
        live=True,
        live_revision=rumour.save_revision(),
        first_published_at=approved.first_published_at,
    )

    dispatch = Dispatch.objects.create(kind=Dispatch.Kind.DIGEST, alert_title="Weekly digest")
    content = DigestContent(dispatch)
    content.prepare([subscriber])
    message = content.message_for(subscriber)

    assert "Know your rights night" in message.text
    assert "Noche de derechos" not in message.text
    assert "Unapproved rumour" not in message.text


def submit(author: User, urgency: str) -> AlertPage:
    index = build_site_tree().alert_index
    alert_approval_workflow()
    alert = AlertPage(title=f"{urgency} report", summary="Reported.", urgency=urgency)
    alert.owner = author
    index.add_child(instance=alert)
    alert.save_revision(user=author)
    alert.get_workflow().start(alert, author)
    return AlertPage.objects.get(pk=alert.pk)


@pytest.mark.parametrize("urgency", ["standard", "urgent"])
def test_an_author_never_counts_as_an_approver_superuser_included(urgency):
    boss = staff("boss", "Moderators", superuser=True)
    alert = submit(boss, urgency)
    with pytest.raises(PermissionDenied, match="author"):
        approve_as(alert, boss)
    assert not AlertApproval.objects.exists()

    # An approval row for the author (written in a shell) does not count either.
    revision = alert.get_latest_revision()
    AlertApproval.objects.create(revision=revision, approver=boss)
    if urgency == "urgent":
        alert = approve_as(alert, moderator("moderator-1"))
        assert not alert.live, "the author and one Moderator are not two approvers"
    else:
        with pytest.raises(approval.AlertNotApproved):
            revision.publish()
        assert not AlertPage.objects.get(pk=alert.pk).live


def test_two_approvals_by_different_non_authors_publish_an_urgent_alert(client):
    author = staff("author", "Editors")
    alert = submit(author, "urgent")
    first, second = moderator("moderator-1"), moderator("moderator-2")

    alert = approve_as(alert, first)
    assert not alert.live
    assert approval.progress(alert) == (1, 2)
    with pytest.raises(PermissionDenied):
        approve_as(alert, first)
    alert = approve_as(alert, second)

    assert alert.live
    assert set(AlertApproval.objects.values_list("approver__username", flat=True)) == {
        "moderator-1",
        "moderator-2",
    }
    assert visible_anywhere(client, "urgent report")[:2] == ["feed", "api"]
    assert ledger.create_dispatch(alert, second).urgent


def test_an_edit_after_the_first_approval_needs_fresh_approvals(client):
    author = staff("author", "Editors")
    alert = submit(author, "urgent")
    alert = approve_as(alert, moderator("moderator-1"))

    alert.summary = "Changed after the first approval."
    alert.save_revision(user=author)
    alert = approve_as(alert, moderator("moderator-2"))
    assert not alert.live, "the first approval was of another version"
    assert approval.progress(alert) == (1, 2)

    alert = approve_as(alert, moderator("moderator-1"))
    assert alert.live
    assert alert.summary == "Changed after the first approval."


def test_a_row_made_live_in_a_shell_appears_nowhere_and_is_not_sent(client):
    make_subscribers(2, "reader", languages=("en",))
    index = build_site_tree().alert_index
    alert = AlertPage(title="Shell rumour", summary="Nobody approved this.", every_area=True)
    index.add_child(instance=alert)
    revision = alert.save_revision()
    AlertPage.objects.filter(pk=alert.pk).update(live=True, live_revision=revision)

    assert AlertPage.objects.filter(pk=alert.pk, live=True).exists()
    assert visible_anywhere(client, "Shell rumour") == []
    assert client.get("/en/alerts/shell-rumour/").status_code == 404
    with pytest.raises(ledger.NotSendable, match="approv"):
        ledger.create_dispatch(AlertPage.objects.get(pk=alert.pk))
    assert not Dispatch.objects.exists()


def test_the_send_page_and_command_refuse_and_say_why(client):
    make_subscribers(2, "es-reader", languages=("es",))
    alert = publish_alert("Legal clinic moved")
    spanish = alert.copy_for_translation(Locale.objects.get(language_code="es"), copy_parents=True)
    spanish.save_revision()
    sign_in_verified(client, staff("sender", "Moderators"))

    page = client.get(f"/admin/alerts/{alert.pk}/send/").content.decode()
    assert "Español: the translation is not approved, so its readers get English." in page

    index = build_site_tree().alert_index
    draft = AlertPage(title="Draft only", summary="Not approved.")
    index.add_child(instance=draft)
    revision = draft.save_revision()
    AlertPage.objects.filter(pk=draft.pk).update(live=True, live_revision=revision)
    response = client.post(f"/admin/alerts/{draft.pk}/send/", {"action": "send"}, follow=True)
    assert "needs the approval of a Moderator who did not write it" in response.content.decode()
    assert not Dispatch.objects.filter(alert=draft).exists()

    with pytest.raises(CommandError, match="approv"):
        call_command("send_alert", str(draft.pk))


def test_translate_this_page_makes_alert_translations_drafts_awaiting_approval(client):
    alert = publish_alert("Food bank open")
    editor = staff("translating-editor", "Editors")
    editor.user_permissions.add(Permission.objects.get(codename="submit_translation"))
    sign_in_verified(client, editor)
    spanish = Locale.objects.get(language_code="es")

    response = client.post(f"/admin/localize/submit/page/{alert.pk}/", {"locales": [spanish.pk]})

    translation = AlertPage.objects.get(translation_key=alert.translation_key, locale=spanish)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{translation.pk}/edit/", "not refused"
    assert not translation.live
    assert "es" not in live_translations(alert)
