"""wagtail-localize's translation editor saves a segment (a form-data PUT to its
own DRF view) while Faro's API keeps taking JSON alone.

The editor's Save sends `multipart/form-data` with the CSRF token in
X-CSRFToken, from an admin page whose referrer policy lets the browser send
its Origin. The same click in Chromium: tests/browser/test_admin_sign_in.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import StringSegment, StringTranslation, Translation

from know_your_rights.models import GuidePage
from tests.support.auth import sign_in_verified

BOUNDARY = "segment-save-boundary"


@pytest.fixture
def bengali_title_segment(seeded):
    english = GuidePage.objects.get(locale=Locale.get_default(), slug="your-idnyc")
    translation = Translation.objects.get(
        source__object_id=english.translation_key, target_locale__language_code="bn"
    )
    segment = StringSegment.objects.get(source=translation.source, context__path="title")
    return translation, segment


@pytest.fixture
def translator(django_user_model):
    user = django_user_model.objects.create_user("segment-translator", password="x" * 20)
    user.groups.add(Group.objects.get(name="Translators"))
    return sign_in_verified(Client(enforce_csrf_checks=True), user)


def save_segment(client, translation, segment, value: str, token: str | None):
    url = reverse(
        "wagtail_localize:edit_string_translation",
        kwargs={"translation_id": translation.pk, "string_segment_id": segment.pk},
    )
    headers = {"HTTP_ORIGIN": "http://testserver"}
    if token:
        headers["HTTP_X_CSRFTOKEN"] = token
    return client.put(
        url,
        encode_multipart(BOUNDARY, {"value": value}),
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", BOUNDARY),
        **headers,
    )


def test_a_translator_saves_a_segment(translator, bengali_title_segment):
    translation, segment = bengali_title_segment
    editor = translator.get(
        reverse("wagtailadmin_pages:edit", args=[translation.get_target_instance().pk])
    )
    assert editor.status_code == 200
    token = translator.cookies["csrftoken"].value

    response = save_segment(
        translator, translation, segment, "IDNYC (saved by a translator)", token
    )
    assert response.status_code == 200, response.content
    saved = StringTranslation.objects.get(
        translation_of=segment.string, locale=translation.target_locale, context=segment.context
    )
    assert saved.data == "IDNYC (saved by a translator)"
    assert saved.translation_type == StringTranslation.TRANSLATION_TYPE_MANUAL


def test_a_segment_save_without_the_csrf_token_is_refused(translator, bengali_title_segment):
    translation, segment = bengali_title_segment
    response = save_segment(translator, translation, segment, "forged", token=None)
    assert response.status_code == 403
    assert not StringTranslation.objects.filter(data="forged").exists()
