"""Alert texts: how long a text is on the air (GSM-7 or UCS-2, segments), the
default text of an alert with its short link, the short link itself, and the
SMS_MAX_SEGMENTS refusal before approval."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from advocacy.models import AlertPage
from advocacy.sms.segments import GSM7, UCS2, measure
from advocacy.sms.texts import alert_text, default_text
from tests.factories.advocacy import SubscriberFactory, ensure_areas, publish_alert
from tests.support.auth import sign_in_verified

# --- Segments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding", "characters", "segments"),
    [
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),  # 2 × 153
        ("a" * 307, GSM7, 307, 3),
        ("€" * 80, GSM7, 80, 1),  # extension table: two septets each, 160 in all
        ("€" * 81, GSM7, 81, 2),
        ("Mañana él y Ünal: ¿dónde?", UCS2, 25, 1),  # ó is not in GSM 03.38
        ("Mañana él y Ünal: ¿donde?", GSM7, 25, 1),  # ñ, é, Ü, ¿ are
        ("检查站" * 23 + "x", UCS2, 70, 1),
        ("检查站" * 24, UCS2, 72, 2),
        ("نقطة تفتيش", UCS2, 10, 1),
        ("🚨" * 35, UCS2, 35, 1),  # outside the BMP: two code units each
        ("🚨" * 36, UCS2, 36, 2),
        ("a" * 66 + "🚨" + "a" * 10, UCS2, 77, 2),
    ],
)
def test_measure(text, encoding, characters, segments):
    result = measure(text)
    assert (result.encoding, result.characters, result.segments) == (
        encoding,
        characters,
        segments,
    )


def test_an_extension_pair_is_never_split_across_segments():
    # 152 septets then "€" (2 septets): the pair moves to the second segment.
    assert measure("a" * 152 + "€" + "a" * 152).segments == 3
    assert measure("a" * 153 + "a" * 153).segments == 2


# --- The default text -------------------------------------------------------------


def test_default_text_is_cut_at_a_word_and_keeps_the_link(settings):
    settings.SMS_MAX_SEGMENTS = 1
    link = "https://faro.example/a/abcdefg/"
    text = default_text("Checkpoint", "word " * 100, link)
    assert text.endswith(" " + link)
    assert text.startswith("Checkpoint: word word")
    assert "word..." in text, "GSM-7 text is cut with three dots, not a UCS-2 ellipsis"
    assert measure(text).segments == 1

    spanish = default_text("Retén", "árbol " * 100, link)
    assert spanish.endswith(" " + link) and "árbol…" in spanish
    assert measure(spanish).segments == 1


@pytest.mark.django_db
def test_alert_text_of_an_alert_and_its_translation(site_tree, client, settings):
    settings.SMS_MAX_SEGMENTS = 2
    alert = publish_alert("Checkpoint on Fifth Avenue", translations=["es"])
    spanish = AlertPage.objects.get(
        translation_key=alert.translation_key, locale__language_code="es"
    )
    english_text, spanish_text = alert_text(alert), alert_text(spanish)
    assert english_text.startswith("Checkpoint on Fifth Avenue: Summary of Checkpoint")
    assert spanish_text.startswith("[es] Checkpoint on Fifth Avenue: [es] Summary.")
    english_link, spanish_link = english_text.rsplit(" ", 1)[1], spanish_text.rsplit(" ", 1)[1]
    assert english_link.startswith(settings.SITE_URL + "/a/")
    assert spanish_link != english_link
    assert alert_text(spanish) == spanish_text, "the same code every time"

    # The link opens the alert in the language of its translation.
    response = client.get(spanish_link.removeprefix(settings.SITE_URL))
    assert response.status_code == 302
    assert response["Location"] == spanish.get_url()
    assert response["Location"].startswith("/es/")
    assert client.get(english_link.removeprefix(settings.SITE_URL))["Location"] == alert.get_url()

    # An editor's own text wins.
    spanish.sms_text = "Retén en la Quinta Avenida."
    assert alert_text(spanish) == "Retén en la Quinta Avenida."


@pytest.mark.django_db
def test_an_expired_or_deleted_alert_link_answers_410_in_its_language(site_tree, client):
    alert = publish_alert("Office closed today", translations=["es"])
    spanish = AlertPage.objects.get(
        translation_key=alert.translation_key, locale__language_code="es"
    )
    link = alert_text(spanish).rsplit(" ", 1)[1]
    path = "/a/" + link.split("/a/")[1]
    AlertPage.objects.filter(translation_key=alert.translation_key).update(
        expires_at=timezone.now()
    )
    response = client.get(path)
    assert response.status_code == 410
    assert 'lang="es"' in response.content.decode()
    spanish.delete()
    alert.delete()
    gone = client.get(path)
    assert gone.status_code == 410 and 'lang="es"' in gone.content.decode()
    assert client.get("/a/zzzzzzz/", follow=True).status_code == 404


# --- Refused before approval ----------------------------------------------------


def alert_form(**fields) -> dict:
    data = {
        "title": "Checkpoint on 5th Avenue",
        "slug": "sms-too-long-checkpoint",
        "urgency": "standard",
        "summary": "People report a checkpoint near the subway station.",
        "body": rich_text("<p>You may stay silent.</p>"),
        "expires_at": "",
        "follow_up_kind": "",
        "every_area": "on",
        "comments": inline_formset([]),
    }
    data.update(fields)
    return nested_form_data(data)


@pytest.mark.django_db
def test_a_text_longer_than_the_limit_is_refused_on_save(site_tree, client, settings):
    settings.SMS_MAX_SEGMENTS = 2
    ensure_areas()
    user = User.objects.create_user("smsedna", "smsedna@example.org", "x" * 16)
    user.groups.add(Group.objects.get(name="Editors"))
    sign_in_verified(client, user)
    url = f"/admin/pages/add/advocacy/alertpage/{site_tree.alert_index.pk}/"
    response = client.post(url, alert_form(sms_text="a" * 307, action_submit="Submit"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "3 segments long" in body and "the limit is 2" in body
    assert not AlertPage.objects.filter(slug="sms-too-long-checkpoint").exists()

    response = client.post(url, alert_form(sms_text="a" * 306))
    assert response.status_code == 302
    assert AlertPage.objects.get(slug="sms-too-long-checkpoint").sms_text == "a" * 306


@pytest.mark.django_db
def test_the_editor_measure_is_the_servers_rule(site_tree, client, settings):
    settings.SMS_SEGMENT_COST = 0.05
    settings.SMS_MAX_SEGMENTS = 2
    user = User.objects.create_superuser("sms-measure", "sms-measure@example.org", "x" * 16)
    sign_in_verified(client, user)
    alert = publish_alert("Measured alert")
    for number in range(3):
        subscriber = SubscriberFactory.build(email=None)
        subscriber.phone = f"+1202555{170 + number:04d}"  # fictional numbers
        subscriber.phone_confirmed_at = timezone.now()
        subscriber.save()
    url = "/admin/alerts/sms-measure.json"
    typed = client.get(url, {"text": "€" * 81, "page": alert.pk}).json()
    assert (typed["encoding"], typed["characters"], typed["segments"]) == ("GSM-7", 81, 2)
    assert typed["recipients"] == 3 and typed["cost"] == 0.3
    assert typed["refusal"] == ""
    too_long = client.get(url, {"text": "检" * 135}).json()
    assert too_long["segments"] == 3 and "the limit is 2" in too_long["refusal"]
    default = client.get(url, {"text": "", "title": "Title", "summary": "Summary"}).json()
    assert default["default"] and default["segments"] == 1
    # The editor's field carries the measure's address; the script is a static file.
    page = client.get(f"/admin/pages/{alert.pk}/edit/").content.decode()
    assert 'data-sms-measure-url="/admin/alerts/sms-measure.json"' in page
    assert "advocacy/sms-measure.js" in page
