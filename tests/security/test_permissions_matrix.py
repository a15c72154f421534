"""Who may open which admin view: Editors, Moderators, Translators, a staff
user in no group, anonymous visitors and superusers, on real content.

The expected matrix is written out below, view by view. "allow" means the
view answers (200, or a redirect that is not a refusal); "deny" means a 403,
a 404, or Wagtail's redirect to the sign-in page or to the dashboard with a
"permission denied" message.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from advocacy.models import Dispatch
from tests.factories.users import ROLES, user_for
from tests.security.content import build_content
from tests.support.auth import sign_in_verified
from tests.support.images import png

pytestmark = pytest.mark.django_db

A, D = "allow", "deny"
#                      anonymous no_group Editors Moderators Translators superuser
EXPECTED = {
    # The English (source) guide: written by Editors, approved by Moderators.
    "guide edit": (D, D, A, A, D, A),
    "guide preview": (D, D, A, A, D, A),
    "guide history": (D, D, A, A, D, A),
    "guide revision": (D, D, A, A, D, A),
    "guide compare": (D, D, A, A, D, A),
    "guide copy": (D, D, A, A, D, A),
    # Choosers used inside the editor. Wagtail opens its choosers to anyone
    # with admin access; page, statement and hotline choosers list what is
    # published anyway. Image and document choosers list only what the user
    # may choose: Translators choose (a translated page may need another
    # image) but never upload; a staff user in no group sees nothing.
    "page chooser": (D, A, A, A, A, A),
    "statement chooser": (D, A, A, A, A, A),
    "hotline chooser": (D, A, A, A, A, A),
    "image chooser": (D, D, A, A, A, A),
    "document chooser": (D, D, A, A, A, A),
    "image upload": (D, D, A, A, D, A),
    "document upload": (D, D, A, A, D, A),
    # Translation (wagtail-localize): start one, then edit the Spanish copy.
    "translate guide": (D, D, A, A, A, A),
    "spanish guide edit": (D, D, A, A, A, A),
    # Snippets.
    "statement edit": (D, D, A, A, D, A),
    "statement es edit": (D, D, A, A, A, A),
    "hotline edit": (D, D, A, A, D, A),
    "hotline es edit": (D, D, A, A, A, A),
    # Alerts: audience counts, sending and progress are for Moderators.
    "alert send page": (D, D, D, A, D, A),
    "dispatch list": (D, D, D, A, D, A),
    "dispatch detail": (D, D, D, A, D, A),
    "dispatch progress": (D, D, D, A, D, A),
}


def urls(content) -> dict[str, str]:
    guide, es = content.guide, content.guide_es
    revisions = list(guide.revisions.order_by("pk").values_list("pk", flat=True))
    statement, hotline = content.statement, content.hotline
    return {
        "guide edit": f"/admin/pages/{guide.pk}/edit/",
        "guide preview": f"/admin/pages/{guide.pk}/edit/preview/",
        "guide history": f"/admin/pages/{guide.pk}/history/",
        "guide revision": f"/admin/pages/{guide.pk}/revisions/{revisions[0]}/view/",
        "guide compare": f"/admin/pages/{guide.pk}/revisions/compare/{revisions[0]}...{revisions[-1]}/",
        "guide copy": f"/admin/pages/{guide.pk}/copy/",
        "page chooser": "/admin/choose-page/",
        "statement chooser": "/admin/snippets/choose/know_your_rights/policystatement/",
        "hotline chooser": "/admin/snippets/choose/know_your_rights/hotline/",
        "image chooser": "/admin/images/chooser/",
        "document chooser": "/admin/documents/chooser/",
        "image upload": "/admin/images/add/",
        "document upload": "/admin/documents/add/",
        "translate guide": f"/admin/localize/submit/page/{guide.pk}/",
        "spanish guide edit": f"/admin/pages/{es.pk}/edit/",
        "statement edit": f"/admin/snippets/know_your_rights/policystatement/edit/{statement.pk}/",
        "statement es edit": f"/admin/snippets/know_your_rights/policystatement/edit/{content.statement_es.pk}/",
        "hotline edit": f"/admin/snippets/know_your_rights/hotline/edit/{hotline.pk}/",
        "hotline es edit": f"/admin/snippets/know_your_rights/hotline/edit/{content.hotline_es.pk}/",
        "alert send page": f"/admin/alerts/{content.alert.pk}/send/",
        "dispatch list": "/admin/dispatches/",
        "dispatch detail": f"/admin/dispatches/{content.dispatch.pk}/",
        "dispatch progress": f"/admin/dispatches/progress.json?ids={content.dispatch.pk}",
    }


# A chooser "allows" only when it lists the item (Wagtail's image and
# document choosers answer 200 with an empty list to users without rights).
LISTS = {"image chooser": "matrix-image", "document chooser": "matrix-document"}


def outcome(response, must_list: str | None = None) -> str:
    if must_list and response.status_code == 200 and must_list not in response.content.decode():
        return D
    if response.status_code in (403, 404):
        return D
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(("/admin/login/", "/admin/2fa/")) or location in ("/admin/", "/"):
            return D
        return A
    if response.status_code == 200:
        return A
    return f"status {response.status_code}"


@pytest.fixture
def content():
    from wagtail.models import Locale

    cache.clear()
    built = build_content()
    spanish = Locale.objects.get(language_code="es")
    built.statement_es = built.statement.copy_for_translation(spanish)
    built.statement_es.save()
    built.hotline_es = built.hotline.copy_for_translation(spanish)
    built.hotline_es.save()
    get_image_model().objects.create(
        title="matrix-image", file=ContentFile(png(1, 1), name="matrix.png")
    )
    get_document_model().objects.create(
        title="matrix-document", file=ContentFile(b"text", name="matrix.txt")
    )
    return built


@pytest.mark.parametrize("role", ROLES)
def test_admin_views_open_only_to_the_roles_that_need_them(
    role, content, client, django_user_model
):
    user = user_for(role)
    if user is not None:
        sign_in_verified(client, user)
    column = ROLES.index(role)
    seen, expected = {}, {}
    for name, url in urls(content).items():
        seen[name] = outcome(client.get(url), LISTS.get(name))
        expected[name] = EXPECTED[name][column]
    wrong = {
        name: f"expected {expected[name]}, got {seen[name]}"
        for name in seen
        if seen[name] != expected[name]
    }
    assert wrong == {}


SEND_AND_CONTROL = {
    "anonymous": False,
    "no_group": False,
    "Editors": False,
    "Moderators": True,
    "Translators": False,
    "superuser": True,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_send_and_control_dispatches(role, content, client, django_user_model):
    user = user_for(role)
    if user is not None:
        sign_in_verified(client, user)
    alert, dispatch = content.alert, content.dispatch

    client.post(f"/admin/alerts/{alert.pk}/send/", {"action": "update", "confirm_update": "yes"})
    client.post(f"/admin/dispatches/{dispatch.pk}/cancel/")

    allowed = SEND_AND_CONTROL[role]
    assert Dispatch.objects.filter(alert=alert).count() == (2 if allowed else 1)
    dispatch.refresh_from_db()
    assert (dispatch.status == Dispatch.Status.CANCELLED) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_the_api_shows_every_role_only_what_is_published(role, content, client, django_user_model):
    """The API ignores admin sessions: drafts and subscriber data stay out of it."""
    user = user_for(role)
    if user is not None:
        sign_in_verified(client, user)
    guide = content.guide
    guide.summary = "DRAFT-ONLY summary"
    guide.save_revision()  # saved, not published
    unpublished = guide.get_parent().add_child(
        instance=type(guide)(
            title="DRAFT-ONLY guide",
            slug="draft-guide",
            situation="s",
            summary="s",
            body=[],
            live=False,
        )
    )

    listing = client.get("/api/v1/guides/?lang=en")
    detail = client.get(f"/api/v1/guides/{guide.pk}/")
    hidden = client.get(f"/api/v1/guides/{unpublished.pk}/")
    me = client.get("/api/v1/subscriptions/me/")

    assert listing.status_code == detail.status_code == 200
    assert "DRAFT-ONLY" not in listing.content.decode() + detail.content.decode()
    assert hidden.status_code == 404
    assert me.status_code in (401, 403)
    assert "@" not in me.content.decode()
