"""An attacker's review of the alert approval rule (issues 10 and 11): what
one person in one role can do alone to get unapproved or self-approved alert
text to the public or to subscribers. Each test is an attack as a person in
that role would try it; the rule itself is tested in
test_alert_approval_rule.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from advocacy import approval
from advocacy.dispatching import ledger
from advocacy.models import AlertApproval, AlertPage
from advocacy.rendering import render_alert
from tests.factories.advocacy import alert_approval_workflow, approve_as, publish_alert
from tests.factories.site import build_site_tree
from tests.factories.users import moderator, staff
from tests.support.alerts import visible_anywhere
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def draft_alert(owner: User, title: str, urgency: str = "standard") -> AlertPage:
    index = build_site_tree().alert_index
    alert_approval_workflow()
    alert = AlertPage(title=title, summary="Reported.", urgency=urgency, every_area=True)
    alert.owner = owner
    index.add_child(instance=alert)
    alert.save_revision(user=owner)
    return AlertPage.objects.get(pk=alert.pk)


def test_a_moderator_cannot_approve_their_own_words_once_someone_else_saved_after_them():
    """A Moderator rewrites an Editor's draft; the Editor then submits it (a
    new revision of their own, with the Moderator's words in it). The
    Moderator is an author of what is under review and may not approve it."""
    editor = staff("editor", "Editors")
    mod = moderator("moderator-writer")
    alert = draft_alert(editor, "Road closed")

    alert.summary = "Moderator's rumour: raids at every school today."
    alert.save_revision(user=mod)
    alert = AlertPage.objects.get(pk=alert.pk)
    alert = alert.get_latest_revision_as_object()
    alert.save_revision(user=editor)  # the Editor's "Submit for approval"
    alert.get_workflow().start(AlertPage.objects.get(pk=alert.pk), editor)

    with pytest.raises(PermissionDenied, match="author"):
        approve_as(alert, mod)
    alert = AlertPage.objects.get(pk=alert.pk)
    assert not alert.live
    # An approval row written for them anyway (a shell) does not count.
    revision = alert.get_latest_revision()
    AlertApproval.objects.create(revision=revision, approver=mod)
    with pytest.raises(approval.AlertNotApproved):
        revision.publish()
    assert not AlertPage.objects.get(pk=alert.pk).live


def test_earlier_approved_versions_authors_may_approve_a_later_edit_by_someone_else():
    """Who wrote an already approved version does not count as an author of a
    later edit by someone else (otherwise a few Moderators soon could not
    approve anything)."""
    editor = staff("editor", "Editors")
    first_mod = moderator("moderator-1")
    alert = publish_alert("Clinic hours")
    alert = AlertPage.objects.get(pk=alert.pk)
    alert.summary = "Clinic open until 8 pm."
    alert.save_revision(user=editor)
    alert.get_workflow().start(AlertPage.objects.get(pk=alert.pk), editor)
    alert = approve_as(alert, first_mod)
    assert alert.live and alert.summary == "Clinic open until 8 pm."


def test_a_moderator_who_submits_an_editors_alert_cannot_approve_it():
    editor = staff("editor", "Editors")
    mod = moderator("moderator-submitter")
    alert = draft_alert(editor, "Bridge closed")
    alert.get_workflow().start(alert, mod)
    with pytest.raises(PermissionDenied, match="submitted"):
        approve_as(alert, mod)
    assert not AlertPage.objects.get(pk=alert.pk).live


def test_an_editor_cannot_approve_through_the_workflow_action_url(client):
    author = staff("author", "Editors")
    alert = draft_alert(author, "Station closed", urgency="urgent")
    alert.get_workflow().start(alert, author)
    state = AlertPage.objects.get(pk=alert.pk).current_workflow_task_state
    outsider = staff("other-editor", "Editors")
    sign_in_verified(client, outsider)

    url = reverse("wagtailadmin_pages:workflow_action", args=(alert.pk, "approve", state.pk))
    response = client.post(url, {"comment": ""})

    assert response.status_code in (302, 403)
    assert not AlertApproval.objects.exists()
    assert not AlertPage.objects.get(pk=alert.pk).live


def test_a_copy_of_a_live_alert_with_publish_copies_is_a_draft(client):
    """A Moderator copies an approved live alert ("Publish copies" ticked)
    and retitles it: the copy is a draft, with no approvals, seen nowhere."""
    alert = publish_alert("Food bank open")
    alert = AlertPage.objects.get(pk=alert.pk)
    copy = alert.copy(
        update_attrs={"title": "Food bank raided", "slug": "food-bank-raided"},
        keep_live=True,
        user=moderator("moderator-copier"),
    )
    copy = AlertPage.objects.get(pk=copy.pk)
    assert not copy.live and copy.approved_revision_id is None
    assert visible_anywhere(client, "Food bank raided") == []
    with pytest.raises(ledger.NotSendable):
        ledger.create_dispatch(copy)


def test_scheduled_publishing_of_an_unapproved_edit_never_goes_live(client):
    """A Moderator (who holds publish permission) schedules an unapproved edit
    of a live alert; when its time comes, the live alert stays as approved."""
    mod = moderator("moderator-scheduler")
    alert = publish_alert("Shelter open")
    alert = AlertPage.objects.get(pk=alert.pk)
    alert.title = "Shelter closed by police"
    revision = alert.save_revision(user=mod)
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )

    try:
        call_command("publish_scheduled")
    except approval.AlertNotApproved:
        pass  # refused: the alert keeps its approved version

    alert = AlertPage.objects.get(pk=alert.pk)
    assert alert.title == "Shelter open"
    assert alert.is_approved_live
    assert visible_anywhere(client, "Shelter closed by police") == []


def spanish_draft_of(alert: AlertPage, title: str) -> AlertPage:
    """A Spanish translation saved by a translator and never approved."""
    spanish = Locale.objects.get(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(alert)
    translation = Translation.objects.create(source=source, target_locale=spanish)
    translation.save_target(publish=False)
    page = AlertPage.objects.get(translation_key=alert.translation_key, locale=spanish)
    AlertPage.objects.filter(pk=page.pk).update(title=title)
    return AlertPage.objects.get(pk=page.pk)


def test_a_correction_never_quotes_an_unapproved_translation_of_the_earlier_alert(client):
    """A translator writes a Spanish title for the earlier alert and never has
    it approved. An approved correction sent to Spanish readers must not carry
    that title (in the message or on its page)."""
    earlier = publish_alert("Checkpoint on 5th Avenue")
    correction = publish_alert(
        "Correction: no checkpoint",
        follow_up_kind="correction",
        follow_up_of=AlertPage.objects.get(pk=earlier.pk),
        translations=("es",),
    )
    spanish_draft_of(AlertPage.objects.get(pk=earlier.pk), "Redadas en todas las escuelas")

    message = render_alert(AlertPage.objects.get(pk=correction.pk), "es")
    assert "Redadas" not in message.text
    assert "Redadas" not in message.html
    assert "Checkpoint on 5th Avenue" in message.text

    spanish_correction = AlertPage.objects.get(
        translation_key=correction.translation_key, locale__language_code="es"
    )
    page = client.get(spanish_correction.url).content.decode()
    assert "Redadas" not in page


def test_a_correction_of_an_alert_that_was_never_approved_does_not_quote_it():
    index = build_site_tree().alert_index
    rumour = AlertPage(title="Raids at every school", summary="Unapproved.", every_area=True)
    index.add_child(instance=rumour)
    correction = publish_alert(
        "All clear", follow_up_kind="all_clear", follow_up_of=AlertPage.objects.get(pk=rumour.pk)
    )
    message = render_alert(AlertPage.objects.get(pk=correction.pk), "en")
    assert "Raids at every school" not in message.text
    assert "Raids at every school" not in message.html
    ledger.create_dispatch(AlertPage.objects.get(pk=correction.pk))


def test_a_moderator_cannot_approve_a_translation_of_segments_they_translated():
    """A Moderator writes the Spanish text in the translation editor (segment
    by segment) and leaves the publishing to someone else, whose "Publish in
    Español" saves the revision. The Moderator is still its author."""
    alert = publish_alert("Vaccination day")
    editor = staff("editor", "Editors")
    mod = moderator("moderator-translator")
    spanish = Locale.objects.get(language_code="es")
    source, _ = TranslationSource.get_or_create_from_instance(alert)
    translation = Translation.objects.create(source=source, target_locale=spanish)
    for segment in source.stringsegment_set.all():
        StringTranslation.objects.create(
            translation_of=segment.string,
            locale=spanish,
            context=segment.context,
            data=f"[mod] {segment.string.data}",
            translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            last_translated_by=mod,
        )
    translation.save_target(user=editor, publish=False)
    page = AlertPage.objects.get(translation_key=alert.translation_key, locale=spanish)
    assert page.title.startswith("[mod]")
    page.get_workflow().start(page, editor)

    with pytest.raises(PermissionDenied, match="author"):
        approve_as(page, mod)
    assert not AlertPage.objects.get(pk=page.pk).live


def test_scheduling_an_unapproved_alert_is_refused_when_it_is_scheduled():
    """A Moderator (publish permission) schedules an unapproved new alert for
    later: refused at once, so nothing waits to be refused when due (which
    stopped Wagtail's publish_scheduled for every page after it)."""
    mod = moderator("moderator-scheduler")
    alert = draft_alert(mod, "Raid tonight at 9", urgency="urgent")
    alert.go_live_at = timezone.now() + timedelta(hours=1)
    revision = alert.save_revision(user=mod)

    with pytest.raises(approval.AlertNotApproved, match="two approvals"):
        revision.publish(user=mod)

    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    assert not AlertPage.objects.get(pk=alert.pk).live
