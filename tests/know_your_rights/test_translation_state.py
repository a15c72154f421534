"""Translation state is true without a manual step (issue 10, point 4) and an
approval covers the content as approved (issue 11, finding 4).

Publishing a changed English guide is the only step here: no "Sync translated
pages". A hand edit of an approved translation (any path) needs review again.
"""

from __future__ import annotations

import html

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import override
from wagtail.models import Locale, Page, Revision, Site
from wagtail_localize.models import StringSegment, Translation, TranslationSource

from advocacy.models import AlertPage
from know_your_rights.guide_body import cited_statements
from know_your_rights.models import GuidePage, PolicyStatement, TranslationApproval
from know_your_rights.review import approve, needs_review
from tests.factories.advocacy import approve as approve_alert
from tests.factories.advocacy import publish_alert
from tests.support.auth import sign_in_verified

NEW_SUMMARY = "The NYPD says again that it does not help ICE enforce civil immigration law."


@pytest.fixture
def english_guide(seeded):
    return GuidePage.objects.get(locale=Locale.get_default(), slug="nypd-and-ice")


@pytest.fixture
def spanish_guide(english_guide):
    return english_guide.get_translation(Locale.objects.get(language_code="es")).specific


def _person(django_user_model, group_name: str):
    user = django_user_model.objects.create_user(
        username=f"{group_name.lower()}-person", password="correct horse battery staple"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


def _translation(english_page, code: str) -> Translation:
    return Translation.objects.get(
        source__object_id=english_page.translation_key, target_locale__language_code=code
    )


def _status(translation: Translation) -> str:
    """The state wagtail-localize's Translations report shows (in English)."""
    with override("en"):
        return str(translation.get_status_display())


def _publish_new_summary(english_guide) -> None:
    english_guide.summary = NEW_SUMMARY
    english_guide.save_revision().publish()


def _waiting_in_report(admin) -> str:
    response = admin.get(
        reverse("wagtail_localize:translations_report"),
        {"target_locale": "es", "waiting_for_translation": "true"},
    )
    assert response.status_code == 200
    return response.content.decode()


def _editor_sources(client, page) -> str:
    """The translation editor as the translator sees it, props unescaped."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "js-translation-editor" in response.content.decode()  # wagtail-localize's editor
    return html.unescape(response.content.decode())


def _api_guide(client, page) -> dict:
    response = client.get(f"/api/v1/guides/{page.pk}/")
    assert response.status_code == 200
    return response.json()


def test_publishing_a_changed_english_guide_updates_every_view_of_its_translations(
    english_guide,
    spanish_guide,
    client,
    django_user_model,
    admin_user,
    django_capture_on_commit_callbacks,
):
    translation = _translation(english_guide, "es")
    assert _status(translation) == "Up to date"
    translator = sign_in_verified(type(client)(), _person(django_user_model, "Translators"))
    admin = sign_in_verified(type(client)(), admin_user)
    assert english_guide.title not in _waiting_in_report(admin)
    assert NEW_SUMMARY not in _editor_sources(translator, spanish_guide)
    assert "notice-behind" not in client.get(spanish_guide.url).content.decode()
    assert _api_guide(client, spanish_guide)["source_changed_at"] is None

    _publish_new_summary(english_guide)  # the only step: no "Sync translated pages"

    # wagtail-localize's Translations report and its status.
    assert _status(translation) == "Waiting for translations"
    assert english_guide.title in _waiting_in_report(admin)
    # The translator's editor offers the new English as a segment to translate.
    source = TranslationSource.objects.get(object_id=english_guide.translation_key)
    assert StringSegment.objects.filter(source=source, string__data=NEW_SUMMARY).exists()
    editor = _editor_sources(translator, spanish_guide)
    assert NEW_SUMMARY in editor
    assert "The English version changed on" in editor
    # The page list (explorer) of the Spanish guides says so beside the title.
    explorer = admin.get(reverse("wagtailadmin_explore", args=[spanish_guide.get_parent().pk]))
    assert 'data-translation-state="english-changed"' in explorer.content.decode()
    # The public Spanish page and the API.
    assert "notice-behind" in client.get(spanish_guide.url).content.decode()
    guide = _api_guide(client, spanish_guide)
    assert guide["source_changed_at"] is not None
    listed = client.get("/api/v1/guides/", {"lang": "es"}).json()["results"]
    assert {item["id"]: item["source_changed_at"] for item in listed}[spanish_guide.pk]
    # Nothing was published or written in Spanish by that publish.
    spanish_guide.refresh_from_db()
    assert NEW_SUMMARY not in spanish_guide.summary
    assert not spanish_guide.has_unpublished_changes

    # The translator's next publish from the editor brings it up to date
    # (wagtail-localize publishes a translated page on commit).
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(user=None, publish=True)
    assert "notice-behind" not in client.get(spanish_guide.url).content.decode()
    assert _api_guide(client, spanish_guide)["source_changed_at"] is None


def test_republishing_the_same_english_marks_no_translation_behind(
    english_guide, spanish_guide, client
):
    english_guide.save_revision().publish()
    assert _status(_translation(english_guide, "es")) == "Up to date"
    assert "notice-behind" not in client.get(spanish_guide.url).content.decode()
    assert _api_guide(client, spanish_guide)["source_changed_at"] is None


def test_a_changed_english_statement_reaches_the_translators_at_once(seeded):
    english = PolicyStatement.objects.get(key="idnyc-accepted", locale=Locale.get_default())
    english.summary = "IDNYC is accepted as ID by the NYPD, including for a summons."
    english.save()
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale__language_code="es"
    )
    assert _status(translation) == "Waiting for translations"
    spanish = english.get_translation(Locale.objects.get(language_code="es"))
    assert spanish.summary != english.summary  # the translation itself is untouched


def test_a_hand_edit_of_an_approved_spanish_statement_needs_review_again(
    spanish_guide, client, admin_user
):
    statement = cited_statements(spanish_guide.body)[0]
    approve(spanish_guide, admin_user)
    for cited in cited_statements(spanish_guide.body):
        approve(cited, admin_user)
    assert "notice-review" not in client.get(spanish_guide.url).content.decode()
    assert not any(s["needs_review"] for s in _cited_in_api(client, spanish_guide).values())

    statement.save()  # a save that changes nothing keeps the approval
    assert not needs_review(statement)

    # A translator stopped syncing and rewrote the summary by hand.
    statement.summary = "Texto cambiado a mano, sin revisión."
    statement.save()

    assert needs_review(statement)
    assert "notice-review" in client.get(spanish_guide.url).content.decode()
    assert {s["key"]: s["needs_review"] for s in _api_statements(client)}[statement.key]
    cited = _cited_in_api(client, spanish_guide)
    assert cited[statement.pk]["needs_review"] is True

    approve(statement, admin_user)  # a person checks the new text
    assert not needs_review(statement)
    assert "notice-review" not in client.get(spanish_guide.url).content.decode()
    assert _cited_in_api(client, spanish_guide)[statement.pk]["needs_review"] is False


def test_a_hand_edit_through_the_admin_edit_view_needs_review_again(seeded, client, admin_user):
    statement = PolicyStatement.objects.get(key="idnyc-accepted", locale__language_code="es")
    approve(statement, admin_user)
    # "Stop syncing": the snippet then opens in Wagtail's own edit form.
    Translation.objects.filter(
        source__object_id=statement.translation_key, target_locale=statement.locale
    ).update(enabled=False)
    admin = sign_in_verified(client, admin_user)
    edit_url = reverse("wagtailsnippets_know_your_rights_policystatement:edit", args=[statement.pk])
    form = statement.snippet_viewset.get_form_class()(instance=statement, for_user=admin_user)
    data = {
        name: ("" if value is None else value)
        for name, value in ((name, form[name].value()) for name in form.fields)
    }
    data["named_contact_phone"] = "212-555-0199"  # a number nobody checked
    response = admin.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    statement.refresh_from_db()
    assert statement.named_contact_phone == "212-555-0199"
    assert needs_review(statement)
    listing = admin.get(
        reverse("wagtailsnippets_know_your_rights_policystatement:list") + "?locale=es"
    )
    assert "Needs review" in listing.content.decode()


def test_a_draft_of_an_approved_page_changes_nothing_readers_see(spanish_guide, admin_user):
    approve(spanish_guide, admin_user)
    spanish_guide.summary = "Un borrador sin publicar."
    spanish_guide.save_revision()
    assert not needs_review(spanish_guide)  # the live page is what was approved
    spanish_guide.save_revision().publish()
    assert needs_review(Page.objects.get(pk=spanish_guide.pk))


def test_the_editor_says_needs_review_and_offers_approval(spanish_guide, client, django_user_model):
    translator = sign_in_verified(type(client)(), _person(django_user_model, "Translators"))
    editor = _editor_sources(translator, spanish_guide)
    assert "Needs review: no person has approved this translation yet." in editor
    assert "know-your-rights/approve/" not in editor  # translators cannot approve

    moderator = sign_in_verified(type(client)(), _person(django_user_model, "Moderators"))
    editor = _editor_sources(moderator, spanish_guide)
    approve_url = reverse(
        "know_your_rights_approve_translation",
        args=[ContentType.objects.get_for_model(Page).pk, spanish_guide.pk],
    )
    assert approve_url in editor
    assert moderator.post(approve_url).status_code == 302
    assert "Needs review" not in _editor_sources(moderator, spanish_guide)


def test_approval_view_answers_404_for_what_cannot_be_approved(english_guide, client, admin_user):
    admin = sign_in_verified(client, admin_user)
    site = Site.objects.get(is_default_site=True)
    # A 404 outside a language prefix is redirected to the prefixed path by
    # Django's LocaleMiddleware (the site serves pages under /<lang>/); what
    # matters is the answer at the end: a 404, never a 500.
    for content_type, object_id in [
        (ContentType.objects.get_for_model(Site), site.pk),  # not translatable
        (ContentType.objects.get_for_model(Group), Group.objects.first().pk),
        (ContentType.objects.get_for_model(Page), english_guide.pk),  # the source itself
        (ContentType.objects.get_for_model(Page), "not-a-number"),
    ]:
        url = reverse("know_your_rights_approve_translation", args=[content_type.pk, object_id])
        assert admin.get(url, follow=True).status_code == 404, url
        assert admin.post(url, follow=True).status_code == 404, url
    assert not TranslationApproval.objects.exists()


def test_an_english_alert_publish_refreshes_its_source_but_never_puts_a_translation_live(db):
    # Alerts go live only with their approvals (advocacy.approval): the
    # refresh on publish writes no translation, so none can go live by it.
    alert = publish_alert("Checkpoint reported on Fifth Avenue")
    source, _created = TranslationSource.get_or_create_from_instance(alert)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code="es")
    )
    translation.save_target(publish=False)  # a Spanish draft, as "Translate this page" makes
    spanish = AlertPage.objects.get(
        translation_key=alert.translation_key, locale=translation.target_locale
    )
    revisions = Revision.page_revisions.filter(object_id=str(spanish.pk)).count()
    assert not spanish.live

    english = AlertPage.objects.get(pk=alert.pk)
    english.summary = "The report was checked: no checkpoint on Fifth Avenue."
    english.save_revision()
    approve_alert(english)

    assert StringSegment.objects.filter(source=source, string__data=english.summary).exists()
    assert _status(translation) == "Waiting for translations"
    spanish.refresh_from_db()
    assert not spanish.live
    assert Revision.page_revisions.filter(object_id=str(spanish.pk)).count() == revisions


def _api_statements(client) -> list[dict]:
    response = client.get("/api/v1/policy-statements/", {"lang": "es", "page_size": 100})
    assert response.status_code == 200
    return [s for s in response.json()["results"] if s["language"] == "es"]


def _cited_in_api(client, page) -> dict[int, dict]:
    guide = _api_guide(client, page)
    return {
        block["value"]["statement"]["id"]: block["value"]["statement"]
        for block in guide["body"]
        if block["type"] in ("right", "callout") and block["value"]["statement"]
    }
