"""Security headers on public pages and the admin; anonymous page cache."""

import pytest
from django.core.cache import cache
from wagtail.models import Page

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_public_page_has_a_strict_policy(client):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    found = directives(response)
    assert found["default-src"] == "default-src 'self'"
    assert found["script-src"] == "script-src 'self'"
    assert found["style-src"] == "style-src 'self'"
    assert found["frame-ancestors"] == "frame-ancestors 'none'"
    assert found["object-src"] == "object-src 'none'"
    assert found["base-uri"] == "base-uri 'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "nonce" not in policy
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_public_html_has_no_inline_script_or_style(client):
    html = client.get("/ar/").content.decode()
    assert "<script>" not in html and "<style" not in html and "style=" not in html
    assert "onclick=" not in html


def test_admin_gets_its_own_scoped_policy(client):
    response = client.get("/admin/login/")
    found = directives(response)
    assert found["frame-ancestors"] == "frame-ancestors 'self'"
    assert "'unsafe-inline'" in found["script-src"]


def test_anonymous_page_is_served_from_cache_and_purged_on_publish(client):
    first = client.get("/en/")
    assert first["X-Cache"] == "miss"
    assert "public" in first["Cache-Control"]
    second = client.get("/en/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "Content-Security-Policy" in second  # headers still added on a hit

    home = HomePage.objects.get(locale__language_code="en")
    home.title = "Faro Sunset Park"
    home.save_revision().publish()
    third = client.get("/en/")
    assert third["X-Cache"] == "miss"
    assert "Faro Sunset Park" in third.content.decode()


def test_signed_in_editors_never_get_or_fill_the_cache(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "", "a-long-password-123")
    client.force_login(user)
    response = client.get("/en/")
    assert "X-Cache" not in response
    client.logout()
    assert client.get("/en/")["X-Cache"] == "miss"


def test_no_cookie_for_readers(client):
    for path in ("/en/", "/ar/"):
        response = client.get(path)
        assert not response.cookies, path


def test_deleting_a_page_purges(client):
    client.get("/en/")
    assert client.get("/en/")["X-Cache"] == "hit"
    Page.objects.get(locale__language_code="es", depth=2).delete()
    assert client.get("/en/")["X-Cache"] == "miss"


def test_cached_pages_are_sent_gzip_compressed_to_clients_that_accept_it(client):
    import gzip

    plain = client.get("/es/")
    compressed = client.get("/es/", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed["X-Cache"] == "hit"
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2


def test_public_pages_cannot_be_framed_but_the_admin_frames_its_preview(client, admin_client):
    assert client.get("/en/")["X-Frame-Options"] == "DENY"
    assert admin_client.get("/admin/")["X-Frame-Options"] == "SAMEORIGIN"
