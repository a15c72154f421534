"""Machine translations stay "needs review" until a person approves them; the
English-updated notice shows from the English publish until the translation is
written again from the new English."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from wagtail.models import Locale, Page
from wagtail_localize.models import TranslationLog, TranslationSource

from know_your_rights.guide_body import cited_statements
from know_your_rights.models import GuidePage, PolicyStatement, TranslationApproval
from know_your_rights.review import approve, english_updated_at, needs_review
from tests.support.auth import sign_in_verified


@pytest.fixture
def english_guide(seeded):
    return GuidePage.objects.get(locale=Locale.get_default(), slug="nypd-and-ice")


@pytest.fixture
def bengali_guide(english_guide):
    return english_guide.get_translation(Locale.objects.get(language_code="bn")).specific


def _user(django_user_model, group_name: str):
    user = django_user_model.objects.create_user(
        username=f"{group_name.lower()}-user", password="correct horse battery staple"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _approve_url(obj) -> str:
    model = Page if isinstance(obj, Page) else type(obj)
    content_type = ContentType.objects.get_for_model(model)
    return reverse("know_your_rights_approve_translation", args=[content_type.pk, obj.pk])


def _sync(english_page, code: str, capture):
    """What "Sync translated pages" does: re-extract the source, re-save the translation."""
    source = TranslationSource.objects.get(
        object_id=english_page.translation_key, locale=english_page.locale
    )
    source.update_from_db()
    with capture(execute=True):
        source.translations.get(target_locale__language_code=code).save_target(publish=True)


def test_translations_need_review_and_sources_do_not(english_guide, bengali_guide):
    assert needs_review(bengali_guide)
    assert not needs_review(english_guide)
    statement = PolicyStatement.objects.get(key="idnyc-accepted", locale__language_code="ar")
    assert needs_review(statement)
    with pytest.raises(ValueError):
        approve(english_guide, None)


def test_moderator_approves_a_translation_and_the_notice_goes(
    bengali_guide, client, django_user_model
):
    reader = client.get(bengali_guide.url).content.decode()
    assert "notice-review" in reader

    moderator = _user(django_user_model, "Moderators")
    admin = sign_in_verified(type(client)(), moderator)
    # Translations open in wagtail-localize's editor; the explorer lists the action.
    explorer = admin.get(reverse("wagtailadmin_explore", args=[bengali_guide.get_parent().pk]))
    assert _approve_url(bengali_guide) in explorer.content.decode()
    confirm = admin.get(_approve_url(bengali_guide))
    assert confirm.status_code == 200
    response = admin.post(_approve_url(bengali_guide))
    assert response.status_code == 302
    assert not needs_review(bengali_guide)
    approval = TranslationApproval.objects.get(object_id=str(bengali_guide.pk))
    assert approval.approved_by == moderator

    # The guide also shows translated policy statements: until they are
    # approved too, the page still says part of it needs review.
    cache.clear()
    assert "notice-review" in client.get(bengali_guide.url).content.decode()
    for statement in cited_statements(bengali_guide.body):
        assert admin.post(_approve_url(statement)).status_code == 302
    cache.clear()
    assert "notice-review" not in client.get(bengali_guide.url).content.decode()


def test_translator_cannot_approve(bengali_guide, client, django_user_model):
    translator = sign_in_verified(client, _user(django_user_model, "Translators"))
    response = translator.post(_approve_url(bengali_guide))
    # Wagtail's admin answers PermissionDenied with a redirect and a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert needs_review(bengali_guide)
    assert not TranslationApproval.objects.exists()


def test_editor_approves_a_translated_statement(seeded, client, django_user_model):
    statement = PolicyStatement.objects.get(key="detainers-narrow", locale__language_code="ur")
    editor = sign_in_verified(client, _user(django_user_model, "Editors"))
    listing = editor.get(
        reverse("wagtailsnippets_know_your_rights_policystatement:list") + "?locale=ur"
    )
    assert listing.status_code == 200
    assert "Needs review" in listing.content.decode()
    assert editor.post(_approve_url(statement)).status_code == 302
    assert not needs_review(statement)


def test_syncing_and_publishing_a_translation_never_approves_it(
    english_guide, bengali_guide, django_capture_on_commit_callbacks
):
    _sync(english_guide, "bn", django_capture_on_commit_callbacks)
    assert needs_review(bengali_guide)
    assert not TranslationApproval.objects.exists()

    approve(bengali_guide, None)
    assert not needs_review(bengali_guide)
    # A sync that writes the same text changes nothing a reader sees.
    _sync(english_guide, "bn", django_capture_on_commit_callbacks)
    assert not needs_review(bengali_guide)
    # A sync that writes new text into the translation: it needs review again.
    english_guide.seo_title = "NYPD and ICE"
    english_guide.save_revision().publish()
    _sync(english_guide, "bn", django_capture_on_commit_callbacks)
    assert needs_review(bengali_guide)


def test_english_update_shows_until_the_translation_is_synced(
    english_guide, bengali_guide, client, django_capture_on_commit_callbacks
):
    assert english_updated_at(bengali_guide) is None
    english_guide.summary = "The NYPD said it does not enforce civil immigration law."
    english_guide.save_revision().publish()
    english_guide.refresh_from_db()

    # Publishing refreshed the translation source at once: the notice dates
    # from that refresh, no "Sync translated pages" needed.
    source = TranslationSource.objects.get(
        object_id=english_guide.translation_key, locale=english_guide.locale
    )
    assert source.last_updated_at >= english_guide.last_published_at
    assert english_updated_at(bengali_guide) == source.last_updated_at

    # Move the English update (and the translation before it) to a day that is
    # not today, so the date the notice gives can only be the update's.
    updated = datetime.datetime(2026, 2, 14, 15, 0, tzinfo=datetime.UTC)
    TranslationLog.objects.filter(source=source).update(
        created_at=updated - datetime.timedelta(days=30)
    )
    TranslationSource.objects.filter(pk=source.pk).update(last_updated_at=updated)
    assert english_updated_at(bengali_guide) == updated
    cache.clear()
    html = client.get(bengali_guide.url).content.decode()
    assert "notice-behind" in html
    with translation.override("bn"):
        notice = gettext(
            "The English version was updated on %(date)s; this translation may be behind."
        ) % {"date": date_format(timezone.localtime(updated), "DATE_FORMAT")}
    assert notice in html, notice
    # The English page itself never says so.
    assert "notice-behind" not in client.get(english_guide.url).content.decode()

    _sync(english_guide, "bn", django_capture_on_commit_callbacks)
    assert english_updated_at(bengali_guide) is None
    cache.clear()
    assert "notice-behind" not in client.get(bengali_guide.url).content.decode()
