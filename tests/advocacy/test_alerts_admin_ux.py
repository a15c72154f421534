"""The alerts admin as a volunteer meets it: where alerts are, how an alert's
audience is chosen, one expiry, approval emails and the "1 of 2" state.

Through Django's test client with a verified second factor; the real-browser
walk-through is in tests/browser/.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from wagtail.models import Locale
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from advocacy.audience import matching_subscribers
from advocacy.models import AlertIndexPage, AlertPage
from know_your_rights.models import Hotline
from tests.factories.advocacy import (
    alert_approval_workflow,
    ensure_areas,
    make_subscribers,
    publish_alert,
)
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def member(name: str, group: str) -> User:
    """A person in one of the roles the migrations create (with their permissions)."""
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 16)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def alert_index(site_tree) -> AlertIndexPage:
    ensure_areas()
    return site_tree.alert_index


@pytest.fixture
def editor(client, alert_index) -> User:
    user = member("edna", "Editors")
    sign_in_verified(client, user)
    return user


def alert_form(**fields) -> dict:
    """The add/edit form of an alert as the admin posts it."""
    data = {
        "title": "Checkpoint on 5th Avenue",
        "slug": "checkpoint-5th-avenue",
        "urgency": "standard",
        "summary": "People report a checkpoint near the subway station.",
        "body": rich_text("<p>You may stay silent.</p>"),
        "expires_at": "",
        "follow_up_kind": "",
        "comments": inline_formset([]),
    }
    data.update(fields)
    # Lists (ticked checkboxes) are posted as repeated names, not nested forms.
    lists = {k: data.pop(k) for k in list(data) if isinstance(data[k], list)}
    return {**nested_form_data({k: v for k, v in data.items() if v is not None}), **lists}


def add_url(index) -> str:
    return f"/admin/pages/add/advocacy/alertpage/{index.pk}/"


# --- Who it concerns -----------------------------------------------------------


def test_areas_and_topics_are_checkboxes(client, editor, alert_index):
    page = client.get(add_url(alert_index)).content.decode()
    assert 'type="checkbox" name="areas"' in page
    assert 'type="checkbox" name="topics"' in page
    assert 'type="checkbox" name="every_area"' in page
    assert '<select name="areas"' not in page
    assert '<select name="topics"' not in page


def test_an_alert_with_no_area_needs_an_explicit_every_area(client, editor, alert_index):
    response = client.post(add_url(alert_index), alert_form(every_area=None))
    assert response.status_code == 200
    assert "Choose who this alert concerns" in response.content.decode()
    assert not AlertPage.objects.filter(slug="checkpoint-5th-avenue").exists()

    response = client.post(add_url(alert_index), alert_form(every_area="on"))
    assert response.status_code == 302
    alert = AlertPage.objects.get(slug="checkpoint-5th-avenue")
    assert alert.every_area and not alert.areas.exists()

    # Some areas ticked: no "every area" needed.
    areas = ensure_areas()
    response = client.post(
        add_url(alert_index),
        alert_form(slug="sunset-park-only", areas=[areas["sunset-park"].pk]),
    )
    assert response.status_code == 302
    alert = AlertPage.objects.get(slug="sunset-park-only")
    assert list(alert.areas.all()) == [areas["sunset-park"]] and not alert.every_area


def test_every_area_means_everyone_and_no_choice_means_nobody(alert_index):

    make_subscribers(3, "reader", languages=("en",))
    everyone = publish_alert("Citywide", every_area=True)
    unchosen = publish_alert("Nowhere", every_area=False)
    assert matching_subscribers(AlertPage.objects.get(pk=everyone.pk)).count() == 3
    assert matching_subscribers(AlertPage.objects.get(pk=unchosen.pk)).count() == 0


# --- One expiry ------------------------------------------------------------------


def test_the_alert_form_has_one_expiry(client, editor, alert_index):
    page = client.get(add_url(alert_index)).content.decode()
    assert 'name="expires_at"' in page
    assert 'name="expire_at"' not in page, "Wagtail's own expiry is hidden for alerts"
    assert 'name="go_live_at"' in page


# --- The Alerts menu ---------------------------------------------------------------


def menu_links(client) -> str:
    return client.get("/admin/").content.decode()


def test_editors_find_alerts_in_the_menu_but_not_dispatches(client, editor):
    page = menu_links(client)
    assert "/admin/alerts/" in page
    assert "/admin/dispatches/" not in page
    listing = client.get("/admin/alerts/")
    assert listing.status_code == 200
    assert "Write an alert" in listing.content.decode()

    # Translators work in the translation trees: no alert list for them.
    sign_in_verified(client, member("tran", "Translators"))
    assert "/admin/alerts/" not in menu_links(client)
    assert client.get("/admin/alerts/").status_code in (302, 403)


def test_moderators_find_alerts_and_dispatches_in_the_menu(client, alert_index):
    sign_in_verified(client, member("mo", "Moderators"))
    page = menu_links(client)
    assert "/admin/alerts/" in page
    assert "/admin/dispatches/" in page
    assert client.get("/admin/alerts/").status_code == 200


def test_the_alert_list_shows_alerts_and_their_state(client, editor, alert_index):

    publish_alert("Shelter open on 4th Avenue", translations=["es"])
    page = client.get("/admin/alerts/").content.decode()
    row = re.search(r"<tr>\s*<td><a [^>]*>Shelter open on 4th Avenue</a></td>.*?</tr>", page, re.S)
    assert row, "the alert is listed"
    assert "<td>Live</td>" in row.group(0)
    assert "<td>es</td>" in row.group(0), "its live translations"


# --- Moderators hear about alerts waiting for them --------------------------------


@pytest.fixture
def outbox(settings):

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def moderators(alert_index):

    alert_approval_workflow()
    return [member("mona", "Moderators"), member("moritz", "Moderators")]


def submit_through_the_admin(client, index, **fields) -> AlertPage:
    response = client.post(
        add_url(index), alert_form(every_area="on", **fields, **{"action-submit": "1"})
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    alert = AlertPage.objects.get(slug="checkpoint-5th-avenue")
    assert alert.workflow_in_progress
    return alert


def test_moderators_are_emailed_when_an_alert_is_submitted(
    client, editor, moderators, alert_index, outbox, settings
):
    alert = submit_through_the_admin(client, alert_index)
    to_moderators = [m for m in outbox if m.to in (["mona@example.org"], ["moritz@example.org"])]
    assert len(to_moderators) == 2
    message = to_moderators[0]
    assert "Checkpoint on 5th Avenue" in message.subject
    assert f"{settings.SITE_URL}/admin/pages/{alert.pk}/edit/" in message.body
    assert "http://testserver" not in message.body
    assert not [m for m in outbox if m.to == ["edna@example.org"]], "not the author"


def first_approval(alert: AlertPage, approver: User) -> None:
    state = AlertPage.objects.get(pk=alert.pk).current_workflow_task_state.specific
    state.task.specific.on_action(state, approver, "approve")


def test_after_one_of_two_approvals_everyone_sees_and_the_others_are_emailed(
    client, editor, moderators, alert_index, outbox, settings, django_capture_on_commit_callbacks
):
    mona, moritz = moderators
    alert = submit_through_the_admin(client, alert_index, urgency="urgent")
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first_approval(alert, mona)
    assert not AlertPage.objects.get(pk=alert.pk).live

    # The editor, in the page editor.
    page = client.get(f"/admin/pages/{alert.pk}/edit/").content.decode()
    assert "1 of 2 approvals — waiting for a second Moderator" in page
    # ... and in the workflow history.
    state = AlertPage.objects.get(pk=alert.pk).current_workflow_state
    history = client.get(f"/admin/pages/{alert.pk}/workflow_history/detail/{state.pk}/")
    assert "1 of 2 approvals — waiting for a second Moderator" in history.content.decode()

    # The other Moderator: by email, with a link on SITE_URL, and on the dashboard.
    assert [m.to for m in outbox] == [["moritz@example.org"]]
    assert "second approval" in outbox[0].subject
    assert f"{settings.SITE_URL}/admin/pages/{alert.pk}/edit/" in outbox[0].body
    sign_in_verified(client, moritz)
    dashboard = client.get("/admin/").content.decode()
    assert "Alerts waiting for approval" in dashboard
    assert "1 of 2 approvals — waiting for a second Moderator" in dashboard
    listing = client.get("/admin/alerts/").content.decode()
    assert "1 of 2 approvals — waiting for a second Moderator" in listing


# --- The users list ------------------------------------------------------------------


def test_the_users_list_shows_each_persons_group(client, admin_user, alert_index):
    member("edna", "Editors")
    member("mona", "Moderators")
    member("tran", "Translators")
    sign_in_verified(client, admin_user)
    page = client.get("/admin/users/").content.decode()
    assert re.search(r"<th[^>]*>\s*Groups\s*</th>", page)
    for group in ("Editors", "Moderators", "Translators"):
        assert re.search(rf"<td[^>]*>\s*{group}\s*</td>", page), group


# --- "Translate this page" opens the translation --------------------------------------


def test_translating_into_two_languages_opens_the_first_translation(client, editor, alert_index):

    alert = publish_alert("Shelter open")
    spanish = Locale.objects.get(language_code="es")
    chinese = Locale.objects.get(language_code="zh-hans")
    response = client.post(
        f"/admin/localize/submit/page/{alert.pk}/", {"locales": [spanish.pk, chinese.pk]}
    )
    translation = alert.get_translation(spanish)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{translation.pk}/edit/"
    assert alert.get_translation(chinese) is not None
    editor_page = client.get(response["Location"]).content.decode()
    assert "This is the Español translation" in editor_page


def test_translating_a_snippet_into_two_languages_opens_the_first_translation(
    client, editor, alert_index
):

    hotline = Hotline.objects.create(name="Help line", phone="212-555-0101")
    spanish = Locale.objects.get(language_code="es")
    chinese = Locale.objects.get(language_code="zh-hans")
    response = client.post(
        f"/admin/localize/submit/snippet/know_your_rights/hotline/{hotline.pk}/",
        {"locales": [spanish.pk, chinese.pk]},
    )
    translation = hotline.get_translation(spanish)
    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/snippets/know_your_rights/hotline/edit/{translation.pk}/"
    )
