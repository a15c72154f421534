"""The alert's admin send page and the dispatch progress pages (Moderators only)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail

from advocacy.models import Dispatch
from tests.factories.advocacy import make_subscribers, publish_alert
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def staff(name, group):
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 12)
    group, _ = Group.objects.get_or_create(name=group)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    user.groups.add(group)
    return user


@pytest.fixture
def moderator(client):
    user = staff("moderator", "Moderators")
    sign_in_verified(client, user)
    return user


@pytest.fixture
def alert():
    make_subscribers(4, "en-reader", languages=("en",))
    make_subscribers(3, "es-reader", languages=("es",))
    make_subscribers(2, "ko-reader", languages=("ko",))
    return publish_alert("Shelter open", translations=["es"])


def test_send_page_shows_the_audience_by_language_and_missing_translations(
    client, moderator, alert
):
    response = client.get(f"/admin/alerts/{alert.pk}/send/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "9 active subscribers" in page
    assert "no live translation" in page  # Korean readers will get English
    rows = dict(
        (code, (n, translated)) for code, _name, n, translated in response.context["by_language"]
    )
    assert rows == {"en": (4, True), "es": (3, True), "ko": (2, False)}
    assert [code for code, _ in response.context["missing"]] == ["ko"]


def test_send_creates_one_dispatch_and_update_needs_confirmation(client, moderator, alert):
    url = f"/admin/alerts/{alert.pk}/send/"
    assert client.post(url, {"action": "send"}).status_code == 302
    client.post(url, {"action": "send"})
    assert Dispatch.objects.filter(alert=alert).count() == 1

    client.post(url, {"action": "update"})
    assert Dispatch.objects.filter(alert=alert).count() == 1, "not confirmed: nothing sent"
    client.post(url, {"action": "update", "confirm_update": "yes"})
    assert Dispatch.objects.filter(alert=alert).count() == 2

    dispatch = Dispatch.objects.filter(alert=alert).first()
    listing = client.get("/admin/dispatches/")
    assert listing.status_code == 200 and b"dispatch-progress.js" in listing.content
    data = client.get(f"/admin/dispatches/progress.json?ids={dispatch.pk}").json()
    assert data["dispatches"][0]["id"] == dispatch.pk
    assert client.get(f"/admin/dispatches/{dispatch.pk}/").status_code == 200
    client.post(f"/admin/dispatches/{dispatch.pk}/cancel/")
    dispatch.refresh_from_db()
    assert dispatch.status == "cancelled"


def test_send_me_a_test_goes_to_the_moderator_only(client, moderator, alert, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    client.post(f"/admin/alerts/{alert.pk}/send/", {"action": "test", "language": "es"})
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "[es] Shelter open" in mail.outbox[0].subject
    assert not Dispatch.objects.filter(alert=alert).exists()


def test_editors_cannot_send_or_see_dispatches(client, alert):
    sign_in_verified(client, staff("editor", "Editors"))
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard.
    for response in (
        client.get(f"/admin/alerts/{alert.pk}/send/"),
        client.post(f"/admin/alerts/{alert.pk}/send/", {"action": "send"}),
        client.get("/admin/dispatches/"),
        client.get("/admin/dispatches/progress.json?ids=1"),
    ):
        assert response.status_code in (302, 403)
        assert response.get("Location", "/admin/") == "/admin/"
    assert not Dispatch.objects.exists()
