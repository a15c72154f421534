"""XSS: a payload in every text field, block, snippet and alert is escaped in
public pages, the admin, the API and emails; `javascript:` and `data:` links
in rich text are neutralised. Redirect parameters stay on this site."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from wagtail.admin.rich_text import get_rich_text_editor_widget
from wagtail.rich_text import RichText

from advocacy.models import AlertPage
from advocacy.rendering import render_alert
from tests.factories.advocacy import approve
from tests.security.content import build_content

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
RAW = ("<script>alert(1)", "<img src=x onerror")


def assert_escaped(body: str, where: str) -> None:
    for raw in RAW:
        assert raw not in body, f"{where}: unescaped payload"


@pytest.fixture
def content():
    cache.clear()
    return build_content(text=PAYLOAD)


def test_payload_is_escaped_on_public_pages(client, content):
    guide, alert = content.guide, content.alert
    paths = [
        guide.url,
        f"{guide.url}card/",
        content.guide_es.url,
        guide.get_parent().url,
        alert.url,
        alert.get_parent().url,
        "/en/alerts/feed/",
        f"/en/search/?q={PAYLOAD}",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "alert(1)" in body, f"{path}: the payload text is shown (escaped)"
        assert_escaped(body, path)


def test_payload_is_escaped_in_the_admin(admin_client, content):
    paths = [
        f"/admin/pages/{content.guide.pk}/edit/",
        f"/admin/pages/{content.guide_es.pk}/edit/",
        f"/admin/pages/{content.alert.pk}/edit/",
        f"/admin/pages/{content.guide.get_parent().pk}/",
        f"/admin/pages/{content.alert.get_parent().pk}/",
        f"/admin/snippets/know_your_rights/policystatement/edit/{content.statement.pk}/",
        "/admin/snippets/know_your_rights/policystatement/",
        f"/admin/snippets/know_your_rights/hotline/edit/{content.hotline.pk}/",
        "/admin/snippets/know_your_rights/hotline/",
        f"/admin/snippets/know_your_rights/policysource/edit/{content.source.pk}/",
        "/admin/snippets/know_your_rights/policysource/",
        f"/admin/alerts/{content.alert.pk}/send/",
        "/admin/dispatches/",
        f"/admin/dispatches/{content.dispatch.pk}/",
        f"/admin/pages/{content.guide.pk}/history/",
        "/admin/choose-page/",
        "/admin/snippets/choose/know_your_rights/policystatement/",
        "/admin/snippets/choose/know_your_rights/hotline/",
    ]
    for path in paths:
        response = admin_client.get(path)
        assert response.status_code == 200, path
        assert_escaped(response.content.decode(), path)


def test_payload_is_plain_json_text_in_the_api(client, content):
    paths = [
        "/api/v1/guides/?lang=en",
        f"/api/v1/guides/{content.guide.pk}/",
        "/api/v1/policy-statements/?lang=en",
        "/api/v1/hotlines/?lang=en",
        "/api/v1/alerts/?lang=en",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("application/json"), path
        assert response["X-Content-Type-Options"] == "nosniff"
        decoded = json.dumps(response.json())
        assert "alert(1)" in decoded, f"{path}: the payload is there, as data"


def test_payload_is_escaped_in_the_alert_email(content):
    message = render_alert(content.alert, "en")
    assert "alert(1)" in message.html
    assert_escaped(message.html, "alert email HTML")
    assert "\n" not in message.subject and "\r" not in message.subject


# --- Rich text links -------------------------------------------------------


def editor_save(html_links: list[str]) -> str:
    """What the admin's rich-text editor stores when a link with each href is
    typed in: the Draftail widget's own conversion from the posted state."""
    widget = get_rich_text_editor_widget(features=["bold", "italic", "link", "ol", "ul"])
    blocks, entities = [], {}
    for number, href in enumerate(html_links):
        blocks.append(
            {
                "key": f"k{number}",
                "type": "unstyled",
                "depth": 0,
                "text": "click here",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 10, "key": number}],
            }
        )
        entities[str(number)] = {"type": "LINK", "mutability": "MUTABLE", "data": {"url": href}}
    posted = json.dumps({"blocks": blocks, "entityMap": entities})
    return widget.value_from_datadict({"body": posted}, {}, "body")


BAD_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
]


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_dangerous_links_typed_in_the_editor_are_neutralised(client, content):
    stored = editor_save([*BAD_LINKS, "https://www.nyc.gov/idnyc"])
    rendered = str(RichText(stored))
    assert "https://www.nyc.gov/idnyc" in hrefs(rendered)
    for href in hrefs(rendered):
        lowered = "".join(href.split()).lower()
        assert not lowered.startswith(("javascript:", "data:", "vbscript:")), href

    # And on the published alert page, through the page's own rendering.
    alert = AlertPage.objects.get(pk=content.alert.pk)
    alert.body = stored
    alert.save_revision()
    approve(alert)
    cache.clear()
    body = client.get(alert.url).content.decode()
    for href in hrefs(body):
        lowered = "".join(href.split()).lower()
        assert not lowered.startswith(("javascript:", "data:", "vbscript:")), href


# --- Redirect parameters ---------------------------------------------------

OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example/",
]


def is_offsite(location: str) -> bool:
    location = location.strip()
    return location.startswith(("//", "/\\", "javascript:")) or bool(
        re.match(r"^[a-z][a-z0-9+.-]*:", location, re.I)
    )


@pytest.mark.parametrize("target", OFFSITE)
def test_two_factor_verify_returns_only_to_this_site(client, django_user_model, target):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "x" * 16)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd1234abcd1234")
    client.force_login(user)
    page = client.get(f"/admin/2fa/verify/?next={target}")
    assert not is_offsite(page.context["next"]), page.context["next"]
    assert target.strip() not in page.content.decode()
    response = client.post("/admin/2fa/verify/", {"token": "abcd1234abcd1234", "next": target})
    assert response.status_code == 302
    assert not is_offsite(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_in_returns_only_to_this_site(client, django_user_model, target):
    django_user_model.objects.create_superuser("boss", "boss@example.org", "a-long-password-123")
    response = client.post(
        f"/admin/login/?next={target}",
        {"username": "boss", "password": "a-long-password-123", "next": target},
    )
    assert response.status_code == 302
    assert not is_offsite(response["Location"]), response["Location"]


def test_admin_actions_with_next_return_only_to_this_site(admin_client, content):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    page_type = ContentType.objects.get_for_model(Page)
    approve = f"/admin/know-your-rights/approve/{page_type.pk}/{content.guide_es.pk}/"
    unpublish = f"/admin/pages/{content.guide.pk}/unpublish/"
    for target in OFFSITE:
        content.guide.refresh_from_db()
        if not content.guide.live:
            content.guide.get_latest_revision().publish()
        responses = [
            admin_client.post(f"{approve}?next={target}", {"next": target}),
            admin_client.post(f"{unpublish}?next={target}", {"next": target}),
        ]
        for response in responses:
            assert response.status_code == 302, target
            assert not is_offsite(response["Location"]), (target, response["Location"])


def test_preference_changes_stay_on_this_site(client):
    from advocacy.tokens import MANAGE, make_token
    from tests.factories.advocacy import make_subscriber

    subscriber = make_subscriber("stays@example.org")
    token = make_token(subscriber, MANAGE)
    response = client.post(
        f"/en/preferences/{token}/?next=https://evil.example/",
        {"language": "es", "next": "https://evil.example/", "redirect": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/es/preferences/")
