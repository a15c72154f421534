"""Editors delete or move only their own drafts: never a live page (a
translated guide included, though Editors publish translations), never
another person's page. Moderators keep Wagtail's own rules."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from wagtail.models import Page, PageLogEntry

from know_your_rights.models import GuidePage
from tests.factories.users import user_for
from tests.security.content import build_content
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

REFUSED = "Editors delete or move only their own drafts"


@pytest.fixture
def content():
    cache.clear()
    return build_content()


@pytest.fixture
def editor(client, content, django_user_model):
    user = user_for("Editors")
    sign_in_verified(client, user)
    return user


def draft_guide(parent, owner, slug: str) -> GuidePage:
    guide = GuidePage(title=f"Draft {slug}", slug=slug, situation="s", summary="s", live=False)
    guide.owner = owner
    parent.add_child(instance=guide)
    return guide


def test_an_editor_cannot_delete_a_live_translated_guide_a_moderator_can(
    client, editor, content, django_user_model
):
    spanish = content.guide_es
    response = client.post(f"/admin/pages/{spanish.pk}/delete/", follow=True)
    assert REFUSED in response.content.decode()
    assert Page.objects.filter(pk=spanish.pk).exists()

    sign_in_verified(client, user_for("Moderators"))
    client.post(f"/admin/pages/{spanish.pk}/delete/")
    assert not Page.objects.filter(pk=spanish.pk).exists()


def test_an_editor_cannot_move_a_live_translated_guide(client, editor, content):
    spanish = content.guide_es
    parent = spanish.get_parent()
    response = client.post(f"/admin/pages/{spanish.pk}/move/{parent.pk}/confirm/", follow=True)
    assert REFUSED in response.content.decode()
    assert not PageLogEntry.objects.filter(
        page=spanish, action__in=("wagtail.move", "wagtail.reorder")
    ).exists()


def test_the_row_menu_offers_no_delete_or_move_of_a_live_page(client, editor, content):
    spanish = content.guide_es
    listing = client.get(f"/admin/pages/{spanish.get_parent().pk}/").content.decode()
    assert f"/admin/pages/{spanish.pk}/edit/" in listing
    assert f"/admin/pages/{spanish.pk}/delete/" not in listing
    assert f"/admin/pages/{spanish.pk}/move/" not in listing


def test_an_editor_deletes_their_own_draft_but_not_a_colleagues(
    client, editor, content, django_user_model
):
    colleague = django_user_model.objects.create_user("colleague", "c@example.org", "x" * 16)
    theirs = draft_guide(content.guide.get_parent(), colleague, "their-draft")
    mine = draft_guide(content.guide.get_parent(), editor, "my-draft")

    response = client.post(f"/admin/pages/{theirs.pk}/delete/", follow=True)
    assert REFUSED in response.content.decode()
    assert Page.objects.filter(pk=theirs.pk).exists()

    client.post(f"/admin/pages/{mine.pk}/delete/")
    assert not Page.objects.filter(pk=mine.pk).exists()
