"""The admin in a real browser's terms: referrer policy, Origin check, the two-step gate.

Django's test client sends no Origin header; a browser does on every form
POST (`null` under `Referrer-Policy: no-referrer`). These tests send what a
browser sends. The same paths in Chromium: tests/browser/test_admin_sign_in.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.support.production import PRODUCTION_ENV

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple 7"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def signed_in(editor_user) -> Client:
    """A client signed in with a password, before the second step."""
    client = Client()
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/",
        {
            "username": editor_user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302, response.status_code
    return client


def test_admin_pages_let_the_browser_send_their_origin_and_public_pages_do_not(client):
    assert client.get("/admin/login/")["Referrer-Policy"] == "same-origin"
    assert client.get("/en/")["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("origin", "status"),
    [("http://testserver", 302), ("null", 403), ("https://evil.example", 403)],
)
def test_sign_in_form_checks_the_origin(editor, origin, status):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    response = client.post(
        "/admin/login/",
        {
            "username": "editor",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
        HTTP_ORIGIN=origin,
    )
    assert response.status_code == status


def test_production_trusts_the_origin_of_site_url():
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV, SITE_URL="https://faro.example.org:8443/")
    code = "from django.conf import settings; print(__import__('json').dumps(settings.CSRF_TRUSTED_ORIGINS))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["https://faro.example.org:8443"]


def test_the_gate_answers_the_sprite_and_the_javascript_catalog(editor):
    client = signed_in(editor)
    sprite = client.get("/admin/sprite/?h=abc", HTTP_SEC_FETCH_DEST="empty")
    assert sprite.status_code == 200
    assert sprite["Content-Type"].startswith("image/svg+xml")
    catalog = client.get("/admin/jsi18n/", HTTP_SEC_FETCH_DEST="script")
    assert catalog.status_code == 200
    assert "javascript" in catalog["Content-Type"]


def test_the_gate_keeps_next_on_the_page_asked_for(editor):
    client = signed_in(editor)
    page = client.get("/admin/pages/?p=2", HTTP_SEC_FETCH_DEST="document")
    location = urlsplit(page["Location"])
    assert location.path == "/admin/2fa/setup/"
    assert parse_qs(location.query)["next"] == ["/admin/pages/?p=2"]
    # A script's fetch is never where the person lands afterwards.
    fetched = client.get("/admin/pages/search/", HTTP_SEC_FETCH_DEST="empty")
    assert urlsplit(fetched["Location"]).query == ""


@pytest.mark.parametrize(
    "target",
    [
        "/admin/sprite/?h=abc",
        "/admin/jsi18n/",
        "/admin/2fa/verify/",
        "/admin/login/",
        "/en/",
        "https://evil.example/admin/",
        "//evil.example/admin/",
    ],
)
def test_next_is_never_an_asset_or_another_site(editor, target):
    client = signed_in(editor)
    page = client.get("/admin/2fa/setup/", {"next": target})
    assert page.context["next"] == "/admin/"
    assert b'for="id_token"' in page.content


def test_next_to_an_admin_page_is_kept(editor):
    client = signed_in(editor)
    page = client.get("/admin/2fa/setup/", {"next": "/admin/pages/3/edit/"})
    assert page.context["next"] == "/admin/pages/3/edit/"
